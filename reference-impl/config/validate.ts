// Validation of a whole config against the command reference and the platform matrix.
// Each rule has an id; each finding carries the line, the router's message and a detail that
// names the command and parameter (never a secret value).

import { param, params } from './command-line.ts';
import { parseConfig, type ConfigDocument } from './document.ts';
import { DEFAULT_REFUSAL_MESSAGES, routerErrorText, type Language, type RouterErrorKind } from './messages.ts';
import {
  BRIDGE_MEMBER_GATES,
  CONSOLE_COLUMNS_MAX,
  CONSOLE_COLUMNS_MAX_DEFAULT,
  DEFAULT_CONFIG_PLATFORM_ASSUMPTIONS,
  ethernetFilterListLimit,
  tunnelEnableTakesOneArgument,
  type ConfigPlatform,
  type ConfigPlatformAssumptions,
} from './platform-gates.ts';
import { checkL2ms, type L2msRule } from './l2ms-gates.ts';
import { isIpv4 } from './value-types.ts';
import { ipsec } from './views-ipsec.ts';
import { commands, l2tpTunnels, type CommandAt } from './views.ts';

export type ValidationRule =
  | 'syntax'
  | 'l2tpv3-unsupported'
  | 'l2tpv3-ipsec-unsupported'
  | 'too-many-l2tpv3-tunnels'
  | 'tag-vlan-with-l2tpv3'
  | 'tunnel-number-range'
  | 'tunnel-enable-arguments'
  | 'ethernet-filter-list-length'
  | 'console-columns'
  | 'bridge-member'
  | 'endpoint-family'
  | 'endpoint-name-type'
  | 'ike-version'
  | 'vlan-mode-conflict'
  /** L2MS commands, options and the manager on an L2TPv3 endpoint (l2ms-gates.ts) */
  | L2msRule
  /** a real RTX command outside the modelled subset (review.ts) */
  | 'not-modelled'
  /** no RTX command at all (review.ts) */
  | 'unknown-command';

export type Severity = 'error' | 'warning';

export interface ConfigIssue {
  rule: ValidationRule;
  /** every refusal of validateConfig is an error; review.ts adds warnings */
  severity: Severity;
  /** 1-based */
  line: number;
  /** 1-based, in the line as written */
  column: number;
  kind: RouterErrorKind;
  /** the router's message, e.g. `Error: Parameter out of range` */
  message: string;
  /** what and why, for people; never contains a secret */
  detail: string;
  /** a command name the line's leading words are a near miss of ("did you mean") */
  suggestion?: string;
}

export interface ValidateOptions {
  lang?: Language;
  assumptions?: ConfigPlatformAssumptions;
}

// ASSUMPTION: which `l2tp` commands exist only with L2TPv3 (the seed's 【新設コマンド】 list is
// lost in its text): always-on, hostname, router-id and end-id are L2TPv3 tunnel parameters
// (CR §16.7-16.11); the other l2tp commands also serve L2TP/IPsec.
export const L2TPV3_ONLY_COMMANDS: readonly string[] = [
  'l2tp always-on',
  'l2tp hostname',
  'l2tp local router-id',
  'l2tp remote router-id',
  'l2tp remote end-id',
];

// yamaha-platform-facts.md §1.3 (CR §45.1): what `bridge member` accepts as members.
const BRIDGE_MEMBER_NAME = /^(lan\d+|lan\d+\.\d+|vlan\d+|tunnel\d+|tunnel\d+-tunnel\d+)$/;

export function validateConfig(doc: ConfigDocument, platform: ConfigPlatform, options: ValidateOptions = {}): ConfigIssue[] {
  const lang = options.lang ?? 'en';
  const assumptions = options.assumptions ?? DEFAULT_CONFIG_PLATFORM_ASSUMPTIONS;
  const issues: ConfigIssue[] = [];
  const add = (rule: ValidationRule, at: CommandAt | { line: { lineNo: number; indent: string } }, kind: RouterErrorKind, detail: string) =>
    issues.push({ rule, severity: 'error', line: at.line.lineNo, column: at.line.indent.length + 1, kind, message: routerErrorText(kind, lang), detail });
  const where = `${platform.model}${platform.revision ? ` Rev.${platform.revision.major}.${String(platform.revision.minor).padStart(2, '0')}.${String(platform.revision.patch).padStart(2, '0')}` : ''}`;

  for (const line of doc.lines) {
    if (line.parsed.kind === 'error') {
      const e = line.parsed.error;
      issues.push({ rule: 'syntax', severity: 'error', line: line.lineNo, column: line.indent.length + e.column + 1, kind: e.kind, message: routerErrorText(e.kind, lang), detail: e.reason });
    }
  }

  const all = commands(doc);
  const R = DEFAULT_REFUSAL_MESSAGES;
  for (const c of all) {
    const { command } = c;
    if (command.negated) continue;
    const enc = command.id === 'tunnel encapsulation' ? String(param(command, 'type')) : undefined;
    const usesL2tpv3 =
      enc === 'l2tpv3' ||
      enc === 'l2tpv3-raw' ||
      (command.id === 'l2tp service' && params(command, 'versions').includes('l2tpv3')) ||
      L2TPV3_ONLY_COMMANDS.includes(command.id);
    if (usesL2tpv3 && !platform.l2tpv3) {
      add('l2tpv3-unsupported', c, R.l2tpv3Unsupported, `${command.id}${enc ? ` ${enc}` : ''}: ${where} has no L2TPv3 (seed: 対応機種とファームウェアリビジョン)`);
    } else if (enc === 'l2tpv3' && !platform.l2tpv3Ipsec) {
      add('l2tpv3-ipsec-unsupported', c, R.l2tpv3IpsecUnsupported, `tunnel encapsulation l2tpv3 (L2TPv3/IPsec): ${where} has no L2TPv3/IPsec`);
    }
    if (command.id === 'tunnel select') {
      const n = param(command, 'tunnel');
      if (typeof n === 'number' && n > platform.maxTunnelInterfaces) {
        add('tunnel-number-range', c, 'parameterOutOfRange', `tunnel select: ${n} is over ${where}'s ${platform.maxTunnelInterfaces} tunnel interfaces (seed ※1)`);
      }
    }
    if (command.id === 'tunnel enable' && params(command, 'tunnels').length > 1 && tunnelEnableTakesOneArgument(platform)) {
      add('tunnel-enable-arguments', c, R.multipleTunnelEnableArguments, `tunnel enable: ${where} takes one tunnel number per command (CR §14.1)`);
    }
    if (command.id === 'ethernet interface filter') {
      const limit = ethernetFilterListLimit(platform);
      const n = params(command, 'filters').length;
      if (n > limit) add('ethernet-filter-list-length', c, 'parameterOutOfRange', `ethernet ${param(command, 'interface')} filter: ${n} filters, ${where} allows ${limit} (CR §9.2)`);
    }
    if (command.id === 'console columns') {
      const max = CONSOLE_COLUMNS_MAX[platform.model] ?? CONSOLE_COLUMNS_MAX_DEFAULT;
      const n = Number(param(command, 'columns'));
      if (n > max) add('console-columns', c, 'parameterOutOfRange', `console columns: ${n} is not in 80..${max} on ${where} (CR §4.22)`);
    }
    if (command.id === 'tunnel endpoint address') {
      const local = param(command, 'local');
      const remote = String(param(command, 'remote'));
      if (local !== undefined && isIpv4(String(local)) !== isIpv4(remote)) {
        add('endpoint-family', c, R.endpointFamilyMismatch, 'tunnel endpoint address: local and remote must be the same address family (CR §14.9)');
      }
    }
  }

  checkBridges(all, platform, assumptions, (c, detail) => add('bridge-member', c, R.bridgeMemberRefused, detail));
  checkVlanModes(all, (c, detail) => add('vlan-mode-conflict', c, R.vlanModeConflict, detail));
  checkL2tpv3Tunnels(doc, all, platform, where, add);
  checkL2ms(doc, platform, where, add);
  return issues.sort((a, b) => a.line - b.line || a.column - b.column);
}

type Add = (rule: ValidationRule, at: CommandAt, kind: RouterErrorKind, detail: string) => void;

function checkL2tpv3Tunnels(doc: ConfigDocument, all: readonly CommandAt[], platform: ConfigPlatform, where: string, add: Add): void {
  if (!platform.l2tpv3) return; // every L2TPv3 line is already refused
  const tunnels = l2tpTunnels(doc);
  const at = (lineNo: number) => all.find((c) => c.line.lineNo === lineNo)!;
  // The router refuses the tunnel configured last, so count in line order, not tunnel order.
  const byLine = [...tunnels].sort((a, b) => a.encapsulationLine - b.encapsulationLine);
  byLine.slice(platform.maxL2tpv3Tunnels).forEach((t) => {
    add('too-many-l2tpv3-tunnels', at(t.encapsulationLine), DEFAULT_REFUSAL_MESSAGES.tooManyL2tpv3Tunnels,
      `tunnel ${t.tunnel}: ${where} runs at most ${platform.maxL2tpv3Tunnels} L2TPv3 tunnel(s) (seed: L2TPv3動作可能最大トンネル数)`);
  });
  if (tunnels.length > 0 && !platform.tagVlanWithL2tpv3) {
    for (const c of all) {
      if (c.command.id === 'vlan' && !c.command.negated) {
        add('tag-vlan-with-l2tpv3', c, DEFAULT_REFUSAL_MESSAGES.tagVlanWithL2tpv3Unsupported,
          `vlan ${param(c.command, 'interface')}: ${where} cannot use tag VLAN together with L2TPv3 (seed: L2TPv3とタグVLANの併用)`);
      }
    }
  }
  const gateways = ipsec(doc);
  for (const t of tunnels) {
    // CR §14.10: for the l2tpv3 encapsulations the endpoint name must be an FQDN
    if (t.endpointName?.type === 'tel') {
      const c = [...all].reverse().find((x) => x.line.tunnel === t.tunnel && x.command.id === 'tunnel endpoint name' && !x.command.negated)!;
      add('endpoint-name-type', c, 'illegalKeyword', `tunnel endpoint name: type tel is for ipudp only; tunnel ${t.tunnel} is ${t.encapsulation} (CR §14.10)`);
    }
    // facts §1.4, §6: L2TPv3/IPsec supports only IKEv1 transport mode
    if (t.ipsec && t.ipsecPolicy !== undefined) {
      const policy = gateways.policies.find((p) => p.policy === t.ipsecPolicy);
      const gw = policy && gateways.gateways.find((g) => g.gateway === policy.gateway);
      if (gw && gw.ikeVersion === 2 && gw.versionLine !== undefined) {
        add('ike-version', at(gw.versionLine), 'illegalKeyword', `ipsec ike version ${gw.gateway} 2: L2TPv3/IPsec (tunnel ${t.tunnel}) supports only IKEv1`);
      }
    }
  }
}

function checkBridges(
  all: readonly CommandAt[],
  platform: ConfigPlatform,
  assumptions: ConfigPlatformAssumptions,
  refuse: (c: CommandAt, detail: string) => void,
): void {
  const owner = new Map<string, string>();
  for (const c of all) {
    if (c.command.id !== 'bridge member' || c.command.negated) continue;
    const bridge = String(param(c.command, 'bridge'));
    for (const [iface, b] of [...owner]) if (b === bridge) owner.delete(iface); // a later line replaces the member list
    for (const m of params(c.command, 'members').map(String)) {
      if (!BRIDGE_MEMBER_NAME.test(m)) refuse(c, `bridge member ${bridge}: ${m} cannot be a bridge member (CR §45.1)`);
      else if (/^(lan\d+\.\d+|vlan\d+)$/.test(m) && (BRIDGE_MEMBER_GATES.noSubInterfaceMembers as readonly string[]).includes(platform.model)) {
        refuse(c, `bridge member ${bridge}: ${m} is not available as a member on ${platform.model} (CR §45.1)`);
      } else if (m.includes('-') && !assumptions.extensionLicence && (BRIDGE_MEMBER_GATES.noTunnelRangeWithoutLicence as readonly string[]).includes(platform.model)) {
        refuse(c, `bridge member ${bridge}: tunnel ranges need an extension licence on ${platform.model} (CR §45.1)`);
      }
      const prev = owner.get(m);
      if (prev !== undefined && prev !== bridge) refuse(c, `bridge member ${bridge}: ${m} is already a member of ${prev} (CR §45.1: one bridge per interface)`);
      else owner.set(m, bridge);
    }
  }
}

// CR §38.1 note (command reference ch.38; not in the digest): tag VLAN and the port-based LAN
// division (`lan type IF port-based-option=...`) cannot be used on the same LAN interface; the one
// entered first stays, the later one is a command error.
const PORT_BASED_DIVISION = /^port-based-(option|ks8995m)=(divide-network|on)$/;

function checkVlanModes(all: readonly CommandAt[], refuse: (c: CommandAt, detail: string) => void): void {
  const mode = new Map<string, 'tag' | 'port'>();
  for (const c of all) {
    const { command } = c;
    if (command.negated) continue;
    let lan: string | undefined;
    let now: 'tag' | 'port' | undefined;
    if (command.id === 'vlan') {
      lan = String(param(command, 'interface')).split('/')[0];
      now = 'tag';
    } else if (command.id === 'lan type' && params(command, 'options').some((o) => PORT_BASED_DIVISION.test(String(o)))) {
      lan = String(param(command, 'interface'));
      now = 'port';
    }
    if (lan === undefined || now === undefined) continue;
    const before = mode.get(lan);
    if (before === undefined) mode.set(lan, now);
    else if (before !== now) {
      refuse(c, `${now === 'tag' ? `vlan ${String(param(command, 'interface'))} 802.1q` : `lan type ${lan}`}: ${lan} already uses ${before === 'tag' ? 'tag VLAN' : 'port-based LAN division'}; the two cannot be combined on one LAN (CR §38.1)`);
    }
  }
}

/** Parse and validate in one step. */
export function checkConfigText(text: string, platform: ConfigPlatform, options: ValidateOptions = {}): { doc: ConfigDocument; issues: ConfigIssue[] } {
  const doc = parseConfig(text);
  return { doc, issues: validateConfig(doc, platform, options) };
}

/** `FILE:LINE: Error: Parameter out of range (detail)` */
export function formatIssue(file: string, issue: ConfigIssue): string {
  return `${file}:${issue.line}: ${issue.message} (${issue.detail})`;
}

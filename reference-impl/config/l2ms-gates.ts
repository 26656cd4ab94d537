// Which model and revision has which L2MS command, option and interface (CR §48.1.1-48.1.3 notes and
// 適用モデル; ASSUMPTION l2ms-command-models, l2ms-mode-values-before-gate in reference-impl/l2ms),
// the L2MS mode a config runs, and the seed's rule for tunnel endpoints: where the model and firmware
// lack "L2MSのマネージャーとの併用" (seed support table), an L2TPv3 endpoint cannot be the L2MS
// manager (seed: L2TPv3とL2MS). Refusal words: ASSUMPTION l2ms-refusal-words.
import { compareRevisions, parseRevision, type Revision } from '../platform/index.ts';
import type { L2msMode } from '../l2ms/index.ts';
import { param } from './command-line.ts';
import { L2MS_DEFAULTS } from './commands-l2ms.ts';
import type { ConfigDocument } from './document.ts';
import type { RouterErrorKind } from './messages.ts';
import type { ConfigPlatform } from './platform-gates.ts';
import { commands, l2tpTunnels, type CommandAt } from './views.ts';

const rev = parseRevision;
const L2MS_USE_MODELS = ['RTX1300', 'RTX1220', 'RTX1210', 'RTX840', 'RTX830', 'NVR700W', 'RTX810', 'RTX1200'];

/** Per command: the models that have it and, per model, the first revision that has it. */
export const L2MS_COMMAND_GATES: Readonly<Record<string, { models: readonly string[]; from?: Readonly<Record<string, Revision>> }>> = {
  'switch control use': { models: L2MS_USE_MODELS },
  'switch control watch interval': { models: L2MS_USE_MODELS },
  // §48.1.1 note: RTX1210 from Rev.14.01.20
  'switch control mode': { models: ['RTX1220', 'RTX1210', 'RTX840', 'RTX830'], from: { RTX1210: rev('14.01.20') } },
};

/** §48.1.1 note: the manager and agent options, per model, from these revisions (before: off only). */
export const L2MS_MODE_OPTIONS_FROM: Readonly<Record<string, Revision>> = { RTX1210: rev('14.01.41'), RTX830: rev('15.02.24'), RTX1220: rev('15.04.04') };

/** §48.1.2 notes: which interfaces and options `switch control use` takes, from which revision. */
export const L2MS_USE_GATES = {
  // bridge interfaces: RTX1210 Rev.14.01.20+, and every Rev.15.02-series-or-later firmware
  bridgeFrom: { RTX1210: rev('14.01.20') } as Readonly<Record<string, Revision>>,
  bridgeFromSeries: rev('15.02.00'),
  // VLAN interfaces: RTX1210 Rev.14.01.42+, RTX830 Rev.15.02.30+, RTX1220 Rev.15.04.07+, RTX840
  vlanFrom: { RTX1210: rev('14.01.42'), RTX830: rev('15.02.30'), RTX1220: rev('15.04.07'), RTX840: rev('00.00.00') } as Readonly<Record<string, Revision>>,
  // the terminal option: Rev.14.01-series firmware and later
  terminalFromSeries: rev('14.01.00'),
} as const;

/** A revision at or after `from`; a model whose support is revision-independent (undefined) has it. */
function atLeast(p: ConfigPlatform, from: Revision): boolean {
  return p.revision === undefined || compareRevisions(p.revision, from) >= 0;
}

export function l2msCommandAvailable(p: ConfigPlatform, id: string): boolean {
  const g = L2MS_COMMAND_GATES[id];
  if (g === undefined) return true;
  if (!g.models.includes(p.model)) return false;
  const from = g.from?.[p.model];
  return from === undefined || atLeast(p, from);
}

/** Whether `switch control mode MODE` is accepted (off always, where the command exists). */
export function l2msModeAvailable(p: ConfigPlatform, mode: L2msMode): boolean {
  if (!l2msCommandAvailable(p, 'switch control mode')) return false;
  const from = L2MS_MODE_OPTIONS_FROM[p.model];
  return mode === 'off' || from === undefined || atLeast(p, from);
}

/** Why `switch control use IFACE ... [terminal=...]` is refused on the platform, or undefined. */
function useRefusal(p: ConfigPlatform, iface: string, terminal: boolean): string | undefined {
  const g = L2MS_USE_GATES;
  if (/^bridge\d+$/.test(iface)) {
    const from = g.bridgeFrom[p.model];
    if (!(from !== undefined ? atLeast(p, from) : atLeast(p, g.bridgeFromSeries))) return `a bridge interface needs RTX1210 Rev.14.01.20+ or Rev.15.02-series firmware (CR §48.1.2)`;
  } else if (/^(vlan\d+|lan\d+\/\d+)$/.test(iface)) {
    const from = g.vlanFrom[p.model];
    if (from === undefined || !atLeast(p, from)) return `a VLAN interface needs RTX1210 Rev.14.01.42+, RTX830 Rev.15.02.30+, RTX1220 Rev.15.04.07+ or RTX840 (CR §48.1.2)`;
  } else if (!/^lan\d+$/.test(iface)) {
    return `${iface} is not a LAN, bridge or VLAN interface (CR §48.1.2)`;
  }
  if (terminal && !atLeast(p, g.terminalFromSeries)) return 'the terminal option needs Rev.14.01-series firmware or later (CR §48.1.2)';
  return undefined;
}

export interface L2msSettings {
  /** The mode the router runs: the last `switch control mode`, else the initial manager (CR §48.1.1). */
  readonly mode: L2msMode;
  /** Whether `mode` comes from a `switch control mode` line (false: the initial value is in effect). */
  readonly modeConfigured: boolean;
  /** `switch control use IF on|off` per interface (absent: initial off). */
  readonly use: ReadonlyMap<string, boolean>;
}

export function l2msSettings(doc: ConfigDocument): L2msSettings {
  let mode: L2msMode = L2MS_DEFAULTS.mode;
  let modeConfigured = false;
  const use = new Map<string, boolean>();
  for (const { command } of commands(doc)) {
    if (command.id === 'switch control mode') {
      mode = command.negated ? L2MS_DEFAULTS.mode : (String(param(command, 'mode')) as L2msMode);
      modeConfigured = !command.negated;
    }
    if (command.id === 'switch control use') {
      const iface = String(param(command, 'interface'));
      if (command.negated) use.delete(iface);
      else use.set(iface, String(param(command, 'use')) === 'on');
    }
  }
  return { mode, modeConfigured, use };
}

export type L2msRule = 'l2ms-unavailable' | 'l2ms-manager-with-l2tpv3';
export type L2msRefuse = (rule: L2msRule, at: CommandAt, kind: RouterErrorKind, detail: string) => void;

/** ASSUMPTION l2ms-refusal-words. */
export const L2MS_REFUSAL_MESSAGES = { commandMissing: 'invalidCommandName', optionMissing: 'illegalKeyword', managerWithL2tpv3: 'illegalKeyword' } as const satisfies Record<string, RouterErrorKind>;

/** The L2MS findings of a config on a platform (validate.ts adds them to the others). */
export function checkL2ms(doc: ConfigDocument, platform: ConfigPlatform, where: string, refuse: L2msRefuse): void {
  const M = L2MS_REFUSAL_MESSAGES;
  const all = commands(doc).filter((c) => c.command.id.startsWith('switch control '));
  for (const c of all) {
    const { command } = c;
    if (!l2msCommandAvailable(platform, command.id)) {
      refuse('l2ms-unavailable', c, M.commandMissing, `${command.id}: ${where} has no such L2MS command (CR ch.48 適用モデル and notes)`);
      continue;
    }
    if (command.negated) continue;
    if (command.id === 'switch control mode' && !l2msModeAvailable(platform, String(param(command, 'mode')) as L2msMode)) {
      refuse('l2ms-unavailable', c, M.optionMissing, `switch control mode ${String(param(command, 'mode'))}: the manager and agent options need RTX1210 Rev.14.01.41+, RTX830 Rev.15.02.24+ or RTX1220 Rev.15.04.04+ (CR §48.1.1)`);
    }
    if (command.id === 'switch control use') {
      const why = useRefusal(platform, String(param(command, 'interface')), param(command, 'terminal') !== undefined);
      if (why !== undefined) refuse('l2ms-unavailable', c, M.optionMissing, `switch control use: ${why}; not on ${where}`);
    }
  }
  // seed: L2TPv3とL2MS — without the combination, an L2TPv3 endpoint cannot be the L2MS manager
  if (platform.l2msManagerWithL2tpv3 || l2tpTunnels(doc).length === 0 || l2msSettings(doc).mode !== 'manager') return;
  for (const c of all) {
    const { command } = c;
    if (command.negated || !l2msCommandAvailable(platform, command.id)) continue;
    const makesManager =
      (command.id === 'switch control mode' && String(param(command, 'mode')) === 'manager') ||
      (command.id === 'switch control use' && String(param(command, 'use')) === 'on');
    if (makesManager) {
      refuse('l2ms-manager-with-l2tpv3', c, M.managerWithL2tpv3,
        `${command.id}: ${where} cannot be the L2MS manager while it is an L2TPv3 tunnel endpoint (seed: L2TPv3とL2MS; disable L2MS with \`switch control mode off\` or \`switch control use IF off\`)`);
    }
  }
}

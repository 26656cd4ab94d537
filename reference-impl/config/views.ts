// Typed views of a parsed config: the settings in effect after every line ran, with the
// documented defaults filled in. Later lines override earlier ones; a `no` form restores the default.

import { param, params, type Command } from './command-line.ts';
import type { ConfigDocument, ConfigLine } from './document.ts';
import { BRIDGE_DEFAULTS, L2TP_DEFAULTS, TUNNEL_DEFAULTS } from './defaults.ts';
import { Secret } from './secret.ts';

export interface CommandAt {
  command: Command;
  line: ConfigLine;
}

/** Every modelled command, in order, with its line. */
export function commands(doc: ConfigDocument): CommandAt[] {
  return doc.lines.flatMap((line) => (line.parsed.kind === 'command' ? [{ command: line.parsed.command, line }] : []));
}

/** The last command of `id` in the given tunnel (or global scope) that is not undone by a later `no`. */
function last(list: readonly CommandAt[], id: string, where: (c: CommandAt) => boolean = () => true): CommandAt | undefined {
  let found: CommandAt | undefined;
  for (const c of list) {
    if (c.command.id !== id || !where(c)) continue;
    found = c.command.negated ? undefined : c;
  }
  return found;
}

const str = (c: CommandAt | undefined, name: string): string | undefined => {
  const v = c && param(c.command, name);
  return v === undefined ? undefined : String(v);
};

export type L2tpv3Encapsulation = 'l2tpv3-raw' | 'l2tpv3';

export interface L2tpTunnelView {
  tunnel: number;
  /** `l2tpv3-raw` = plain L2TPv3, `l2tpv3` = L2TPv3/IPsec (CR §14.4) */
  encapsulation: L2tpv3Encapsulation;
  ipsec: boolean;
  endpointAddress?: { local?: string; remote: string };
  endpointName?: { local?: string; remote: string; type: 'fqdn' | 'tel' };
  /** `ipsec tunnel P` in this tunnel */
  ipsecPolicy?: number;
  alwaysOn: boolean;
  /** undefined: the model name (CR §16.8) */
  hostname?: string;
  /** password undefined with auth on: the model name (CR §16.2) */
  tunnelAuth: { enabled: boolean; password?: Secret };
  disconnectTime: number | 'off';
  keepalive: { enabled: boolean; interval: number; count: number };
  keepaliveLog: boolean;
  syslog: boolean;
  localRouterId: string;
  remoteRouterId: string;
  remoteEndId?: string;
  /** `tunnel enable` state after the whole config */
  enabled: boolean;
  /** line of the `tunnel encapsulation` command */
  encapsulationLine: number;
}

/** Whether tunnel n is enabled after all `tunnel enable/disable` lines (CR §14.1, §14.2). */
export function tunnelEnabled(doc: ConfigDocument, n: number): boolean {
  let enabled: boolean = TUNNEL_DEFAULTS.enabled;
  for (const { command } of commands(doc)) {
    const enable = command.id === 'tunnel enable' ? !command.negated : command.id === 'tunnel disable' ? command.negated : undefined;
    if (enable === undefined) continue;
    const sets = params(command, 'tunnels').map(String);
    if (sets.length === 0 && command.negated) continue;
    if (sets.some((s) => tunnelSetHas(s, n))) enabled = enable;
  }
  return enabled;
}

/** `all`, `N`, `N1-N2`, `N1-`, `-N1` (CR §14.1). */
export function tunnelSetHas(set: string, n: number): boolean {
  if (set === 'all') return true;
  const m = /^(\d*)(-?)(\d*)$/.exec(set);
  if (!m) return false;
  if (m[2] === '') return Number(m[1]) === n;
  const lo = m[1] === '' ? 1 : Number(m[1]);
  const hi = m[3] === '' ? Infinity : Number(m[3]);
  return n >= lo && n <= hi;
}

/** Tunnels whose encapsulation is L2TPv3 or L2TPv3/IPsec, in tunnel-number order. */
export function l2tpTunnels(doc: ConfigDocument): L2tpTunnelView[] {
  const all = commands(doc);
  const tunnelNumbers = [...new Set(all.flatMap((c) => (c.line.tunnel === null ? [] : [c.line.tunnel])))].sort((a, b) => a - b);
  const out: L2tpTunnelView[] = [];
  for (const tunnel of tunnelNumbers) {
    const inT = all.filter((c) => c.line.tunnel === tunnel);
    const get = (id: string) => last(inT, id);
    const enc = get('tunnel encapsulation');
    const type = str(enc, 'type');
    if (!enc || (type !== 'l2tpv3' && type !== 'l2tpv3-raw')) continue;
    const addr = get('tunnel endpoint address');
    const name = get('tunnel endpoint name');
    const auth = get('l2tp tunnel auth');
    const keep = get('l2tp keepalive use');
    const disc = get('l2tp tunnel disconnect time');
    const policy = get('ipsec tunnel');
    const onoff = (id: string, name: string, dflt: 'on' | 'off') => (str(get(id), name) ?? dflt) === 'on';
    const password = str(auth, 'password');
    out.push({
      tunnel,
      encapsulation: type,
      ipsec: type === 'l2tpv3',
      endpointAddress: addr && { local: str(addr, 'local'), remote: str(addr, 'remote')! },
      endpointName: name && {
        local: str(name, 'local'),
        remote: str(name, 'remote')!,
        type: (str(name, 'type') ?? TUNNEL_DEFAULTS.endpointNameType) as 'fqdn' | 'tel',
      },
      ipsecPolicy: policy && Number(param(policy.command, 'policy')),
      alwaysOn: onoff('l2tp always-on', 'switch', L2TP_DEFAULTS.alwaysOn),
      hostname: str(get('l2tp hostname'), 'hostname'),
      tunnelAuth: { enabled: onoff('l2tp tunnel auth', 'switch', L2TP_DEFAULTS.tunnelAuth), password: password === undefined ? undefined : new Secret(password) },
      disconnectTime: disc ? (param(disc.command, 'time') as number | 'off') : L2TP_DEFAULTS.disconnectTime,
      keepalive: {
        enabled: onoff('l2tp keepalive use', 'switch', L2TP_DEFAULTS.keepaliveUse),
        interval: Number(str(keep, 'interval') ?? L2TP_DEFAULTS.keepaliveInterval),
        count: Number(str(keep, 'count') ?? L2TP_DEFAULTS.keepaliveCount),
      },
      keepaliveLog: onoff('l2tp keepalive log', 'log', L2TP_DEFAULTS.keepaliveLog),
      syslog: onoff('l2tp syslog', 'syslog', L2TP_DEFAULTS.syslog),
      localRouterId: str(get('l2tp local router-id'), 'routerId') ?? L2TP_DEFAULTS.localRouterId,
      remoteRouterId: str(get('l2tp remote router-id'), 'routerId') ?? L2TP_DEFAULTS.remoteRouterId,
      remoteEndId: str(get('l2tp remote end-id'), 'endId'),
      enabled: tunnelEnabled(doc, tunnel),
      encapsulationLine: enc.line.lineNo,
    });
  }
  return out;
}

export interface L2tpServiceView {
  enabled: boolean;
  /** empty: both L2TPv2 and L2TPv3 (CR §16.1) */
  versions: readonly ('l2tp' | 'l2tpv3')[];
}

export function l2tpService(doc: ConfigDocument): L2tpServiceView {
  const s = last(commands(doc), 'l2tp service');
  return {
    enabled: (str(s, 'service') ?? L2TP_DEFAULTS.service) === 'on',
    versions: s ? (params(s.command, 'versions') as ('l2tp' | 'l2tpv3')[]) : [],
  };
}

export interface BridgeView {
  bridge: string;
  members: readonly string[];
  learning: boolean;
  learningTimer: number | 'off';
  statics: readonly { mac: string; interface: string }[];
  address?: string;
  memberLine: number;
}

export function bridges(doc: ConfigDocument): BridgeView[] {
  const all = commands(doc);
  const names = [...new Set(all.filter((c) => c.command.id.startsWith('bridge ')).map((c) => String(param(c.command, 'bridge'))))];
  const out: BridgeView[] = [];
  for (const bridge of names.sort()) {
    const of = (c: CommandAt) => param(c.command, 'bridge') === bridge;
    const member = last(all, 'bridge member', of);
    if (!member) continue;
    const timer = last(all, 'bridge learning timer', of);
    const statics = all.filter((c) => c.command.id === 'bridge learning static' && !c.command.negated && of(c));
    out.push({
      bridge,
      members: params(member.command, 'members').map(String),
      learning: (str(last(all, 'bridge learning', of), 'switch') ?? BRIDGE_DEFAULTS.learning) === 'on',
      learningTimer: timer ? (param(timer.command, 'time') as number | 'off') : BRIDGE_DEFAULTS.learningTimer,
      statics: statics.map((c) => ({ mac: String(param(c.command, 'mac')), interface: String(param(c.command, 'interface')) })),
      address: str(last(all, 'ip address', (c) => param(c.command, 'interface') === bridge), 'address'),
      memberLine: member.line.lineNo,
    });
  }
  return out;
}

export interface VlanView {
  interface: string;
  vid: number;
  name?: string;
  line: number;
}

export function vlans(doc: ConfigDocument): VlanView[] {
  const byIf = new Map<string, VlanView>();
  for (const c of commands(doc)) {
    if (c.command.id !== 'vlan') continue;
    const iface = String(param(c.command, 'interface'));
    if (c.command.negated) byIf.delete(iface);
    else byIf.set(iface, { interface: iface, vid: Number(param(c.command, 'vid')), name: str(c, 'name'), line: c.line.lineNo });
  }
  return [...byIf.values()];
}

export interface InterfaceAddressView {
  interface: string;
  /** ADDRESS/MASK, or `dhcp` */
  address: string;
}

export function interfaceAddresses(doc: ConfigDocument): InterfaceAddressView[] {
  const byIf = new Map<string, string>();
  for (const c of commands(doc)) {
    if (c.command.id !== 'ip address') continue;
    const iface = String(param(c.command, 'interface'));
    if (c.command.negated) byIf.delete(iface);
    else byIf.set(iface, str(c, 'address') ?? 'dhcp');
  }
  return [...byIf].map(([iface, address]) => ({ interface: iface, address }));
}

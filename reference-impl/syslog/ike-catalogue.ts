// IKE and IPsec-tunnel log lines of L2TPv3/IPsec. The seed's catalogue (catalogue.ts) has no IKE
// line; the lines marked `fact` were seen on a real RTX (ipsec-facts.md, yamaha-platform-facts.md
// §3.5, BLOG-1100 `show log`); the others are the emulator's wording (assumption 'ike-log-levels',
// router/ipsec/ipsec-assumptions.ts) until a device shows them.
import type { SyslogArgs } from './catalogue.ts';

export interface IkeCatalogueEntry {
  level: 'INFO' | 'DEBUG';
  template: string;
  source: 'fact' | 'assumption';
}

export const IKE_SYSLOG_CATALOGUE = {
  // ipsec-facts.md "Syslog seen on real RTX" (BLOG-1100)
  initiatePhase1: { level: 'INFO', template: '[IKE] initiate ISAKMP phase to {address} (local address {local})', source: 'fact' },
  respondPhase1: { level: 'INFO', template: '[IKE] respond ISAKMP phase to {address}', source: 'fact' },
  initiatePhase2: { level: 'INFO', template: '[IKE] initiate IPsec phase to {address}', source: 'fact' },
  respondPhase2: { level: 'INFO', template: '[IKE] respond IPsec phase to {address}', source: 'fact' },
  // yamaha-platform-facts.md §3.5: `IP Tunnel[1] Up` after the IPsec phase (real RTX1100); `Down` inferred
  ipTunnelUp: { level: 'INFO', template: 'IP Tunnel[{tunnel}] Up', source: 'fact' },
  ipTunnelDown: { level: 'INFO', template: 'IP Tunnel[{tunnel}] Down', source: 'assumption' },
  // the emulator's own wording ('ike-log-levels')
  cannotInitiate: { level: 'DEBUG', template: '[IKE] gateway {gateway} has remote address any and cannot initiate', source: 'assumption' },
  quickAbandoned: { level: 'DEBUG', template: '[IKE] quick mode {messageId} abandoned: {reason}', source: 'assumption' },
  phase1Down: { level: 'DEBUG', template: '[IKE] ISAKMP SA with {address} deleted: {reason}', source: 'assumption' },
  ipsecSaDown: { level: 'DEBUG', template: '[IKE] IPsec SA to {address} deleted: {reason}', source: 'assumption' },
  dropped: { level: 'DEBUG', template: '[IKE] message from {address} dropped: {reason}', source: 'assumption' },
  unresolved: { level: 'DEBUG', template: '[IKE] cannot resolve {name}', source: 'assumption' },
  keepaliveDown: { level: 'DEBUG', template: '[IKE] keepalive: no answer from {address}, the SA is deleted', source: 'assumption' },
} as const satisfies Record<string, IkeCatalogueEntry>;

export type IkeSyslogId = keyof typeof IKE_SYSLOG_CATALOGUE;

export function renderIkeSyslog(id: IkeSyslogId, args: SyslogArgs): string {
  return IKE_SYSLOG_CATALOGUE[id].template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = args[name];
    if (v === undefined) throw new Error(`IKE syslog ${id}: missing argument '${name}'`);
    return String(v);
  });
}

const PATTERNS = Object.entries(IKE_SYSLOG_CATALOGUE).map(([id, e]) => ({
  id: id as IkeSyslogId,
  re: new RegExp(`^${e.template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\{\w+\\\}/g, '.+')}$`),
}));

/** The entry a line the IKE oracle logged belongs to (its text is built by ipsec/ike/). */
export function ikeSyslogIdOf(line: string): IkeSyslogId | undefined {
  return PATTERNS.find((p) => p.re.test(line))?.id;
}

/** The level a line goes out at: its entry's, DEBUG for a line no entry knows. */
export function ikeLogLevel(line: string): 'INFO' | 'DEBUG' {
  const id = ikeSyslogIdOf(line);
  return id ? IKE_SYSLOG_CATALOGUE[id].level : 'DEBUG';
}

// The config of a test lab's device: one bridge of lan1 and the test's L2TPv3 tunnels, each to
// a tester peer, with syslog to the harness's collector. The addresses and IDs only have to agree
// between the device's config and the harness's peers.
export const ROUTER_ADDRESS = '127.0.0.1';
/** `ip bridge1 address`: the router answers ARP and ping here through the tunnel. */
export const BRIDGE_ADDRESS = '192.168.100.1';
/** Router IDs and end-id of the lab configs (any values: they only have to agree). */
export const LAB_IDS = { routerRouterId: '10.0.0.1', peerRouterId: '10.0.0.2', endId: 'site-a-site-b' } as const;
export const LAB_HOSTNAME = 'LAB-RTX';

export interface RouterTunnelSpec {
  n: number;
  /** The peer's address (`tunnel endpoint address LOCAL REMOTE`). */
  peer: string;
  alwaysOn?: boolean;
  /** `l2tp tunnel auth on PASSWORD` (tests use throwaway lab passwords). */
  password?: string;
  remoteRouterId?: string;
  endId?: string;
  /** `l2tp keepalive use ...` arguments, e.g. `on 1 2` or `off`. */
  keepalive?: string;
  disconnectTime?: number | 'off';
}

/** The lab router's config (the suites, the peer driver tests, the benchmarks). */
export function routerConfig(
  tunnels: readonly RouterTunnelSpec[], syslogPort: number,
  opts: { routerAddress?: string; extra?: readonly string[]; syslogAddress?: string } = {},
): string {
  const lines = [
    `ip bridge1 address ${BRIDGE_ADDRESS}/24`,
    `bridge member bridge1 lan1 ${tunnels.map((t) => `tunnel${t.n}`).join(' ')}`,
  ];
  for (const t of tunnels) {
    lines.push(
      `tunnel select ${t.n}`,
      ' tunnel encapsulation l2tpv3-raw',
      ` tunnel endpoint address ${opts.routerAddress ?? ROUTER_ADDRESS} ${t.peer}`,
      ` l2tp always-on ${t.alwaysOn ? 'on' : 'off'}`,
      ` l2tp hostname ${LAB_HOSTNAME}`,
    );
    if (t.password !== undefined) lines.push(` l2tp tunnel auth on ${t.password}`);
    lines.push(
      ` l2tp tunnel disconnect time ${t.disconnectTime ?? 'off'}`,
      ` l2tp keepalive use ${t.keepalive ?? 'on 60 3'}`,
      ' l2tp syslog on',
      ` l2tp local router-id ${LAB_IDS.routerRouterId}`,
      ` l2tp remote router-id ${t.remoteRouterId ?? LAB_IDS.peerRouterId}`,
      ` l2tp remote end-id ${t.endId ?? LAB_IDS.endId}`,
      ` tunnel enable ${t.n}`,
    );
  }
  lines.push(...(opts.extra ?? []));
  // ASSUMPTION: `syslog host ADDRESS:PORT` for a collector off port 514 (the emulator takes it; CR §4 gives the address only).
  const collector = opts.syslogAddress ?? ROUTER_ADDRESS;
  lines.push(`syslog host ${syslogPort === 514 ? collector : `${collector}:${syslogPort}`}`, 'syslog info on', 'syslog debug on', 'l2tp service on l2tpv3');
  return lines.join('\n') + '\n';
}

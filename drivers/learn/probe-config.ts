// The config a learn run pushes (journaled and rolled back by drivers/config/push.ts): one L2TPv3
// tunnel towards the tester peer, the device's syslog sent to the harness, the service on. The
// same shape the suites push (suites/support/device-lab.ts routerConfig), written for one tunnel
// the device does not use yet. Command syntax: CR §16 (l2tp ...), §4 (syslog host).

/** Router and end IDs of the probe (documentation-only addresses, RFC 5737 style, never routed). */
export const PROBE_IDS = { deviceRouterId: '192.0.2.201', peerRouterId: '192.0.2.202', endId: 'l2tpv3-learn' } as const;

/** The lowest tunnel interface number the running config does not select yet. */
export function freeTunnelNumber(runningConfig: string): number {
  const used = new Set([...runningConfig.matchAll(/^\s*tunnel select (\d+)\s*$/gm)].map((m) => Number(m[1])));
  let n = 1;
  while (used.has(n)) n++;
  return n;
}

export interface ProbeConfigInput {
  tunnel: number;
  /** the device's WAN address (its end of the tunnel) */
  deviceAddress: string;
  peerAddress: string;
  syslog: { address: string; port: number };
}

export function probeConfigLines(p: ProbeConfigInput): string[] {
  // ASSUMPTION (as device-lab.ts): `syslog host ADDRESS:PORT` for a collector off port 514 (CR §4 gives the address only)
  const host = p.syslog.port === 514 ? p.syslog.address : `${p.syslog.address}:${p.syslog.port}`;
  return [
    // observation first: the device must log to the harness before anything makes it act (issue 16 point 7)
    `syslog host ${host}`, 'syslog info on', 'syslog debug on',
    `tunnel select ${p.tunnel}`,
    ' tunnel encapsulation l2tpv3-raw',
    ` tunnel endpoint address ${p.deviceAddress} ${p.peerAddress}`,
    ' l2tp always-on off',
    ' l2tp hostname l2tpv3-learn',
    ' l2tp tunnel disconnect time off',
    ' l2tp keepalive use off',
    ' l2tp syslog on',
    ` l2tp local router-id ${PROBE_IDS.deviceRouterId}`,
    ` l2tp remote router-id ${PROBE_IDS.peerRouterId}`,
    ` l2tp remote end-id ${PROBE_IDS.endId}`,
    ` tunnel enable ${p.tunnel}`,
    'l2tp service on l2tpv3',
  ];
}

/**
 * The refused-command probe: CR §16.4 gives the keepalive interval as 1..600, so 9999 is out of
 * range (the same line suites/cli-commands.spec.ts uses). Typed in the probe tunnel's context.
 */
export const REFUSED_LINE = 'l2tp keepalive use on 9999 3';

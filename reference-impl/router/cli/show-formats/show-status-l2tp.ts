// `show status l2tp` (CR §58.21). ASSUMPTION: the whole output format — the digest has the
// syntax only (facts §3.7: "output format NOT FOUND"); this is our choice, in English for every
// console language, one line per fact so the harness and people can read it.

import type { L2tpTunnelStatus } from '../../device.ts';
import { formatDateTime } from '../time-format.ts';

const ENCAPSULATION_LABEL = { 'l2tpv3-raw': 'L2TPv3', l2tpv3: 'L2TPv3/IPsec' } as const;

export function showStatusL2tpLines(tunnels: readonly L2tpTunnelStatus[], offsetMinutes: number, onlyTunnel?: number): string[] {
  const shown = onlyTunnel === undefined ? tunnels : tunnels.filter((t) => t.tunnel === onlyTunnel);
  const sessions = shown.reduce((n, t) => n + t.sessions.length, 0);
  const lines = [`L2TP tunnels: ${shown.length}, sessions: ${sessions}`];
  for (const t of shown) {
    lines.push(`TUNNEL[${t.tunnel}]:`);
    lines.push(`  Encapsulation: ${ENCAPSULATION_LABEL[t.encapsulation]}`);
    lines.push(`  State: ${t.state}`);
    if (t.establishedAtMs !== undefined) lines.push(`  Established: ${formatDateTime(t.establishedAtMs, offsetMinutes)}`);
    lines.push(`  Local address: ${t.localAddress ?? '-'}`);
    lines.push(`  Remote address: ${t.remoteAddress ?? '-'}`);
    lines.push(`  Tunnel ID: local ${t.localTunnelId ?? '-'}, remote ${t.remoteTunnelId ?? '-'}`);
    lines.push(`  Remote host name: ${t.remoteHostname ?? '-'}`);
    lines.push(`  Remote router ID: ${t.remoteRouterId ?? '-'}`);
    lines.push(`  Sessions: ${t.sessions.length}`);
    for (const s of t.sessions) {
      lines.push(`    Session ID: local ${s.localSessionId}, remote ${s.remoteSessionId ?? '-'}, state ${s.state}${s.remoteEndId !== undefined ? `, end-id ${s.remoteEndId}` : ''}`);
    }
  }
  return lines;
}

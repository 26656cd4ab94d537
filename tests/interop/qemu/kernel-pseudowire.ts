// The guest kernel's side of the pseudowire: the `ip l2tp` commands for an L2TPv3 Ethernet
// pseudowire over UDP (l2tp_eth) with the IDs and cookies the control connection negotiated
// (guest-lac.ts). The tunnel is either static (`ip l2tp add tunnel`, the kernel's own socket on
// UDP 1701) or managed (already made from the LAC's socket; only the session is added here).
// ip-l2tp(8): `cookie` is what this end puts in the data it sends, `peer_cookie` what it expects.
import { LAC_MARKER, type LacLayout } from './guest-lac.ts';

export const PW_IFNAME = 'l2tpeth0';

export function parseLacLayout(output: string): LacLayout {
  const line = output.split('\n').find((l) => l.startsWith(LAC_MARKER));
  if (!line) throw new Error(`the guest's LAC printed no layout:\n${output.split('\n').slice(-20).join('\n')}`);
  return JSON.parse(line.slice(LAC_MARKER.length)) as LacLayout;
}

const l2spec = (mode: string): string => (mode === 'default' ? 'default' : 'none');

export interface PseudowirePlan {
  tunnel: 'static' | 'managed';
  local: string;
  remote: string;
  /** The address of l2tpeth0 (CIDR). */
  pwAddress: string;
  /** Send this cookie instead of the negotiated one (to show the router checks it). */
  txCookie?: string;
}

/** Bash for the guest: the tunnel (static only), the session, its interface up with an address. */
export function pseudowireScript(l: LacLayout, p: PseudowirePlan): string {
  return [
    'set -e',
    ...(p.tunnel === 'static'
      ? [`ip l2tp add tunnel tunnel_id ${l.localTunnelId} peer_tunnel_id ${l.peerTunnelId} encap udp local ${p.local} remote ${p.remote} udp_sport 1701 udp_dport 1701`]
      : []),
    sessionScript(l, p.txCookie ?? l.txCookie),
    `ip link set ${PW_IFNAME} up`,
    `ip addr add ${p.pwAddress} dev ${PW_IFNAME}`,
  ].join('\n');
}

function sessionScript(l: LacLayout, txCookie: string): string {
  const cookies = [txCookie ? `cookie ${txCookie}` : '', l.rxCookie ? `peer_cookie ${l.rxCookie}` : ''].join(' ');
  // The receive side's L2SS is what we asked for (rxL2ss); the kernel uses one l2spec_type both ways.
  return `ip l2tp add session name ${PW_IFNAME} tunnel_id ${l.localTunnelId} session_id ${l.localSessionId} peer_session_id ${l.peerSessionId} ${cookies} l2spec_type ${l2spec(l.rxL2ss)}`;
}

/** Replaces the session with one that sends `txCookie` instead (the tunnel stays). */
export function replaceSessionScript(l: LacLayout, txCookie: string, pwAddress: string): string {
  return [
    'set -e',
    `ip l2tp del session tunnel_id ${l.localTunnelId} session_id ${l.localSessionId}`,
    sessionScript(l, txCookie),
    `ip link set ${PW_IFNAME} up`,
    `ip addr add ${pwAddress} dev ${PW_IFNAME}`,
  ].join('\n');
}

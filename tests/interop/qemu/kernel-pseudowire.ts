// The guest kernel's side of the pseudowire: the `ip l2tp` commands that make a static L2TPv3
// Ethernet pseudowire over UDP (l2tp_eth) with the IDs and cookies the control connection
// negotiated (guest-lac.ts). ip-l2tp(8): `cookie` is what this end puts in the data it sends,
// `peer_cookie` what it expects in the data it receives.
import { LAC_MARKER, type LacLayout } from './guest-lac.ts';

export const PW_IFNAME = 'l2tpeth0';

export function parseLacLayout(output: string): LacLayout {
  const line = output.split('\n').find((l) => l.startsWith(LAC_MARKER));
  if (!line) throw new Error(`the guest's LAC printed no layout:\n${output.split('\n').slice(-20).join('\n')}`);
  return JSON.parse(line.slice(LAC_MARKER.length)) as LacLayout;
}

const l2spec = (mode: string): string => (mode === 'default' ? 'default' : 'none');

/** Bash for the guest: the tunnel on UDP 1701 both ways, the session, its interface up with an address. */
export function staticPseudowireScript(l: LacLayout, local: string, remote: string, pwAddress: string, txCookie = l.txCookie): string {
  const cookies = [txCookie ? `cookie ${txCookie}` : '', l.rxCookie ? `peer_cookie ${l.rxCookie}` : ''].join(' ');
  return [
    'set -e',
    `ip l2tp add tunnel tunnel_id ${l.localTunnelId} peer_tunnel_id ${l.peerTunnelId} encap udp local ${local} remote ${remote} udp_sport 1701 udp_dport 1701`,
    sessionScript(l, cookies),
    `ip link set ${PW_IFNAME} up`,
    `ip addr add ${pwAddress} dev ${PW_IFNAME}`,
  ].join('\n');
}

function sessionScript(l: LacLayout, cookies: string): string {
  // The receive side's L2SS is what we asked for (rxL2ss); the kernel uses one l2spec_type both ways.
  return `ip l2tp add session name ${PW_IFNAME} tunnel_id ${l.localTunnelId} session_id ${l.localSessionId} peer_session_id ${l.peerSessionId} ${cookies} l2spec_type ${l2spec(l.rxL2ss)}`;
}

/** Replaces the session with one that sends `txCookie` instead (to show the router checks it). */
export function replaceSessionScript(l: LacLayout, txCookie: string, pwAddress: string): string {
  const cookies = [`cookie ${txCookie}`, l.rxCookie ? `peer_cookie ${l.rxCookie}` : ''].join(' ');
  return [
    'set -e',
    `ip l2tp del session tunnel_id ${l.localTunnelId} session_id ${l.localSessionId}`,
    sessionScript(l, cookies),
    `ip link set ${PW_IFNAME} up`,
    `ip addr add ${pwAddress} dev ${PW_IFNAME}`,
  ].join('\n');
}

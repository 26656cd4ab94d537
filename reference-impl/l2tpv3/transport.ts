// How L2TPv3 is carried: over UDP (port 1701) or directly over IP (protocol 115).
// Over IP a control message is preceded by 32 zero bits (Session ID 0), which its
// Length field does not count (l2tpv3-protocol-facts §1.3, RFC 3931 §4.1.1.2).
export type L2tpTransport = 'udp' | 'ip';

/** Octets before the control header: 0 over UDP, the zero Session ID over IP. */
export function controlOffset(transport: L2tpTransport): number {
  return transport === 'ip' ? 4 : 0;
}

// `ipsec ike log [GW] message-info|payload-info|key-info` (yamaha-platform-facts.md §1.4, CR
// §15.42: debug-level IKE logging). The wording of the lines is the emulator's (assumption
// 'ike-log-kinds'); key-info says that keys were made, never their values (the project prints no
// key anywhere but the --key-log file). Pure.
import { EXCHANGE } from '../../ipsec/isakmp/constants.ts';
import { IsakmpDecodeError } from '../../ipsec/isakmp/decode-error.ts';
import { decodeMessage } from '../../ipsec/isakmp/message.ts';
import { summarizeHeader, summarizePayload } from '../../ipsec/isakmp-summary.ts';
import { unframe } from '../../ipsec/ike/nat-t.ts';

export type IkeLogKind = 'message-info' | 'payload-info' | 'key-info';

/** The DEBUG lines for one IKE datagram sent or received (port 500, or 4500 with the non-ESP marker). */
export function ikeMessageLines(kinds: ReadonlySet<IkeLogKind>, dir: 'send' | 'receive', peer: string, localPort: 500 | 4500, datagram: Uint8Array): string[] {
  if (!kinds.has('message-info') && !kinds.has('payload-info')) return [];
  const u = unframe(localPort, datagram);
  if (u.kind !== 'isakmp') return [];
  let m: ReturnType<typeof decodeMessage>;
  try {
    m = decodeMessage(u.bytes);
  } catch (e) {
    if (e instanceof IsakmpDecodeError) return kinds.has('message-info') ? [`[IKE] ${dir} malformed message ${dir === 'send' ? 'to' : 'from'} ${peer}: ${e.what}`] : [];
    throw e;
  }
  const h = summarizeHeader(m.header);
  const out: string[] = [];
  if (kinds.has('message-info')) {
    const name = m.header.exchange === EXCHANGE.quick ? 'Quick Mode' : h.exchangeName;
    out.push(`[IKE] ${dir} message ${dir === 'send' ? 'to' : 'from'} ${peer}: ${name}, message ID 0x${h.messageId.toString(16).padStart(8, '0')}, ${h.length} octets${m.encrypted ? ', encrypted' : ''}`);
  }
  if (kinds.has('payload-info')) out.push(`[IKE] payloads: ${m.encrypted ? '(encrypted)' : m.payloads.map((p) => summarizePayload(p).name).join(', ')}`);
  return out;
}

/** key-info: that the keys of an SA were made, without them. */
export function ikeKeyLine(kinds: ReadonlySet<IkeLogKind>, what: 'ISAKMP SA' | 'IPsec SA', peer: string): string[] {
  return kinds.has('key-info') ? [`[IKE] key-info: ${what} keys with ${peer} made (values are not logged)`] : [];
}

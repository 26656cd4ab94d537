// A control message the device sent, as a trace event: header (CCID, Ns, Nr) and every AVP in
// order, decoded with the reference codec (l2tpv3-protocol-facts §3.4: names from the AVP table).
// Field names carry the AVP's M and H bits (`Host Name [M]`), so a flipped bit is a changed field.
// Hidden AVPs are unhidden with the tunnel secret when one is given; the secret itself never
// enters the trace. Pure.
import { avpName } from '../l2tpv3/avp-types.ts';
import { formatAvpValue } from '../l2tpv3/avp-value.ts';
import { decodeControlMessage, messageTypeOf } from '../l2tpv3/control-message.ts';
import type { Secret } from '../l2tpv3/hiding.ts';
import { messageTypeName } from '../l2tpv3/message-types.ts';
import { toHex } from '../l2tpv3/wire.ts';
import { traceEvent, type TraceActor, type TraceEvent, type TraceField } from './trace-event.ts';

/** The field name of an AVP without its flag suffix (role rules and readers use this). */
export function baseFieldName(name: string): string {
  return name.replace(/ \[[MH]+\]$/, '');
}

function flagSuffix(mandatory: boolean, hidden: boolean): string {
  const f = `${mandatory ? 'M' : ''}${hidden ? 'H' : ''}`;
  return f === '' ? '' : ` [${f}]`;
}

function render(v: ReturnType<typeof formatAvpValue>): string {
  return Array.isArray(v) ? v.join('/') : String(v);
}

/**
 * Decodes `bytes` (a UDP payload) into a `control` event at the peer `at`: sent by the device to
 * that peer, or (`by` harness) sent by that peer to the device. Undecodable octets become one field.
 */
export function controlEvent(bytes: Uint8Array, t: number, at: string, secret?: Secret, by: TraceActor = 'device'): TraceEvent {
  const d = decodeControlMessage(bytes, 'udp', { secret });
  const m = d.ok ? d.message : d.message;
  if (!m) {
    const why = d.ok ? '' : d.error.detail;
    return traceEvent('control', t, at, 'undecodable', [{ name: 'error', value: why }, { name: 'octets', value: toHex(bytes) }], by);
  }
  const type = messageTypeOf(m);
  const label = m.avps.length === 0 ? 'ZLB' : type === undefined ? 'no Message Type' : messageTypeName(type);
  const fields: TraceField[] = [
    { name: 'CCID', value: String(m.ccid) },
    { name: 'Ns', value: String(m.ns) },
    { name: 'Nr', value: String(m.nr) },
  ];
  for (const a of m.avps) {
    const name = `${avpName(a.vendorId, a.attributeType)}${flagSuffix(a.mandatory, a.hidden)}`;
    const value = a.value.kind === 'u16' && a.attributeType === 0 && a.vendorId === 0 ? `${messageTypeName(a.value.value)}(${a.value.value})` : render(formatAvpValue(a.value));
    fields.push({ name, value });
  }
  if (!d.ok) fields.push({ name: 'decode error', value: d.error.detail });
  return traceEvent('control', t, at, label, fields, by);
}

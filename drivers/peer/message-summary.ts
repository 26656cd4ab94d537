// One line's worth of a control message for the peer's event log and CLI output: type,
// header ids and a Result Code. Never includes AVP values (hidden ones may carry secrets).
import type { TunnelSettings } from '../../reference-impl/control/tunnel-settings.ts';
import { findAvp } from '../../reference-impl/l2tpv3/avp.ts';
import { AVP } from '../../reference-impl/l2tpv3/avp-types.ts';
import { decodeControlMessage, isZlb, messageTypeOf } from '../../reference-impl/l2tpv3/control-message.ts';
import { messageTypeName } from '../../reference-impl/l2tpv3/message-types.ts';
import type { MessageSummary } from './peer-events.ts';

export function summarize(bytes: Uint8Array, settings: Pick<TunnelSettings, 'auth'>): MessageSummary {
  const d = decodeControlMessage(bytes, 'udp', { secret: settings.auth.enabled ? settings.auth.password : undefined });
  const m = d.ok ? d.message : d.message;
  if (!m) return { name: `undecodable: ${d.ok ? '' : d.error.detail}` };
  if (isZlb(m)) return { name: 'ZLB', ccid: m.ccid, ns: m.ns, nr: m.nr };
  const type = messageTypeOf(m);
  const rc = findAvp(m.avps, AVP.ResultCode);
  const result = rc && rc.value.kind === 'resultCode' ? { result: rc.value.result, error: rc.value.error } : undefined;
  return { type, name: type === undefined ? 'no Message Type' : messageTypeName(type), ccid: m.ccid, ns: m.ns, nr: m.nr, result };
}

/** `SCCRP ccid=.. ns=.. nr=.. result=2/6` for humans. */
export function formatSummary(s: MessageSummary): string {
  const parts = [s.name];
  if (s.ccid !== undefined) parts.push(`ccid=${s.ccid}`, `ns=${s.ns}`, `nr=${s.nr}`);
  if (s.result) parts.push(`result=${s.result.result}${s.result.error !== undefined ? `/${s.result.error}` : ''}`);
  return parts.join(' ');
}

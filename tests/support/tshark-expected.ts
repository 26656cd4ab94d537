// What tshark must print for a packet, computed from OUR decoding: the mapping from the
// codec's typed values to Wireshark's field names and presentation (tshark 4.0, `-T fields`).
// The test compares these lists with tshark's, field by field.
import {
  AVP, decodeL2tp, decodeEthernetHeader, formatMacAddress, isZlb, toHex,
  type Avp, type L2tpDecodeOptions, type L2tpTransport,
} from '../../reference-impl/l2tpv3/index.ts';

/** Per-AVP value fields (non-hidden AVPs only; tshark cannot show hidden values). */
function avpFields(a: Avp): [string, string][] {
  const v = a.value;
  const num = (f: string): [string, string][] => (v.kind === 'u16' || v.kind === 'u32' ? [[f, String(v.value)]] : v.kind === 'u64' ? [[f, v.value.toString()]] : []);
  const hex = (f: string): [string, string][] => (v.kind === 'octets' ? [[f, toHex(v.value)]] : []);
  // tshark 4.0 does not dissect vendor AVP data: it only marks the field as present.
  if (a.vendorId !== 0) return [['l2tp.vendor_specific_avp_data', '1']];
  switch (a.attributeType) {
    case AVP.MessageType: return num('l2tp.avp.message_type');
    case AVP.ResultCode:
      if (v.kind !== 'resultCode') return [];
      return [['l2tp.result_code', String(v.result)], ...(v.error !== undefined ? [['l2tp.avp.error_code', String(v.error)] as [string, string]] : []), ...(v.message ? [['l2tp.avp.error_message', v.message] as [string, string]] : [])];
    case AVP.TieBreaker: return v.kind === 'octets' ? [['l2tp.tie_breaker', `0x${toHex(v.value)}`]] : [];
    case AVP.HostName: return v.kind === 'ascii' ? [['l2tp.avp.host_name', v.value]] : [];
    case AVP.VendorName: return v.kind === 'ascii' ? [['l2tp.avp.vendor_name', v.value]] : [];
    case AVP.ReceiveWindowSize: return num('l2tp.avp.receive_window_size');
    case AVP.Challenge: return hex('l2tp.avp.chap_challenge');
    case AVP.ChallengeResponse: return hex('l2tp.avp.chap_challenge_response');
    case AVP.SerialNumber: return num('l2tp.avp.call_serial_number');
    case AVP.PhysicalChannelId: return num('l2tp.avp.physical_channel');
    case AVP.CircuitErrors: {
      if (v.kind !== 'circuitErrors') return [];
      const names = ['crc_errors', 'framing_errors', 'hardware_overruns', 'buffer_overruns', 'time_out_errors', 'alignment_errors'];
      return v.counters.map((c, i) => [`l2tp.avp.${names[i]}`, String(c)] as [string, string]);
    }
    case AVP.RandomVector: return hex('l2tp.avp.random_vector');
    case AVP.MessageDigest: return v.kind === 'messageDigest' ? [['l2tp.avp.message_digest', toHex(Uint8Array.of(v.digestType)) + toHex(v.digest)]] : [];
    case AVP.RouterId: return num('l2tp.avp.router_id');
    case AVP.AssignedControlConnectionId: return num('l2tp.avp.assigned_control_conn_id');
    case AVP.PseudowireCapabilities: return v.kind === 'pwCapabilities' ? v.value.map((t) => ['l2tp.avp.pw_type', String(t)] as [string, string]) : [];
    case AVP.LocalSessionId: return num('l2tp.avp.local_session_id');
    case AVP.RemoteSessionId: return num('l2tp.avp.remote_session_id');
    // tshark prints an empty byte field as <MISSING>.
    case AVP.AssignedCookie: return v.kind === 'octets' ? [['l2tp.avp.assigned_cookie', v.value.length ? toHex(v.value) : '<MISSING>']] : [];
    // Wireshark shows the Remote End ID as a string (RTX sets it as text).
    case AVP.RemoteEndId: return v.kind === 'octets' ? [['l2tp.avp.remote_end_id', String.fromCharCode(...v.value)]] : [];
    case AVP.PseudowireType: return num('l2tp.avp.pseudowire_type');
    case AVP.L2SpecificSublayer: return num('l2tp.avp.layer2_specific_sublayer');
    case AVP.DataSequencing: return num('l2tp.avp.data_sequencing');
    case AVP.CircuitStatus: return v.kind === 'u16' ? [['l2tp.avp.circuit_status', String(v.value & 1)], ['l2tp.avp.circuit_type', String((v.value >> 1) & 1)]] : [];
    case AVP.PreferredLanguage: return v.kind === 'ascii' ? [['l2tp.avp.preferred_language', v.value]] : [];
    case AVP.Nonce: return hex('l2tp.avp.nonce');
    case AVP.TxConnectSpeed: return num('l2tp.avp.tx_connect_speed_v3');
    case AVP.RxConnectSpeed: return num('l2tp.avp.rx_connect_speed_v3');
    default: return [];
  }
}

/** Every field name the mapping above can produce, plus header and data fields. */
export const COMPARED_FIELDS: readonly string[] = [
  'l2tp.ccid', 'l2tp.Ns', 'l2tp.Nr', 'l2tp.length', 'l2tp.sid', 'l2tp.cookie', 'l2tp.l2_spec_s', 'l2tp.l2_spec_sequence',
  'l2tp.zero_length_body_message',
  'l2tp.avp.mandatory', 'l2tp.avp.hidden', 'l2tp.avp.length', 'l2tp.avp.vendor_id', 'l2tp.avp.type',
  'l2tp.avp.message_type', 'l2tp.result_code', 'l2tp.avp.error_code', 'l2tp.avp.error_message', 'l2tp.tie_breaker',
  'l2tp.avp.host_name', 'l2tp.avp.vendor_name', 'l2tp.avp.receive_window_size', 'l2tp.avp.chap_challenge',
  'l2tp.avp.chap_challenge_response', 'l2tp.avp.call_serial_number', 'l2tp.avp.physical_channel',
  'l2tp.avp.crc_errors', 'l2tp.avp.framing_errors', 'l2tp.avp.hardware_overruns', 'l2tp.avp.buffer_overruns',
  'l2tp.avp.time_out_errors', 'l2tp.avp.alignment_errors', 'l2tp.avp.random_vector', 'l2tp.avp.message_digest',
  'l2tp.avp.router_id', 'l2tp.avp.assigned_control_conn_id', 'l2tp.avp.pw_type', 'l2tp.avp.local_session_id',
  'l2tp.avp.remote_session_id', 'l2tp.avp.assigned_cookie', 'l2tp.avp.remote_end_id', 'l2tp.avp.pseudowire_type',
  'l2tp.avp.layer2_specific_sublayer', 'l2tp.avp.data_sequencing', 'l2tp.avp.circuit_status', 'l2tp.avp.circuit_type',
  'l2tp.avp.preferred_language', 'l2tp.avp.nonce', 'l2tp.avp.tx_connect_speed_v3', 'l2tp.avp.rx_connect_speed_v3',
  'l2tp.vendor_specific_avp_data',
  'eth.src', 'eth.dst', 'eth.type', 'vlan.id', 'vlan.etype',
];

/**
 * The fields tshark must show for one L2TPv3 payload, decoded by us. `outer` carries the
 * outer Ethernet header fields (the first occurrence of eth.* in tshark's output).
 */
export function expectedFields(
  payload: Uint8Array, transport: L2tpTransport, opts: L2tpDecodeOptions, outer: { src: string; dst: string; type: string },
  /** The pseudowire type learnt for a data packet's session; tshark shows it on the data packet. */
  pwTypeOf: (sessionId: number) => number | undefined = () => undefined,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (f: string, v: string): void => {
    const l = out.get(f) ?? [];
    l.push(v);
    out.set(f, l);
  };
  add('eth.src', outer.src);
  add('eth.dst', outer.dst);
  add('eth.type', outer.type);
  const r = decodeL2tp(payload, transport, opts);
  if (!r.result.ok) throw new Error(`our decoder rejected a packet of the sample capture: ${r.result.error.detail}`);
  if (r.kind === 'control' && 'message' in r.result) {
    const m = r.result.message;
    if (transport === 'ip') add('l2tp.sid', '0x00000000');
    add('l2tp.ccid', `0x${m.ccid.toString(16).padStart(8, '0')}`);
    add('l2tp.Ns', String(m.ns));
    add('l2tp.Nr', String(m.nr));
    add('l2tp.length', String(((payload[transport === 'ip' ? 6 : 2] << 8) | payload[transport === 'ip' ? 7 : 3])));
    if (isZlb(m)) add('l2tp.zero_length_body_message', '1');
    let o = (transport === 'ip' ? 4 : 0) + 12;
    for (const a of m.avps) {
      const len = ((payload[o] << 8) | payload[o + 1]) & 0x3ff;
      o += len;
      add('l2tp.avp.mandatory', a.mandatory ? '1' : '0');
      add('l2tp.avp.hidden', a.hidden ? '1' : '0');
      add('l2tp.avp.length', String(len));
      if (a.hidden) continue;
      add('l2tp.avp.vendor_id', String(a.vendorId));
      add('l2tp.avp.type', String(a.attributeType));
      for (const [f, v] of avpFields(a)) add(f, v);
    }
  } else if (r.kind === 'data' && 'value' in r.result) {
    const d = r.result.value;
    add('l2tp.sid', `0x${d.sessionId.toString(16).padStart(8, '0')}`);
    const pw = pwTypeOf(d.sessionId);
    if (pw !== undefined) add('l2tp.avp.pseudowire_type', String(pw));
    if (d.cookie.length) add('l2tp.cookie', toHex(d.cookie));
    if (d.l2ss) {
      add('l2tp.l2_spec_s', d.l2ss.sequenced ? '1' : '0');
      add('l2tp.l2_spec_sequence', String(d.l2ss.sequence));
    }
    const e = decodeEthernetHeader(d.payload);
    if (e.ok) {
      add('eth.src', formatMacAddress(e.value.src));
      add('eth.dst', formatMacAddress(e.value.dst));
      const hex4 = (n: number): string => `0x${n.toString(16).padStart(4, '0')}`;
      if (e.value.vlans.length === 0) add('eth.type', hex4(e.value.etherType));
      else {
        add('eth.type', hex4(e.value.vlans[0].tpid));
        for (const t of e.value.vlans) add('vlan.id', String(t.id));
        add('vlan.etype', hex4(e.value.etherType));
      }
    }
  }
  return out;
}

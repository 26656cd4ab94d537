// A capture file decoded packet by packet with the reference codec: the engine behind
// `l2tpv3-conformance decode`, the tshark agreement tests and the codec benchmark.
import { AVP } from '../l2tpv3/avp-types.ts';
import { avpName } from '../l2tpv3/avp-types.ts';
import { formatAvpValue, hexColon, type AvpValue } from '../l2tpv3/avp-value.ts';
import { verifyControlMessage, type DigestVerdict } from '../l2tpv3/authentication.ts';
import { isZlb, messageTypeOf, type ControlMessage } from '../l2tpv3/control-message.ts';
import type { DataLayout } from '../l2tpv3/data-message.ts';
import type { DecodeError } from '../l2tpv3/decode-error.ts';
import { decodeEthernetHeader, formatMacAddress } from '../l2tpv3/ethernet-frame.ts';
import type { Secret } from '../l2tpv3/hiding.ts';
import { decodeL2tp } from '../l2tpv3/l2tp-packet.ts';
import { messageTypeName } from '../l2tpv3/message-types.ts';
import { renderSyslog } from '../syslog/catalogue.ts';
import type { CaptureFile } from './capture-file.ts';
import { findL2tp, L2TP_UDP_PORT } from './l2tp-transport.ts';
import { SessionLayouts } from './session-layouts.ts';
import { digestInputs } from './digest-inputs.ts';

export interface CaptureDecodeOptions {
  udpPort?: number;
  /** Force one layout for every data packet (like tshark's cookie_size / l2_specific prefs). */
  forceLayout?: Partial<DataLayout>;
  /** Shared secret: unhides hidden AVPs and checks Message Digests. */
  secret?: Secret;
}

export interface DecodedAvp {
  name: string;
  vendorId: number;
  type: number;
  mandatory: boolean;
  hidden: boolean;
  value: string | number | boolean | (string | number)[];
}

export interface DecodedPacket {
  frame: number;
  timestampUs: number;
  transport: 'udp' | 'ip';
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  kind: 'control' | 'data' | 'error';
  /** Message Digest check of a control message, checked before its content is read; only with a secret. */
  digest?: DigestVerdict;
  control?: {
    /**
     * Over IP only: the 32-bit zero Session ID that marks a control message (3931 §4.1.1.2),
     * shown as Wireshark shows it (l2tp.sid 0x00000000; facts §6.3). Absent over UDP.
     */
    sessionId?: 0;
    ccid: number;
    ns: number;
    nr: number;
    messageType: string;
    avps: DecodedAvp[];
  };
  data?: {
    sessionId: number;
    cookie: string;
    l2ss: { sequenced: boolean; sequence: number } | null;
    ethernet?: { src: string; dst: string; etherType: number; vlans: number[] };
    /**
     * The layout used when it was guessed: no control message in the capture announced this
     * session's cookie and sublayer, and the options did not set both (facts §6.1: tshark's
     * "detect" falls back the same way, silently).
     */
    guessedLayout?: DataLayout;
  };
  /** Why the L2TPv3 octets were rejected, and the line a router logs for it. */
  error?: { kind: string; offset: number; detail: string; syslog: string };
}

export function controlSummary(m: ControlMessage): { messageType: string; avps: DecodedAvp[] } {
  const t = messageTypeOf(m);
  return {
    messageType: isZlb(m) ? 'ZLB' : t === undefined ? 'unknown' : messageTypeName(t),
    avps: m.avps.map((a) => ({
      name: avpName(a.vendorId, a.attributeType),
      vendorId: a.vendorId,
      type: a.attributeType,
      mandatory: a.mandatory,
      hidden: a.hidden,
      value: avpDisplayValue(a.vendorId, a.attributeType, a.value),
    })),
  };
}

/** RTX configures the Remote End ID as text (`l2tp remote end-id`): show it as text when it is. */
export function avpDisplayValue(vendorId: number, attributeType: number, v: AvpValue): DecodedAvp['value'] {
  if (vendorId === 0 && attributeType === AVP.RemoteEndId && v.kind === 'octets' && v.value.every((c) => c >= 0x20 && c < 0x7f)) {
    return String.fromCharCode(...v.value);
  }
  return formatAvpValue(v);
}

/**
 * Decodes every L2TPv3 packet of a capture, in order. Frames that are not L2TPv3 are skipped;
 * L2TPv3 octets that do not decode become `kind: 'error'` packets, never exceptions.
 */
export function* decodeCapture(file: CaptureFile, opts: CaptureDecodeOptions = {}): Generator<DecodedPacket> {
  const layouts = new SessionLayouts();
  const nonces = new Map<string, Uint8Array>(); // CMA nonce per endpoint address
  const port = opts.udpPort ?? L2TP_UDP_PORT;
  // One options object and one layout function for the whole capture (not one per packet).
  let dst = '';
  const forced = opts.forceLayout ?? {};
  const noOverride = forced.cookieLength === undefined && forced.l2ss === undefined;
  const NONE: DataLayout = { cookieLength: forced.cookieLength ?? 0, l2ss: forced.l2ss ?? 'none' };
  const noneIsGuess = forced.cookieLength === undefined || forced.l2ss === undefined;
  let guessed = false; // the last data layout handed out was NONE, and NONE is a guess
  const decodeOpts = {
    secret: opts.secret,
    dataLayout: (sid: number): DataLayout => {
      const learnt = layouts.lookup(dst, sid);
      guessed = !learnt && noneIsGuess;
      if (!learnt) return NONE;
      if (noOverride) return learnt;
      return { cookieLength: forced.cookieLength ?? learnt.cookieLength, l2ss: forced.l2ss ?? learnt.l2ss };
    },
  };
  for (let i = 0; i < file.records.length; i++) {
    const rec = file.records[i];
    const linkType = file.linkTypes[rec.interfaceId ?? 0];
    const found = findL2tp(linkType, rec.data, port);
    if (!found.found) continue;
    const f = found.value;
    const digest = opts.secret !== undefined && isControl(f.payload, f.transport) ? checkDigest(f.payload, f.transport, f.src, f.dst, opts.secret, nonces) : undefined;
    dst = f.dst;
    guessed = false;
    const r = decodeL2tp(f.payload, f.transport, decodeOpts);
    // Built field by field, not with spreads: this runs once per packet (see bench/codec-decode).
    const p: DecodedPacket = { frame: i + 1, timestampUs: rec.timestampUs, transport: f.transport, ipVersion: f.ipVersion, src: f.src, dst: f.dst, kind: 'error' };
    if (f.srcPort !== undefined) {
      p.srcPort = f.srcPort;
      p.dstPort = f.dstPort;
    }
    if (digest) p.digest = digest;
    if (!r.result.ok) {
      const e = r.result.error;
      p.error = decodedError(e, f.payloadOffset);
    } else if (r.kind === 'control' && 'message' in r.result) {
      const m = r.result.message;
      layouts.learn(f.src, m.avps);
      const summary = controlSummary(m);
      p.kind = 'control';
      p.control = f.transport === 'ip'
        ? { sessionId: 0, ccid: m.ccid, ns: m.ns, nr: m.nr, messageType: summary.messageType, avps: summary.avps }
        : { ccid: m.ccid, ns: m.ns, nr: m.nr, messageType: summary.messageType, avps: summary.avps };
    } else if (r.kind === 'data' && 'value' in r.result) {
      const d = r.result.value;
      p.kind = 'data';
      p.data = { sessionId: d.sessionId, cookie: hexColon(d.cookie), l2ss: d.l2ss };
      const eth = decodeEthernetHeader(d.payload);
      if (eth.ok) {
        const vlans: number[] = [];
        for (const v of eth.value.vlans) vlans.push(v.id);
        p.data.ethernet = { src: formatMacAddress(eth.value.src), dst: formatMacAddress(eth.value.dst), etherType: eth.value.etherType, vlans };
      }
      if (guessed) p.data.guessedLayout = { cookieLength: NONE.cookieLength, l2ss: NONE.l2ss };
    }
    yield p;
  }
}

function isControl(b: Uint8Array, transport: 'udp' | 'ip'): boolean {
  return transport === 'udp' ? b.length > 0 && (b[0] & 0x80) !== 0 : b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0;
}

/**
 * Checks the Message Digest before the content is used (3931 §4.3). The SCCRQ is signed
 * without nonces; later messages with the sender's nonce first (facts §3.7). Nonces are
 * taken from the raw AVPs, so they are known even when a hidden AVP fails to decode.
 */
function checkDigest(b: Uint8Array, transport: 'udp' | 'ip', src: string, dst: string, secret: Secret, nonces: Map<string, Uint8Array>): DigestVerdict {
  const { sccrq, nonce } = digestInputs(b, transport === 'ip' ? 4 : 0, b.length);
  if (nonce) nonces.set(src, nonce);
  const s = nonces.get(src);
  const d = nonces.get(dst);
  return verifyControlMessage(b, transport, secret, !sccrq && s && d ? { sender: s, receiver: d } : undefined);
}

/** A rejection as `decode` shows it; `payloadOffset`: where the L2TPv3 octets start in the frame. */
export function decodedError(e: DecodeError, payloadOffset: number): NonNullable<DecodedPacket['error']> {
  let syslog: string;
  try {
    syslog = renderSyslog(e.syslog, e.syslogArgs);
  } catch {
    syslog = e.syslog;
  }
  return { kind: e.kind, offset: payloadOffset + e.offset, detail: e.detail, syslog };
}

/** One line per packet, tshark-like. */
export function formatDecodedPacket(p: DecodedPacket): string {
  const ep = (a: string, port?: number): string => (port === undefined ? a : p.ipVersion === 6 ? `[${a}]:${port}` : `${a}:${port}`);
  const head = `${p.frame} ${p.transport === 'udp' ? 'UDP' : 'IP/115'} ${ep(p.src, p.srcPort)} > ${ep(p.dst, p.dstPort)}`;
  if (p.control) {
    const c = p.control;
    const avps = c.avps.map((a) => `${a.name}${a.mandatory ? '(M)' : ''}${a.hidden ? '(H)' : ''}=${JSON.stringify(a.value)}`).join(', ');
    const sid = c.sessionId === undefined ? '' : ` session=0x${c.sessionId.toString(16).padStart(8, '0')}`;
    return `${head} control ${c.messageType}${sid} ccid=0x${c.ccid.toString(16).padStart(8, '0')} Ns=${c.ns} Nr=${c.nr}${p.digest ? ` digest=${p.digest}` : ''}${avps ? ` [${avps}]` : ''}`;
  }
  if (p.data) {
    const d = p.data;
    const l2ss = d.l2ss ? ` l2ss=${d.l2ss.sequenced ? `S,seq=${d.l2ss.sequence}` : 'unsequenced'}` : '';
    const e = d.ethernet;
    const inner = e ? ` eth ${e.src} > ${e.dst} type=0x${e.etherType.toString(16).padStart(4, '0')}${e.vlans.length ? ` vlan=${e.vlans.join('/')}` : ''}` : '';
    return `${head} data session=0x${d.sessionId.toString(16).padStart(8, '0')}${d.cookie ? ` cookie=${d.cookie}` : ''}${l2ss}${inner}`;
  }
  const e = p.error;
  return `${head}${p.digest ? ` digest=${p.digest}` : ''} malformed ${e?.kind} at offset ${e?.offset}: ${e?.detail} (router logs "${e?.syslog}")`;
}

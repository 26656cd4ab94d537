// `decode`'s output lines written straight from a FastPacket into output bytes (UTF-8): the
// text line of formatDecodedPacket and the JSON of a DecodedPacket (capture-decoder.ts),
// character for character, without building the DecodedPacket objects or a string per line. Common values (addresses, names,
// integers, octet strings) are formatted here from the octets; rare ones (u64, Result Code,
// digests, ...) and rejections go through the full decoder's own functions, so their text is
// never typed twice. tests/cli/decode-output.spec.ts holds the two outputs together.
import { AVP, avpName, avpTypeInfo } from '../l2tpv3/avp-types.ts';
import { decodeAvpValue } from '../l2tpv3/avp-value.ts';
import type { DataLayout } from '../l2tpv3/data-message.ts';
import type { Secret } from '../l2tpv3/hiding.ts';
import { decodeL2tp } from '../l2tpv3/l2tp-packet.ts';
import { messageTypeName } from '../l2tpv3/message-types.ts';
import { avpDisplayValue, decodedError, type DecodedPacket } from './capture-decoder.ts';
import { AVP_FLAG, AVP_STATE, MESSAGE_TYPE_UNKNOWN, MESSAGE_TYPE_ZLB, PACKET_KIND, TRANSPORT, type FastPacket } from './fast-packet.ts';
import { formatIpv4, formatIpv6 } from './ip.ts';
import { OutputBytes, utf8 } from './output-bytes.ts';

const DIGEST_TEXT = [utf8(''), utf8(' digest=valid'), utf8(' digest=invalid'), utf8(' digest=absent')] as const;
const DIGEST_JSON = [utf8(''), utf8(',"digest":"valid"'), utf8(',"digest":"invalid"'), utf8(',"digest":"absent"')] as const;
// Constant pieces, encoded once.
const T = {
  control: utf8(' control '), sessionZero: utf8(' session=0x00000000'), ccid: utf8(' ccid='), ns: utf8(' Ns='), nr: utf8(' Nr='),
  open: utf8(' ['), avpSep: utf8(', '), m: utf8('(M)'), h: utf8('(H)'),
  data: utf8(' data session='), cookie: utf8(' cookie='), l2ssSeq: utf8(' l2ss=S,seq='), l2ssUnseq: utf8(' l2ss=unsequenced'),
  eth: utf8(' eth '), arrow: utf8(' > '), type: utf8(' type=0x'), vlan: utf8(' vlan='),
} as const;
const J = {
  frame: utf8('{"frame":'), ts: utf8(',"timestampUs":'), kindControl: utf8(',"kind":"control"'), kindData: utf8(',"kind":"data"'), kindError: utf8(',"kind":"error"'),
  control: utf8(',"control":{'), sessionZero: utf8('"sessionId":0,'), ccid: utf8('"ccid":'), ns: utf8(',"ns":'), nr: utf8(',"nr":'), messageType: utf8(',"messageType":'),
  avps: utf8(',"avps":['), mandatory: utf8(',"mandatory":'), hidden: utf8(',"hidden":'), value: utf8(',"value":'), true: utf8('true'), false: utf8('false'),
  data: utf8(',"data":{"sessionId":'), cookie: utf8(',"cookie":"'), l2ss: utf8('","l2ss":'), seq: utf8('{"sequenced":'), sequence: utf8(',"sequence":'), null: utf8('null'),
  eth: utf8(',"ethernet":{"src":"'), ethDst: utf8('","dst":"'), etherType: utf8('","etherType":'), vlans: utf8(',"vlans":['),
  guessed: utf8(',"guessedLayout":'), error: utf8(',"error":'),
} as const;

const ZLB_TEXT = utf8('ZLB');
const ZLB_JSON = utf8('"ZLB"');
const UNKNOWN_TEXT = utf8('unknown');
const UNKNOWN_JSON = utf8('"unknown"');

/** The transport and endpoints of a packet, encoded in the three shapes the outputs need. */
interface Head { text: Uint8Array; json: Uint8Array; ports: Uint8Array }

const HEAD_SLOTS = 256;
const KEY_LENGTH = 38; // transport, version, 16 + 16 address octets, 2 + 2 port octets

/**
 * Endpoints as text, cached per (transport, addresses, ports): a capture holds few
 * conversations, and formatting an IPv6 address per packet would cost more than the rest.
 * Direct-mapped and fixed in size, so a capture of many addresses does not grow it.
 */
class HeadCache {
  private readonly keys = new Uint8Array(HEAD_SLOTS * KEY_LENGTH);
  private readonly heads: (Head | undefined)[] = new Array<Head | undefined>(HEAD_SLOTS);
  private readonly key = new Uint8Array(KEY_LENGTH);

  get(p: FastPacket): Head {
    const b = p.bytes;
    const k = this.key;
    const n = p.ipVersion === 4 ? 4 : 16;
    k.fill(0);
    k[0] = p.transport;
    k[1] = p.ipVersion;
    let h = (p.transport * 31 + p.ipVersion) | 0;
    for (let i = 0; i < n; i++) {
      k[2 + i] = b[p.srcAddressOffset + i];
      k[18 + i] = b[p.dstAddressOffset + i];
      h = Math.imul(h ^ k[2 + i], 0x01000193) ^ k[18 + i];
    }
    if (p.transport === TRANSPORT.Udp) {
      k[34] = p.srcPort >> 8;
      k[35] = p.srcPort & 0xff;
      k[36] = p.dstPort >> 8;
      k[37] = p.dstPort & 0xff;
      h = Math.imul(h ^ p.srcPort, 0x01000193) ^ p.dstPort;
    }
    const slot = (Math.imul(h, 0x9e3779b1) >>> 24) & (HEAD_SLOTS - 1);
    const at = slot * KEY_LENGTH;
    const cached = this.heads[slot];
    if (cached !== undefined) {
      let same = true;
      for (let i = 0; i < KEY_LENGTH; i++) if (this.keys[at + i] !== k[i]) { same = false; break; }
      if (same) return cached;
    }
    const head = makeHead(p);
    this.keys.set(k, at);
    this.heads[slot] = head;
    return head;
  }
}

function makeHead(p: FastPacket): Head {
  const b = p.bytes;
  const v6 = p.ipVersion === 6;
  const src = v6 ? formatIpv6(b, p.srcAddressOffset) : formatIpv4(b, p.srcAddressOffset);
  const dst = v6 ? formatIpv6(b, p.dstAddressOffset) : formatIpv4(b, p.dstAddressOffset);
  const udp = p.transport === TRANSPORT.Udp;
  return {
    text: utf8(` ${udp ? 'UDP' : 'IP/115'} ${endpointText(src, udp, v6, p.srcPort)} > ${endpointText(dst, udp, v6, p.dstPort)}`),
    json: utf8(`,"transport":"${udp ? 'udp' : 'ip'}","ipVersion":${p.ipVersion},"src":${JSON.stringify(src)},"dst":${JSON.stringify(dst)}`),
    ports: utf8(udp ? `,"srcPort":${p.srcPort},"dstPort":${p.dstPort}` : ''),
  };
}

function endpointText(a: string, udp: boolean, v6: boolean, port: number): string {
  return !udp ? a : v6 ? `[${a}]:${port}` : `${a}:${port}`;
}

export interface FastFormatOptions {
  /** As given to the decoder: a rejected packet is re-read with it to say why. */
  secret?: Secret;
}

/** Writes `decode`'s text line or JSON object (without the newline) for the packet the fast decoder left. */
export class FastPacketFormatter {
  private readonly heads = new HeadCache();
  /** Encoded names of the IETF AVP types (vendor 0) and message types, made on first use. */
  private readonly avpText: (Uint8Array | undefined)[] = [];
  private readonly avpJson: (Uint8Array | undefined)[] = [];
  private readonly messageText: (Uint8Array | undefined)[] = [];
  private readonly messageJson: (Uint8Array | undefined)[] = [];
  private readonly secret: Secret | undefined;

  constructor(opts: FastFormatOptions = {}) {
    this.secret = opts.secret;
  }

  /** formatDecodedPacket's line. */
  text(p: FastPacket, out: OutputBytes): void {
    out.uint(p.frame);
    out.bytes(this.heads.get(p).text);
    if (p.kind === PACKET_KIND.Control) {
      out.bytes(T.control);
      out.bytes(this.messageName(p, false));
      if (p.transport === TRANSPORT.Ip) out.bytes(T.sessionZero);
      out.bytes(T.ccid);
      out.hex8(p.ccid);
      out.bytes(T.ns);
      out.uint(p.ns);
      out.bytes(T.nr);
      out.uint(p.nr);
      out.bytes(DIGEST_TEXT[p.digest]);
      for (let i = 0; i < p.avpCount; i++) {
        out.bytes(i === 0 ? T.open : T.avpSep);
        const f = p.avpFlags[i];
        out.bytes(this.avpName(p, i, false));
        if (f & AVP_FLAG.Mandatory) out.bytes(T.m);
        if (f & AVP_FLAG.Hidden) out.bytes(T.h);
        out.byte(0x3d); // =
        avpValueJson(p, i, out);
      }
      if (p.avpCount > 0) out.byte(0x5d); // ]
      return;
    }
    if (p.kind === PACKET_KIND.Data) {
      const b = p.bytes;
      out.bytes(T.data);
      out.hex8(p.sessionId);
      if (p.cookieLength) {
        out.bytes(T.cookie);
        out.hexColon(b, p.cookieOffset, p.cookieOffset + p.cookieLength);
      }
      if (p.hasL2ss) {
        if (p.l2ssSequenced) {
          out.bytes(T.l2ssSeq);
          out.uint(p.l2ssSequence);
        } else out.bytes(T.l2ssUnseq);
      }
      if (p.hasEthernet) {
        out.bytes(T.eth);
        out.hexColon(b, p.ethOffset + 6, p.ethOffset + 12);
        out.bytes(T.arrow);
        out.hexColon(b, p.ethOffset, p.ethOffset + 6);
        out.bytes(T.type);
        out.hex2(p.etherType >> 8);
        out.hex2(p.etherType & 0xff);
        for (let i = 0; i < p.vlanCount; i++) {
          if (i === 0) out.bytes(T.vlan);
          else out.byte(0x2f); // /
          out.uint(p.vlanId(i));
        }
      }
      return;
    }
    const e = this.error(p);
    out.bytes(DIGEST_TEXT[p.digest]);
    out.text(` malformed ${e.kind} at offset ${e.offset}: ${e.detail} (router logs "${e.syslog}")`);
  }

  /** JSON.stringify of the DecodedPacket, keys in its order. */
  json(p: FastPacket, out: OutputBytes): void {
    const head = this.heads.get(p);
    out.bytes(J.frame);
    out.uint(p.frame);
    out.bytes(J.ts);
    out.uint(p.timestampUs);
    out.bytes(head.json);
    out.bytes(p.kind === PACKET_KIND.Control ? J.kindControl : p.kind === PACKET_KIND.Data ? J.kindData : J.kindError);
    out.bytes(head.ports);
    out.bytes(DIGEST_JSON[p.digest]);
    if (p.kind === PACKET_KIND.Control) {
      out.bytes(J.control);
      if (p.transport === TRANSPORT.Ip) out.bytes(J.sessionZero);
      out.bytes(J.ccid);
      out.uint(p.ccid);
      out.bytes(J.ns);
      out.uint(p.ns);
      out.bytes(J.nr);
      out.uint(p.nr);
      out.bytes(J.messageType);
      out.bytes(this.messageName(p, true));
      out.bytes(J.avps);
      for (let i = 0; i < p.avpCount; i++) {
        const f = p.avpFlags[i];
        out.byte(i === 0 ? 0x7b : 0x2c); // { or ,
        if (i !== 0) out.byte(0x7b);
        out.bytes(this.avpName(p, i, true));
        out.bytes(J.mandatory);
        out.bytes(f & AVP_FLAG.Mandatory ? J.true : J.false);
        out.bytes(J.hidden);
        out.bytes(f & AVP_FLAG.Hidden ? J.true : J.false);
        out.bytes(J.value);
        avpValueJson(p, i, out);
        out.byte(0x7d); // }
      }
      out.byte(0x5d);
      out.byte(0x7d);
      out.byte(0x7d);
      return;
    }
    if (p.kind === PACKET_KIND.Data) {
      const b = p.bytes;
      out.bytes(J.data);
      out.uint(p.sessionId);
      out.bytes(J.cookie);
      out.hexColon(b, p.cookieOffset, p.cookieOffset + p.cookieLength);
      out.bytes(J.l2ss);
      if (p.hasL2ss) {
        out.bytes(J.seq);
        out.bytes(p.l2ssSequenced ? J.true : J.false);
        out.bytes(J.sequence);
        out.uint(p.l2ssSequence);
        out.byte(0x7d);
      } else out.bytes(J.null);
      if (p.hasEthernet) {
        out.bytes(J.eth);
        out.hexColon(b, p.ethOffset + 6, p.ethOffset + 12);
        out.bytes(J.ethDst);
        out.hexColon(b, p.ethOffset, p.ethOffset + 6);
        out.bytes(J.etherType);
        out.uint(p.etherType);
        out.bytes(J.vlans);
        for (let i = 0; i < p.vlanCount; i++) {
          if (i !== 0) out.byte(0x2c);
          out.uint(p.vlanId(i));
        }
        out.byte(0x5d);
        out.byte(0x7d);
      }
      if (p.layoutGuessed) {
        out.bytes(J.guessed);
        out.text(JSON.stringify(layoutOf(p)));
      }
      out.byte(0x7d);
      out.byte(0x7d);
      return;
    }
    out.bytes(J.error);
    out.text(JSON.stringify(this.error(p)));
    out.byte(0x7d);
  }

  private messageName(p: FastPacket, json: boolean): Uint8Array {
    const t = p.messageType;
    if (t === MESSAGE_TYPE_ZLB) return json ? ZLB_JSON : ZLB_TEXT;
    if (t === MESSAGE_TYPE_UNKNOWN) return json ? UNKNOWN_JSON : UNKNOWN_TEXT;
    const cache = json ? this.messageJson : this.messageText;
    return (cache[t] ??= utf8(json ? JSON.stringify(messageTypeName(t)) : messageTypeName(t)));
  }

  /** Text: the name. JSON: `"name":…,"vendorId":…,"type":…`. */
  private avpName(p: FastPacket, i: number, json: boolean): Uint8Array {
    const v = p.avpVendorId[i];
    const t = p.avpType[i];
    if (v !== 0) return avpNameBytes(v, t, json);
    const cache = json ? this.avpJson : this.avpText;
    return (cache[t] ??= avpNameBytes(0, t, json));
  }

  /**
   * Why the packet was rejected, in the full decoder's words: rejections are rare, so the full
   * decoder re-reads the L2TPv3 octets (with the layout and secret the fast one used).
   */
  private error(p: FastPacket): NonNullable<DecodedPacket['error']> {
    const layout = layoutOf(p);
    const r = decodeL2tp(p.bytes.subarray(p.payloadStart, p.payloadEnd), p.transport === TRANSPORT.Ip ? 'ip' : 'udp', { secret: this.secret, dataLayout: () => layout });
    if (r.result.ok) throw new Error(`frame ${p.frame}: the fast decoder rejected a packet the full decoder accepts`);
    return decodedError(r.result.error, p.payloadStart - p.frameStart);
  }
}

function avpNameBytes(vendorId: number, type: number, json: boolean): Uint8Array {
  const name = avpName(vendorId, type);
  return utf8(json ? `"name":${JSON.stringify(name)},"vendorId":${vendorId},"type":${type}` : name);
}

function layoutOf(p: FastPacket): DataLayout {
  return { cookieLength: p.cookieLength as DataLayout['cookieLength'], l2ss: p.hasL2ss ? 'default' : 'none' };
}

/** JSON text of AVP i's value as controlSummary shows it (avpDisplayValue). */
function avpValueJson(p: FastPacket, i: number, out: OutputBytes): void {
  const b = p.avpFlags[i] & AVP_FLAG.ValueUnhidden ? p.unhidden : p.bytes;
  const o = p.avpValueOffset[i];
  const n = p.avpValueLength[i];
  const vendorId = p.avpVendorId[i];
  const type = p.avpType[i];
  const info = p.avpState[i] === AVP_STATE.Decoded ? avpTypeInfo(vendorId, type) : undefined;
  if (info === undefined || (info.kind === 'octets' && !(type === AVP.RemoteEndId && printable(b, o, o + n)))) {
    out.byte(0x22); // opaque values and octet strings: "aa:bb"
    out.hexColon(b, o, o + n);
    out.byte(0x22);
    return;
  }
  switch (info.kind) {
    case 'u16':
      return out.uint((b[o] << 8) | b[o + 1]);
    case 'u32':
      return out.uint(((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0);
    case 'ascii': // latin1 text: written as is when JSON needs no escape and UTF-8 no second octet
      if (!plainJsonText(b, o, o + n)) break;
      out.byte(0x22);
      out.range(b, o, o + n);
      out.byte(0x22);
      return;
    case 'messageDigest': // avp-value.ts formatAvpValue: "HMAC-MD5 aa:bb…" (type 0), else "HMAC-SHA-1 …"
      out.bytes(b[o] === 0 ? HMAC_MD5 : HMAC_SHA1);
      out.hexColon(b, o + 1, o + n);
      out.byte(0x22);
      return;
    case 'protocolVersion': // "version.revision"
      out.byte(0x22);
      out.uint(b[o]);
      out.byte(0x2e);
      out.uint(b[o + 1]);
      out.byte(0x22);
      return;
    case 'pwCapabilities': // [type, …]
      out.byte(0x5b);
      for (let k = o; k < o + n; k += 2) {
        if (k !== o) out.byte(0x2c);
        out.uint((b[k] << 8) | b[k + 1]);
      }
      out.byte(0x5d);
      return;
    default:
      break;
  }
  const v = decodeAvpValue(info, b.subarray(o, o + n));
  if (typeof v === 'string') throw new Error(`frame ${p.frame}: AVP ${i} passed the fast decoder's checks but not the full one's: ${v}`);
  out.text(JSON.stringify(avpDisplayValue(vendorId, type, v)));
}

const HMAC_MD5 = utf8('"HMAC-MD5 ');
const HMAC_SHA1 = utf8('"HMAC-SHA-1 ');

/** Printable ASCII without `"` and `\`: JSON.stringify leaves it as it is, and UTF-8 is one octet each. */
function plainJsonText(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] < 0x20 || b[i] >= 0x7f || b[i] === 0x22 || b[i] === 0x5c) return false;
  return true;
}

function printable(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (b[i] < 0x20 || b[i] >= 0x7f) return false;
  return true;
}

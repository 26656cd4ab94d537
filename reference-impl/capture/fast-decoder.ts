// The allocation-light twin of decodeCapture (capture-decoder.ts): takes a capture's records
// one at a time (from CaptureChunkReader, so a file can stream through it), finds the L2TPv3 octets (link layer, IPv4/IPv6, UDP port or IP protocol 115), decodes each
// packet strictly and leaves the result in one reused FastPacket (offsets and numbers). It
// learns each session direction's cookie length and sublayer from the control exchange with
// the same SessionLayouts, and checks Message Digests as decodeCapture does when given the
// secret. Same packets, same fields, same verdicts, same error kinds at the same offsets:
// tests/reference-impl/capture/fast-decoder.spec.ts compares the two packet by packet.
// Hot-path code is module functions and class methods only: no closures (which tsx would
// also wrap in a `__name` call each time they are created), no strings, no objects per packet.
import { AVP } from '../l2tpv3/avp-types.ts';
import type { Avp } from '../l2tpv3/avp.ts';
import type { AvpValue } from '../l2tpv3/avp-value.ts';
import { L2SS_S_BIT, type DataLayout } from '../l2tpv3/data-message.ts';
import { VLAN_TPIDS } from '../l2tpv3/ethernet-frame.ts';
import { secretBytes, type Secret } from '../l2tpv3/hiding.ts';
import { plainBytes } from '../l2tpv3/wire.ts';
import { LINKTYPE } from './capture-file.ts';
import { CaptureChunkReader } from './capture-chunk-reader.ts';
import { EndpointTable } from './endpoint-table.ts';
import { decodeControlFast } from './fast-control-decoder.ts';
import { digestInputs } from './digest-inputs.ts';
import { FastDigestVerifier } from './fast-digest.ts';
import { AVP_STATE, DIGEST, PACKET_KIND, TRANSPORT, FastPacket } from './fast-packet.ts';
import { decodeIp, ETHERTYPE, IP_PROTOCOL } from './ip.ts';
import { L2TP_UDP_PORT } from './l2tp-transport.ts';
import { networkLayer } from './link-layer.ts';
import { SessionLayouts } from './session-layouts.ts';

export interface FastDecodeOptions {
  udpPort?: number;
  /** Force one layout for every data packet (capture-decoder.ts CaptureDecodeOptions.forceLayout). */
  forceLayout?: Partial<DataLayout>;
  /** Shared secret: unhides hidden AVPs and checks Message Digests. */
  secret?: Secret;
}

/** One table lookup per EtherType instead of a list search (the TPIDs of ethernet-frame.ts). */
const IS_VLAN_TPID = new Uint8Array(0x10000);
for (const t of VLAN_TPIDS) IS_VLAN_TPID[t] = 1;

const L2SS_FLAG = 16; // layout code: cookie length (0/4/8) | L2SS_FLAG when the Default L2SS is used
const CACHE_SIZE = 1024;

/**
 * A whole capture in memory, decoded packet by packet (tests and the codec benchmark); the
 * streaming `decode` feeds a FastRecordDecoder from a CaptureChunkReader itself.
 */
export class FastCaptureDecoder {
  private readonly reader = new CaptureChunkReader();
  private readonly decoder: FastRecordDecoder;

  constructor(bytes: Uint8Array, opts: FastDecodeOptions = {}) {
    this.decoder = new FastRecordDecoder(opts);
    this.reader.push(plainBytes(bytes));
    this.reader.end();
  }

  /** The current packet; overwritten by every next(). */
  get packet(): FastPacket {
    return this.decoder.packet;
  }

  /** Decodes the next L2TPv3 packet into `packet`; false at the end. Throws CaptureFileError only. */
  next(): boolean {
    const r = this.reader;
    while (r.next()) if (this.decoder.decode(r.bytes, r.frameStart, r.frameEnd, r.linkType, r.recordNumber, r.timestampUs)) return true;
    return false;
  }
}

/** Decodes one captured frame at a time; keeps what the control exchange taught (layouts, nonces). */
export class FastRecordDecoder {
  /** The current packet; overwritten by every decode(). */
  readonly packet = new FastPacket();
  /** The octets of the frame being decoded (all offsets below point into them). */
  private bytes: Uint8Array = new Uint8Array(0);
  private readonly port: number;
  private readonly secret: Secret | undefined;
  /** Message Digest checks (verifyControlMessage's verdicts), with the key made once. */
  private readonly digests: FastDigestVerifier | undefined;
  private readonly layouts = new SessionLayouts();
  private readonly endpoints = new EndpointTable();
  /** CMA nonce per endpoint number (capture-decoder.ts checkDigest). */
  private readonly nonces: (Uint8Array | undefined)[] = [];
  private learnt = false;
  private readonly forced: Partial<DataLayout>;
  private readonly defaultCode: number;
  // Data layouts per (destination endpoint, session ID), in front of SessionLayouts.lookup.
  private readonly cacheSid = new Uint32Array(CACHE_SIZE);
  private readonly cacheEp = new Int32Array(CACHE_SIZE);
  private readonly cacheCode = new Int8Array(CACHE_SIZE).fill(-1);
  private readonly cacheLearnt = new Uint8Array(CACHE_SIZE);
  // Results of the link-layer step, kept here rather than returned in an object.
  private nlType = 0;
  private nlOffset = 0;
  /** Result of layoutFor: the layout came from the defaults. */
  private guessed = false;

  /** Whether a data packet's layout comes from the defaults (neither learnt nor wholly forced). */
  private readonly defaultIsGuess: boolean;

  constructor(opts: FastDecodeOptions = {}) {
    this.port = opts.udpPort ?? L2TP_UDP_PORT;
    // Encoded once: the key derivation would otherwise encode a text secret for every message.
    this.secret = opts.secret === undefined ? undefined : secretBytes(opts.secret);
    this.digests = this.secret === undefined ? undefined : new FastDigestVerifier(this.secret);
    this.forced = opts.forceLayout ?? {};
    this.defaultCode = layoutCode(this.forced.cookieLength ?? 0, (this.forced.l2ss ?? 'none') === 'default');
    this.defaultIsGuess = this.forced.cookieLength === undefined || this.forced.l2ss === undefined;
  }

  /**
   * Decodes the frame bytes[start, end) of the given link type into `packet`: true when it is an
   * L2TPv3 packet. Frames that are not (or whose outer headers are broken) are skipped, as
   * findL2tp does. `bytes` may be any buffer (a chunk of the file, a decrypted frame).
   */
  decode(bytes: Uint8Array, start: number, end: number, linkType: number, frame: number, timestampUs: number): boolean {
    this.bytes = bytes;
    const b = bytes;
    const e = end;
    if (!this.linkLayer(linkType, start, e)) return false;
    const ip = this.nlOffset;
    let version: 4 | 6;
    let proto: number;
    let ps: number;
    let pe: number;
    // As findL2tp: an IPv4 or IPv6 EtherType, then ip.ts decodeIp goes by the version nibble.
    if ((this.nlType !== ETHERTYPE.IPV4 && this.nlType !== ETHERTYPE.IPV6) || e - ip < 1) return false;
    if (b[ip] >> 4 === 4) {
      const ihl = (b[ip] & 0x0f) * 4;
      if (ihl < 20 || e - ip < ihl) return false;
      const total = (b[ip + 2] << 8) | b[ip + 3];
      if (total < ihl || total > e - ip) return false;
      if ((((b[ip + 6] << 8) | b[ip + 7]) & 0x1fff) !== 0) return false; // a later fragment
      version = 4;
      proto = b[ip + 9];
      ps = ip + ihl;
      pe = ip + total;
    } else if (b[ip] >> 4 === 6) {
      if (e - ip < 40) return false;
      version = 6;
      proto = b[ip + 6];
      ps = ip + 40;
      pe = Math.min(e, ps + ((b[ip + 4] << 8) | b[ip + 5]));
      if (proto !== IP_PROTOCOL.UDP && proto !== IP_PROTOCOL.L2TP) {
        // Extension headers (rare around L2TPv3): ip.ts walks them, at the price of a few objects.
        const r = decodeIp(b.subarray(ip, e));
        if (!r.ok || r.value.laterFragment) return false;
        proto = r.value.protocol;
        ps = ip + r.value.payloadOffset;
        pe = ps + r.value.payload.length;
      }
    } else {
      return false;
    }
    const p = this.packet;
    if (proto === IP_PROTOCOL.L2TP) {
      p.transport = TRANSPORT.Ip;
      p.srcPort = -1;
      p.dstPort = -1;
    } else if (proto === IP_PROTOCOL.UDP) {
      const ul = pe - ps;
      if (ul < 8) return false;
      const len = (b[ps + 4] << 8) | b[ps + 5];
      if (len !== 0 && (len < 8 || len > ul)) return false; // 0: an IPv6 jumbogram, take what is there
      const sport = (b[ps] << 8) | b[ps + 1];
      const dport = (b[ps + 2] << 8) | b[ps + 3];
      if (sport !== this.port && dport !== this.port) return false;
      p.transport = TRANSPORT.Udp;
      p.srcPort = sport;
      p.dstPort = dport;
      if (len !== 0) pe = ps + len;
      ps += 8;
    } else {
      return false;
    }
    p.bytes = b;
    p.frame = frame;
    p.timestampUs = timestampUs;
    p.linkType = linkType;
    p.frameStart = start;
    p.frameEnd = e;
    p.ipVersion = version;
    p.srcAddressOffset = version === 4 ? ip + 12 : ip + 8;
    p.dstAddressOffset = version === 4 ? ip + 16 : ip + 24;
    p.payloadStart = ps;
    p.payloadEnd = pe;
    this.decodeL2tp(p, b, ps, pe);
    return true;
  }

  /** link-layer.ts networkLayer: sets nlType and nlOffset; false when the frame is not usable. */
  private linkLayer(linkType: number, s: number, e: number): boolean {
    const b = this.bytes;
    switch (linkType) {
      case LINKTYPE.ETHERNET:
        return this.afterEtherType(s + 12, e);
      case LINKTYPE.LINUX_SLL:
        return e - s >= 16 && this.afterEtherType(s + 14, e);
      case LINKTYPE.LINUX_SLL2:
        if (e - s < 20) return false;
        this.nlType = (b[s] << 8) | b[s + 1];
        this.nlOffset = s + 20;
        return true;
      default: { // raw IP and loopback headers: the shared code, with an object per frame
        const nl = networkLayer(linkType, b.subarray(s, e));
        if (!nl.ok) return false;
        this.nlType = nl.etherType;
        this.nlOffset = s + nl.offset;
        return true;
      }
    }
  }

  private afterEtherType(at: number, e: number): boolean {
    const b = this.bytes;
    if (e < at + 2) return false;
    let o = at;
    let type = (b[o] << 8) | b[o + 1];
    while (IS_VLAN_TPID[type]) {
      if (e < o + 6) return false;
      o += 4;
      type = (b[o] << 8) | b[o + 1];
    }
    this.nlType = type;
    this.nlOffset = o + 2;
    return true;
  }

  /** l2tp-packet.ts decodeL2tp, with the digest check of capture-decoder.ts first. */
  private decodeL2tp(p: FastPacket, b: Uint8Array, s: number, e: number): void {
    const ip = p.transport === TRANSPORT.Ip;
    const n = e - s;
    p.digest = DIGEST.None;
    p.errorKind = null;
    p.avpCount = 0;
    p.hasEthernet = false;
    p.layoutGuessed = false;
    const control = ip ? n >= 4 && (b[s] | b[s + 1] | b[s + 2] | b[s + 3]) === 0 : n >= 1 && (b[s] & 0x80) !== 0;
    if (control && this.digests !== undefined) p.digest = this.checkDigest(p, b, s, e, ip, this.digests);
    if (n < (ip ? 4 : 1)) {
      p.kind = PACKET_KIND.Error;
      p.errorKind = 'too-short';
      p.errorOffset = 0;
      return;
    }
    if (control) {
      decodeControlFast(p, b, s, e, ip, this.secret);
      if (p.kind === PACKET_KIND.Control) this.learn(p);
      return;
    }
    this.decodeData(p, b, s, e, ip);
  }

  /** data-message.ts decodeDataMessage, then ethernet-frame.ts decodeEthernetHeader on the payload. */
  private decodeData(p: FastPacket, b: Uint8Array, s: number, e: number, ip: boolean): void {
    p.kind = PACKET_KIND.Error;
    let o = s;
    if (!ip) {
      if (e - s < 2) return this.fail(p, 'too-short', 0);
      if ((b[s + 1] & 0x0f) !== 3) return this.fail(p, 'wrong-version', 1);
      o = s + 4;
    }
    this.guessed = this.defaultIsGuess;
    const code = e - o >= 4 ? this.layoutFor(p, u32(b, o)) : this.defaultCode;
    const cookieLength = code & 0x0f;
    const l2ss = (code & L2SS_FLAG) !== 0;
    p.cookieLength = cookieLength; // kept on a rejection too: `decode` re-reads the reason with this layout
    p.hasL2ss = l2ss;
    if (e - s < o - s + 4 + cookieLength + (l2ss ? 4 : 0)) return this.fail(p, 'too-short', 0);
    const sid = u32(b, o);
    if (sid === 0) return this.fail(p, 'wrong-header', o - s); // 3931 §4.1
    p.kind = PACKET_KIND.Data;
    p.layoutGuessed = this.guessed;
    p.sessionId = sid;
    o += 4;
    p.cookieOffset = o;
    o += cookieLength;
    if (l2ss) {
      p.l2ssSequenced = (b[o] & L2SS_S_BIT) !== 0;
      p.l2ssSequence = ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
      o += 4;
    } else {
      p.l2ssSequenced = false;
      p.l2ssSequence = 0;
    }
    // The inner Ethernet frame (RFC 4719 §4), its header only when it is whole.
    if (e - o < 14) return;
    let t = o + 12;
    let type = (b[t] << 8) | b[t + 1];
    let vlans = 0;
    while (IS_VLAN_TPID[type]) {
      if (e < t + 6) return;
      vlans++;
      t += 4;
      type = (b[t] << 8) | b[t + 1];
    }
    p.hasEthernet = true;
    p.ethOffset = o;
    p.etherType = type;
    p.vlanCount = vlans;
  }

  private fail(p: FastPacket, kind: 'too-short' | 'wrong-version' | 'wrong-header', offset: number): void {
    p.kind = PACKET_KIND.Error;
    p.errorKind = kind;
    p.errorOffset = offset;
  }

  /** capture-decoder.ts dataLayout: the learnt layout of data sent to this address, then forced fields. */
  private layoutFor(p: FastPacket, sid: number): number {
    if (!this.learnt) return this.defaultCode;
    const ep = this.endpoints.find(this.bytes, p.dstAddressOffset, p.ipVersion);
    const i = (Math.imul(sid ^ Math.imul(ep + 2, 0x9e3779b1), 0x85ebca6b) >>> 22) & (CACHE_SIZE - 1);
    if (this.cacheCode[i] >= 0 && this.cacheSid[i] === sid && this.cacheEp[i] === ep) {
      if (this.cacheLearnt[i]) this.guessed = false;
      return this.cacheCode[i];
    }
    const learnt = this.layouts.lookup(ep >= 0 ? this.endpoints.textOf(ep) : '', sid);
    const f = this.forced;
    const code = learnt
      ? layoutCode(f.cookieLength ?? learnt.cookieLength, (f.l2ss ?? learnt.l2ss) === 'default')
      : this.defaultCode;
    if (learnt) this.guessed = false;
    this.cacheLearnt[i] = learnt ? 1 : 0;
    this.cacheSid[i] = sid;
    this.cacheEp[i] = ep;
    this.cacheCode[i] = code;
    return code;
  }

  /** SessionLayouts.learn, fed only the session AVPs it reads, and only when there is a session. */
  private learn(p: FastPacket): void {
    let avps: Avp[] | null = null;
    for (let i = 0; i < p.avpCount; i++) {
      if (p.avpVendorId[i] === 0 && p.avpType[i] === AVP.LocalSessionId && p.avpState[i] === AVP_STATE.Decoded) {
        avps = sessionAvps(p);
        break;
      }
    }
    if (!avps) return;
    this.layouts.learn(this.endpoints.textOf(this.endpoints.intern(this.bytes, p.srcAddressOffset, p.ipVersion)), avps);
    this.learnt = true;
    this.cacheCode.fill(-1);
  }

  /**
   * capture-decoder.ts checkDigest: the sender's nonce is remembered from the raw AVPs, then the
   * digest is checked with both nonces (none for an SCCRQ). Control messages only: rare in traffic.
   */
  private checkDigest(p: FastPacket, b: Uint8Array, s: number, e: number, ip: boolean, digests: FastDigestVerifier): number {
    const src = this.endpoints.intern(b, p.srcAddressOffset, p.ipVersion);
    const dst = this.endpoints.intern(b, p.dstAddressOffset, p.ipVersion);
    const { sccrq, nonce } = digestInputs(b, s + (ip ? 4 : 0), e);
    if (nonce) this.nonces[src] = nonce;
    const sn = this.nonces[src];
    const dn = this.nonces[dst];
    return digests.verify(b, s, e, ip, !sccrq ? sn : undefined, !sccrq ? dn : undefined);
  }
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function layoutCode(cookieLength: number, l2ss: boolean): number {
  return cookieLength | (l2ss ? L2SS_FLAG : 0);
}

function sessionAvp(attributeType: number, value: AvpValue): Avp {
  return { mandatory: false, hidden: false, vendorId: 0, attributeType, value };
}

/** The decoded session AVPs SessionLayouts.learn reads, as the Avp objects it takes, in order. */
function sessionAvps(p: FastPacket): Avp[] {
  const out: Avp[] = [];
  for (let i = 0; i < p.avpCount; i++) {
    if (p.avpVendorId[i] !== 0 || p.avpState[i] !== AVP_STATE.Decoded) continue;
    const t = p.avpType[i];
    const v = p.avpValue(i);
    if (t === AVP.LocalSessionId || t === AVP.RemoteSessionId) out.push(sessionAvp(t, { kind: 'u32', value: u32(v, 0) }));
    else if (t === AVP.PseudowireType || t === AVP.L2SpecificSublayer) out.push(sessionAvp(t, { kind: 'u16', value: (v[0] << 8) | v[1] }));
    else if (t === AVP.AssignedCookie) out.push(sessionAvp(t, { kind: 'octets', value: v.slice() }));
  }
  return out;
}

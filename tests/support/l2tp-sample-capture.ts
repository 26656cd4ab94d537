// A capture that exercises the whole codec: every control message type with all its
// mandatory and optional AVPs, hidden AVPs, Message Digests with nonces, v2-style
// Challenge/Response, ZLB, explicit ACK, and data with cookie 0/4/8, with and without the
// Default L2SS, tagged and untagged, over UDP/IPv4, UDP/IPv6 and IP/115. Used by the
// Wireshark agreement test and the codec benchmark.
import { frameL2tp, LINKTYPE, writePcap, buildEthernetFrame, type CaptureRecord } from '../../reference-impl/capture/index.ts';
import {
  avps, encodeControlMessage, encodeDataMessage, MESSAGE_TYPE, type Avp, type CookieLength, type L2ssMode, type L2tpTransport,
} from '../../reference-impl/l2tpv3/index.ts';

export const SAMPLE_SECRET = 'wireshark-agreement';

interface Endpoint { addr: string; nonce: Uint8Array; ccid: number }

const bytes = (...v: number[]): Uint8Array => Uint8Array.from(v);
const fill = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (seed * 31 + i * 7) & 0xff);

/** A session's data layout per direction: the cookie each end assigns, and the sublayer both use. */
export interface SampleLayout { aCookie: CookieLength; bCookie: CookieLength; l2ss: L2ssMode }
export const SAMPLE_LAYOUTS: readonly SampleLayout[] = [
  { aCookie: 0, bCookie: 4, l2ss: 'none' },
  { aCookie: 8, bCookie: 0, l2ss: 'default' },
  { aCookie: 4, bCookie: 8, l2ss: 'default' },
  { aCookie: 8, bCookie: 4, l2ss: 'none' },
];

class Conversation {
  readonly records: CaptureRecord[] = [];
  private ns = { a: 0, b: 0 };
  constructor(
    readonly transport: L2tpTransport, readonly a: Endpoint, readonly b: Endpoint,
    private clock: { us: number }, private readonly authenticated: boolean,
  ) {}

  private emit(payload: Uint8Array, from: 'a' | 'b'): void {
    const [s, d] = from === 'a' ? [this.a, this.b] : [this.b, this.a];
    this.records.push({ timestampUs: (this.clock.us += 1000), data: frameL2tp({ transport: this.transport, src: s.addr, dst: d.addr, payload }) });
  }

  /** Sends a control message; `avpList` without digest, which is added when authenticated. */
  control(from: 'a' | 'b', type: number | null, avpList: Avp[], opts: { ccid?: number; noDigest?: boolean } = {}): void {
    const [s, d] = from === 'a' ? [this.a, this.b] : [this.b, this.a];
    const other = from === 'a' ? 'b' : 'a';
    const list = [...(type === null ? [] : [avps.messageType(type)]), ...avpList];
    const digest = this.authenticated && !opts.noDigest;
    if (digest) list.splice(type === null ? 0 : 1, 0, avps.messageDigest(type === MESSAGE_TYPE.SCCRP ? 1 : 0));
    const sccrq = type === MESSAGE_TYPE.SCCRQ;
    const msg = { ccid: opts.ccid ?? (sccrq ? 0 : d.ccid), ns: this.ns[from], nr: this.ns[other], avps: list };
    if (list.length > 0) this.ns[from] = (this.ns[from] + 1) & 0xffff;
    const bytesOut = encodeControlMessage(msg, {
      transport: this.transport,
      secret: SAMPLE_SECRET,
      ...(digest ? { sign: sccrq ? {} : { nonces: { sender: s.nonce, receiver: d.nonce } } } : {}),
    });
    this.emit(bytesOut, from);
  }

  data(from: 'a' | 'b', sessionId: number, cookie: Uint8Array, l2ss: L2ssMode, seq: number, tagged: boolean): void {
    const inner = buildEthernetFrame({
      src: from === 'a' ? '02:00:00:0a:00:01' : '02:00:00:0b:00:01',
      dst: tagged ? '02:00:00:0b:00:01' : 'ff:ff:ff:ff:ff:ff',
      etherType: 0x0800,
      vlan: tagged ? { id: 100 + seq, pcp: 3 } : undefined,
      payload: sampleIpv4Payload(seq),
    });
    const m = { sessionId, cookie, l2ss: l2ss === 'default' ? { sequenced: seq % 2 === 1, sequence: seq % 2 === 1 ? seq : 0 } : null, payload: inner };
    this.emit(encodeDataMessage(m, this.transport), from);
  }
}

/** A small IPv4/ICMP echo inside the pseudowire (enough for tshark to dissect the inner frame). */
function sampleIpv4Payload(seq: number): Uint8Array {
  const ip = bytes(0x45, 0, 0, 28, 0, seq & 0xff, 0x40, 0, 64, 1, 0, 0, 198, 51, 100, 1, 198, 51, 100, 2, 8, 0, 0, 0, 0x12, 0x34, 0, seq & 0xff);
  const sum = (b: Uint8Array, s: number, e: number): number => {
    let x = 0;
    for (let i = s; i < e; i += 2) x += (b[i] << 8) | b[i + 1];
    while (x > 0xffff) x = (x & 0xffff) + (x >>> 16);
    return ~x & 0xffff;
  };
  const h = sum(ip, 0, 20);
  ip[10] = h >> 8; ip[11] = h & 0xff;
  const c = sum(ip, 20, 28);
  ip[22] = c >> 8; ip[23] = c & 0xff;
  return ip;
}

/** The authenticated conversation: every message type, all AVPs, hidden AVPs, digests. */
function fullConversation(transport: L2tpTransport, aAddr: string, bAddr: string, clock: { us: number }, base: number): Conversation {
  const a: Endpoint = { addr: aAddr, nonce: fill(16, base + 1), ccid: 0x0a000000 + base };
  const b: Endpoint = { addr: bAddr, nonce: fill(20, base + 2), ccid: 0x0b000000 + base };
  const c = new Conversation(transport, a, b, clock, true);
  const M = MESSAGE_TYPE;
  c.control('a', M.SCCRQ, [
    avps.nonce(a.nonce), avps.hostName('rtx-a'), avps.routerId(0xc0000201), avps.assignedControlConnectionId(a.ccid),
    avps.pseudowireCapabilities([5, 4]), avps.tieBreaker(fill(8, base + 3)), avps.vendorName('YAMAHA'),
    avps.receiveWindowSize(8), avps.preferredLanguage('ja'), avps.randomVector(fill(16, base + 5)),
  ]);
  c.control('b', M.SCCRP, [
    avps.nonce(b.nonce), avps.hostName('rtx-b'), avps.routerId(0xc0000202), avps.assignedControlConnectionId(b.ccid),
    avps.pseudowireCapabilities([5]), avps.vendorName('YAMAHA'), avps.receiveWindowSize(16), avps.preferredLanguage('en'), avps.randomVector(fill(16, base + 6)),
  ]);
  c.control('a', M.SCCCN, [avps.randomVector(fill(16, base + 4))]);
  c.control('b', M.ACK, []);
  c.control('a', M.HELLO, [avps.randomVector(fill(16, base + 7))]);
  c.control('b', M.ACK, []);
  let sid = 1;
  SAMPLE_LAYOUTS.forEach((l, i) => {
    const aSid = 0x1000 + base * 0x100 + sid++;
    const bSid = 0x2000 + base * 0x100 + sid++;
    const aCookie = fill(l.aCookie, base + 10 + i);
    const bCookie = fill(l.bCookie, base + 20 + i);
    const l2ssType = l.l2ss === 'default' ? 1 : 0;
    c.control('a', M.ICRQ, [
      avps.localSessionId(aSid), avps.remoteSessionId(0), avps.serialNumber(i + 1), avps.pseudowireType(5),
      avps.remoteEndId(`site-${i}`), avps.circuitStatus(3), avps.randomVector(fill(12, base + 30 + i)),
      avps.assignedCookie(aCookie), avps.tieBreaker(fill(8, base + 40 + i)), avps.l2SpecificSublayer(l2ssType),
      avps.dataSequencing(l2ssType ? 2 : 0), avps.txConnectSpeed(100_000_000n), avps.rxConnectSpeed(1_000_000_000n),
      avps.physicalChannelId(7),
    ]);
    c.control('b', M.ICRP, [
      avps.localSessionId(bSid), avps.remoteSessionId(aSid), avps.circuitStatus(3), avps.assignedCookie(bCookie),
      avps.l2SpecificSublayer(l2ssType), avps.dataSequencing(0), avps.txConnectSpeed(10_000_000n),
      avps.rxConnectSpeed(10_000_000n), avps.physicalChannelId(9), avps.randomVector(fill(16, base + 100 + i)),
    ]);
    c.control('a', M.ICCN, [
      avps.localSessionId(aSid), avps.remoteSessionId(bSid), avps.l2SpecificSublayer(l2ssType), avps.dataSequencing(0),
      avps.txConnectSpeed(100_000_000n), avps.rxConnectSpeed(100_000_000n), avps.circuitStatus(1), avps.randomVector(fill(16, base + 110 + i)),
    ]);
    c.control('b', M.ACK, []);
    // Data both ways: A sends with B's session ID and cookie, B with A's.
    for (const tagged of [false, true]) {
      c.data('a', bSid, bCookie, l.l2ss, 2 * i + (tagged ? 1 : 0), tagged);
      c.data('b', aSid, aCookie, l.l2ss, 2 * i + (tagged ? 1 : 0), tagged);
    }
    c.control('b', M.SLI, [avps.localSessionId(bSid), avps.remoteSessionId(aSid), avps.randomVector(fill(16, base + 50 + i)), avps.circuitStatus(1)]);
    c.control('a', M.WEN, [avps.localSessionId(aSid), avps.remoteSessionId(bSid), avps.circuitErrors([1, 2, 3, 4, 5, 6]), avps.randomVector(fill(16, base + 80 + i))]);
    c.control('a', M.CDN, [avps.resultCode(3), avps.localSessionId(aSid), avps.remoteSessionId(bSid)]);
    c.control('b', M.ACK, []);
  });
  // Outgoing calls, with hidden AVPs (each hidden value follows a Random Vector).
  const oa = 0x3000 + base;
  const ob = 0x4000 + base;
  c.control('a', M.OCRQ, [
    avps.localSessionId(oa), avps.remoteSessionId(0), avps.serialNumber(99), avps.pseudowireType(5), avps.remoteEndId('out'),
    avps.circuitStatus(2), avps.randomVector(fill(16, base + 60)), avps.hidden(avps.assignedCookie(fill(4, base + 61))),
    avps.hidden(avps.txConnectSpeed(5_000_000n), fill(3, 1)), avps.hidden(avps.rxConnectSpeed(6_000_000n)),
    avps.tieBreaker(fill(8, base + 62)), avps.l2SpecificSublayer(0), avps.dataSequencing(0),
  ]);
  c.control('b', M.OCRP, [
    avps.localSessionId(ob), avps.remoteSessionId(oa), avps.circuitStatus(2), avps.randomVector(fill(16, base + 63)),
    avps.hidden(avps.assignedCookie(fill(8, base + 64))), avps.l2SpecificSublayer(0), avps.hidden(avps.txConnectSpeed(1n)),
    avps.rxConnectSpeed(2n), avps.dataSequencing(0), avps.hidden(avps.physicalChannelId(3), fill(5, 2)),
  ]);
  c.control('a', M.OCCN, [
    avps.localSessionId(oa), avps.remoteSessionId(ob), avps.l2SpecificSublayer(0), avps.txConnectSpeed(3n), avps.rxConnectSpeed(4n),
    avps.dataSequencing(0), avps.circuitStatus(1), avps.randomVector(fill(16, base + 92)),
  ]);
  c.control('b', M.CDN, [avps.resultCode(2, 6, 'bye'), avps.localSessionId(ob), avps.remoteSessionId(oa), avps.randomVector(fill(16, base + 90))]);
  c.control('a', M.StopCCN, [avps.resultCode(1), avps.assignedControlConnectionId(a.ccid), avps.randomVector(fill(16, base + 91))]);
  c.control('b', M.ACK, []);
  return c;
}

/** v2-style tunnel authentication (Challenge / Challenge Response), no digests, and ZLBs. */
function challengeConversation(transport: L2tpTransport, aAddr: string, bAddr: string, clock: { us: number }, base: number): Conversation {
  const a: Endpoint = { addr: aAddr, nonce: new Uint8Array(0), ccid: 0x0c000000 + base };
  const b: Endpoint = { addr: bAddr, nonce: new Uint8Array(0), ccid: 0x0d000000 + base };
  const c = new Conversation(transport, a, b, clock, false);
  const vendor: Avp = { mandatory: false, hidden: false, vendorId: 1, attributeType: 42, value: { kind: 'opaque', value: bytes(1, 2, 3), reason: 'vendor' } };
  c.control('a', MESSAGE_TYPE.SCCRQ, [
    avps.hostName('rtx-a'), avps.routerId(1), avps.assignedControlConnectionId(a.ccid), avps.pseudowireCapabilities([5]),
    avps.challenge(fill(16, base + 70)), vendor,
  ]);
  c.control('b', MESSAGE_TYPE.SCCRP, [
    avps.hostName('rtx-b'), avps.routerId(2), avps.assignedControlConnectionId(b.ccid), avps.pseudowireCapabilities([5]),
    avps.challenge(fill(16, base + 71)), avps.challengeResponse(fill(16, base + 72)),
  ]);
  c.control('a', MESSAGE_TYPE.SCCCN, [avps.challengeResponse(fill(16, base + 73))]);
  c.control('b', null, []); // ZLB
  c.control('a', MESSAGE_TYPE.StopCCN, [avps.resultCode(6, 0, 'auth'), avps.assignedControlConnectionId(a.ccid)]);
  c.control('b', null, []);
  return c;
}

export const SAMPLE_PATHS: readonly { transport: L2tpTransport; a: string; b: string }[] = [
  { transport: 'udp', a: '192.0.2.1', b: '192.0.2.2' },
  { transport: 'udp', a: '2001:db8::1', b: '2001:db8::2' },
  { transport: 'ip', a: '198.51.100.1', b: '198.51.100.2' },
];

export function sampleCaptureRecords(startUs = 1_700_000_000_000_000): CaptureRecord[] {
  const clock = { us: startUs };
  const out: CaptureRecord[] = [];
  SAMPLE_PATHS.forEach((p, i) => {
    out.push(...fullConversation(p.transport, p.a, p.b, clock, i + 1).records);
    const v6 = p.a.includes(':');
    out.push(...challengeConversation(p.transport, v6 ? '2001:db8::11' : `203.0.113.${11 + i}`, v6 ? '2001:db8::12' : `203.0.113.${21 + i}`, clock, i + 1).records);
  });
  return out;
}

export function sampleCapture(): Uint8Array {
  return writePcap(sampleCaptureRecords(), LINKTYPE.ETHERNET);
}

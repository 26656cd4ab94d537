// The IPsec part of an observable trace (DESIGN.md "The verdict"): the ISAKMP messages between a
// tester peer and the device, decrypted with the key log (ipsec-facts.md: IKEv1 phase-1 key per
// initiator cookie, as tshark's ikev1_decryption_table), one event per message with every payload
// the exchange shows; and ESP the device sent that does not open with the negotiated keys. Values a
// side picks at random (cookies, message IDs, SPIs, DPD sequence numbers) are named by role
// (IPSEC_ROLE_RULES); KE, nonce, hash and NAT-D payloads show their length only (their octets are
// random or derived from random values). Pure.
import { Ikev1CaptureDecryptor, type Ikev1Key } from '../ipsec/ike/capture-decryptor.ts';
import { unframe } from '../ipsec/ike/nat-t.ts';
import { decapsulateEsp } from '../ipsec/esp/esp-packet.ts';
import { espSaOf, type KeyLogEntry } from '../ipsec/key-log.ts';
import { EXCHANGE, notifyName } from '../ipsec/isakmp/constants.ts';
import type { Payload } from '../ipsec/isakmp/payloads.ts';
import type { Attribute } from '../ipsec/isakmp/sa.ts';
import type { RoleRules } from './roles.ts';
import { traceEvent, type TraceActor, type TraceEvent, type TraceField } from './trace-event.ts';

/** One UDP payload on port 500 or 4500 between a peer and the device, as on the wire (non-ESP marker kept). */
export interface IpsecDatagram {
  /** Virtual ms on the traces' clock. */
  readonly t: number;
  /** The device's datagrams are judged; the peer's (the harness's) are the stimulus. */
  readonly by: TraceActor;
  /** The observation point: `ike:PEER` (the peer's logical name). */
  readonly at: string;
  readonly port: 500 | 4500;
  readonly bytes: Uint8Array;
}

/** Observation point of the ISAKMP exchange with a peer (kept apart from its L2TP control messages). */
export function ikePoint(peerName: string): string {
  return `ike:${peerName}`;
}

const EXCHANGE_LABEL: Record<number, string> = {
  [EXCHANGE.identityProtection]: 'Main Mode',
  [EXCHANGE.aggressive]: 'Aggressive',
  [EXCHANGE.quick]: 'Quick Mode',
  [EXCHANGE.informational]: 'Informational',
};

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/**
 * The ISAKMP events of `datagrams` (in time order). A copy of a message its sender already sent
 * (retransmission: the same octets) is no event: whether it goes out is a race between a 10 s
 * timer and the other side's answer, as for L2TP (RETRANSMITTED_COPIES), and the timers are
 * judged by the syslog lines the oracle predicts for them. Each message's label numbers it within
 * its sender's messages of that exchange type (`ISAKMP Main Mode 3`), so the L2TP control filters,
 * which look at labels, never take two ISAKMP messages for copies of each other.
 */
export function isakmpEvents(datagrams: readonly IpsecDatagram[], keys: readonly KeyLogEntry[]): TraceEvent[] {
  const decryptor = new Ikev1CaptureDecryptor(keys.flatMap((k): Ikev1Key[] => (k.kind === 'IKEV1' ? [{ icookie: k.icookie, encKey: k.encKey }] : [])));
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  const out: TraceEvent[] = [];
  for (const d of datagrams) {
    const u = unframe(d.port, d.bytes);
    if (u.kind === 'esp') continue;
    const key = `${d.by} ${d.at} ${hex(d.bytes)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (u.kind === 'keepalive') {
      out.push(traceEvent('control', d.t, d.at, 'NAT-T keepalive', [], d.by));
      continue;
    }
    const r = decryptor.push(u.bytes);
    if (r.status === 'malformed') {
      out.push(traceEvent('control', d.t, d.at, 'ISAKMP malformed', [{ name: 'reason', value: r.reason }], d.by));
      continue;
    }
    const h = r.header;
    const kind = EXCHANGE_LABEL[h.exchange] ?? `exchange ${h.exchange}`;
    const n = (counts.get(`${d.by} ${d.at} ${kind}`) ?? 0) + 1;
    counts.set(`${d.by} ${d.at} ${kind}`, n);
    const fields: TraceField[] = [
      { name: 'icookie', value: hex(h.icookie) },
      { name: 'rcookie', value: hex(h.rcookie) },
      { name: 'message ID', value: (h.messageId >>> 0).toString(16).padStart(8, '0') },
      { name: 'port', value: String(d.port) },
      { name: 'encrypted', value: r.status === 'clear' ? 'no' : 'yes' },
    ];
    if (r.status === 'clear' || r.status === 'decrypted') fields.push(...r.payloads.flatMap(payloadFields));
    // Undecryptable for the key log: which is itself what is observed (e.g. sent under another key).
    else fields.push({ name: 'payloads', value: `not readable with the key log (${r.status})` });
    out.push(traceEvent('control', d.t, d.at, `ISAKMP ${kind} ${n}`, fields, d.by));
  }
  return out;
}

/** ESP from the device that does not open with the key log's keys (no SA for its SPI, bad ICV, not L2TP): one event each. */
export function espAnomalies(datagrams: readonly IpsecDatagram[], keys: readonly KeyLogEntry[]): TraceEvent[] {
  const out: TraceEvent[] = [];
  for (const d of datagrams) {
    if (d.by !== 'device' || d.port !== 4500 || unframe(4500, d.bytes).kind !== 'esp') continue;
    const spi = d.bytes.length >= 4 ? new DataView(d.bytes.buffer, d.bytes.byteOffset, 4).getUint32(0) : -1;
    const entry = keys.find((k) => k.kind === 'ESP' && k.spi === spi);
    let reason: string | undefined;
    if (!entry || entry.kind !== 'ESP') reason = 'no SA of the key log has its SPI';
    else {
      const r = decapsulateEsp(espSaOf(entry), d.bytes, { acceptNextHeader: (nh) => nh === 17 });
      if (!r.ok) reason = `ESP ${r.error.kind}`;
    }
    if (reason) out.push(traceEvent('control', d.t, d.at, 'ESP unreadable', [{ name: 'reason', value: reason }], 'device'));
  }
  return out;
}

function attributeText(a: Attribute): string {
  return 'value' in a ? `${a.type}=${a.value}` : `${a.type}=0x${hex(a.bytes)}`;
}

/** The fields of one payload: its name, and what it says that the other side acts on. */
function payloadFields(p: Payload): TraceField[] {
  switch (p.kind) {
    case 'sa':
      return [
        { name: 'SA', value: `doi=${p.doi} situation=${p.situation} proposals=${p.proposals.length}` },
        ...p.proposals.flatMap((pr) => [
          ...(pr.spi.length > 0 ? [{ name: 'SA SPI', value: hex(pr.spi) }] : []),
          { name: 'SA proposal', value: `#${pr.number} protocol=${pr.protocolId} ${pr.transforms.map((t) => `[#${t.number} id=${t.transformId} ${t.attributes.map(attributeText).join(' ')}]`).join(' ')}` },
        ]),
      ];
    case 'ke': return [{ name: 'KE', value: `${p.data.length} octets` }];
    case 'nonce': return [{ name: 'NONCE', value: `${p.data.length} octets` }];
    case 'hash': return [{ name: 'HASH', value: `${p.data.length} octets` }];
    case 'natD': return [{ name: 'NAT-D', value: `${p.data.length} octets` }];
    case 'id': return [{ name: 'ID', value: `type=${p.idType} protocol=${p.protocolId} port=${p.port} ${idText(p.idType, p.data)}` }];
    case 'vendorId': return [{ name: 'VID', value: hex(p.data) }];
    case 'notification': {
      const f: TraceField[] = [{ name: 'N', value: `${notifyName(p.notifyType)} protocol=${p.protocolId}` }];
      if (p.spi.length > 0) f.push({ name: p.spi.length === 16 ? 'N cookies' : 'N SPI', value: hex(p.spi) });
      // DPD (RFC 3706 §7): the data is the sender's sequence number, which starts at random.
      if (p.data.length > 0) f.push({ name: 'N data', value: hex(p.data) });
      return f;
    }
    case 'delete': return [{ name: 'D', value: `protocol=${p.protocolId} count=${p.spis.length}` }, { name: 'D SPIs', value: p.spis.map(hex).join(',') }];
    default: return [{ name: p.kind, value: 'present' }];
  }
}

function idText(type: number, d: Uint8Array): string {
  if (type === 1 && d.length === 4) return Array.from(d).join('.');
  if ((type === 2 || type === 3 || type === 11) && d.every((c) => c >= 0x20 && c < 0x7f)) return String.fromCharCode(...d);
  return hex(d);
}

const both = (name: string, field: string, role: string, why: string, keep?: readonly string[]) =>
  (['device', 'harness'] as const).map((by) => ({ name: `${name} (${by})`, role, source: 'control' as const, by, field, keep, why }));

/**
 * Values the two IKE ends choose at random (RFC 2408 §2.5.3 cookies, §3.1 message IDs, RFC 2409
 * §5.5 SPIs, RFC 3706 §7 DPD sequence numbers): named on first sight, so a device that echoes the
 * wrong cookie or SPI, or reuses a message ID, still diverges. A zero responder cookie or message
 * ID 0 (phase 1) is a fact of the exchange, kept.
 */
export const IPSEC_ROLE_RULES: Partial<RoleRules> = {
  fields: [
    ...both('initiator cookie', 'icookie', 'icookie', 'RFC 2408 §2.5.3: chosen at random by the initiator'),
    ...both('responder cookie', 'rcookie', 'rcookie', 'RFC 2408 §2.5.3: chosen at random by the responder; zero until it is known', ['0000000000000000']),
    ...both('message ID', 'message ID', 'msgid', 'RFC 2408 §3.1: a random ID per quick mode / informational exchange; 0 in phase 1', ['00000000']),
    ...both('SA SPI', 'SA SPI', 'spi', 'RFC 2409 §5.5: each side picks its inbound SPI'),
    ...both('notify SPI', 'N SPI', 'spi', 'the SPI a notification is about'),
    ...both('notify cookies', 'N cookies', 'cookies', 'ISAKMP SA of a DPD notification: both cookies (RFC 3706 §7)'),
    ...both('notify data', 'N data', 'dpd-seq', 'RFC 3706 §7: the DPD sequence number starts at random'),
    ...both('deleted SPIs', 'D SPIs', 'spi', 'the SPIs (or cookies) an ISAKMP Delete names'),
  ],
  texts: [
    // the device's IKE lines name these values (syslog/ike-catalogue.ts reasons, ike/ lifecycle lines)
    { name: 'cookie in an IKE line', role: 'icookie', source: 'syslog', pattern: /initiator cookie ([0-9a-f]{16})/g, why: 'the initiator cookie of a dropped message (RFC 2408 §2.5.3: random)' },
    { name: 'quick mode in an IKE line', role: 'msgid', source: 'syslog', pattern: /quick mode ([0-9a-f]{1,8}) /g, why: 'the quick mode\'s message ID (RFC 2408 §3.1: random)' },
    { name: 'SPI in an IKE line', role: 'spi', source: 'syslog', pattern: /SPI 0x([0-9a-f]{8})/g, why: 'an ESP SPI (RFC 2409 §5.5: chosen by its receiver)' },
  ],
};

/** Exchange types an informational answer is (for misbehaviours that drop DPD answers). */
export const INFORMATIONAL = EXCHANGE.informational;

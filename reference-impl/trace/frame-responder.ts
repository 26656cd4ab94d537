// What the device itself answers on its bridge address (`ip bridgeN address`): an ARP request for
// it (RFC 826) and an ICMP echo request to it (RFC 792), as the trace prediction needs them. The
// reply's own values that no document gives are named assumptions. Pure.
import { parseMac } from '../capture/ip.ts';
import { internetChecksum } from '../capture/ip.ts';

/**
 * ASSUMPTION responder-replies (not documented; a hardware run confirms or refutes): replies are not
 * padded to the 60-octet Ethernet minimum on the pseudowire; an echo reply has TTL 64, DF clear, and
 * the request's IP identification.
 */
export const RESPONDER_REPLY_ASSUMPTIONS = { padded: false, ipv4Ttl: 64, ipv4IdFromRequest: true } as const;

const u16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const put16 = (b: Uint8Array, o: number, v: number) => {
  b[o] = (v >> 8) & 0xff;
  b[o + 1] = v & 0xff;
};
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

function ethernet(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  put16(f, 12, type);
  f.set(payload, 14);
  return f;
}

export interface OwnAddress {
  /** The device's MAC on the bridge (facts §4.3: its lowest-numbered LAN member's). */
  readonly mac: string;
  readonly ipv4: string;
}

/** Whether the bridge hands the frame to the device itself: to its MAC, or to a group address. */
export function toDevice(frame: Uint8Array, own: OwnAddress): boolean {
  return frame.length >= 14 && ((frame[0] & 1) === 1 || sameBytes(frame.subarray(0, 6), parseMac(own.mac)));
}

/** The device's answers to a frame on the bridge (none for anything but ARP and echo to its address). */
export function deviceReplies(frame: Uint8Array, own: OwnAddress): Uint8Array[] {
  if (!toDevice(frame, own)) return [];
  const mac = parseMac(own.mac);
  const ip = Uint8Array.from(own.ipv4.split('.').map(Number));
  const type = u16(frame, 12);
  const body = frame.subarray(14);
  if (type === 0x0806) {
    // RFC 826: Ethernet/IPv4 request (op 1) whose target protocol address is ours
    if (body.length < 28 || u16(body, 0) !== 1 || u16(body, 2) !== 0x0800 || body[4] !== 6 || body[5] !== 4 || u16(body, 6) !== 1) return [];
    if (!sameBytes(body.subarray(24, 28), ip)) return [];
    const r = new Uint8Array(28);
    r.set(body.subarray(0, 6), 0);
    put16(r, 6, 2);
    r.set(mac, 8);
    r.set(ip, 14);
    r.set(body.subarray(8, 18), 18);
    return [ethernet(frame.subarray(6, 12), mac, 0x0806, r)];
  }
  if (type === 0x0800 && sameBytes(frame.subarray(0, 6), mac)) {
    // RFC 792: echo request (type 8) to our address, unfragmented; the reply swaps the addresses
    if (body.length < 28 || body[0] >> 4 !== 4 || body[9] !== 1 || !sameBytes(body.subarray(16, 20), ip)) return [];
    const ihl = (body[0] & 15) * 4;
    const total = u16(body, 2);
    if (ihl < 20 || total > body.length || total < ihl + 8 || (u16(body, 6) & 0x3fff) !== 0) return [];
    const echo = body.subarray(ihl, total);
    if (echo[0] !== 8 || echo[1] !== 0) return [];
    const reply = new Uint8Array(20 + echo.length);
    reply[0] = 0x45;
    put16(reply, 2, reply.length);
    if (RESPONDER_REPLY_ASSUMPTIONS.ipv4IdFromRequest) put16(reply, 4, u16(body, 4));
    reply[8] = RESPONDER_REPLY_ASSUMPTIONS.ipv4Ttl;
    reply[9] = 1;
    reply.set(ip, 12);
    reply.set(body.subarray(12, 16), 16);
    put16(reply, 10, internetChecksum(reply.subarray(0, 20)));
    const e = reply.subarray(20);
    e.set(echo);
    e[0] = 0;
    put16(e, 2, 0);
    put16(e, 2, internetChecksum(e));
    return [ethernet(frame.subarray(6, 12), mac, 0x0800, reply)];
  }
  return [];
}

/** The device's MAC as its ARP reply for `ipv4` names it (the harness learns it there: a device-chosen value). */
export function macFromArpReply(frame: Uint8Array, ipv4: string): string | undefined {
  if (frame.length < 42 || u16(frame, 12) !== 0x0806 || u16(frame, 20) !== 2) return undefined;
  if ([...frame.subarray(28, 32)].join('.') !== ipv4) return undefined;
  return [...frame.subarray(22, 28)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

// IPv6 Neighbor Discovery (RFC 4861) as far as a userspace tunnel endpoint on an Ethernet WAN needs
// it: solicit the next hop's link-layer address, answer solicitations for its own address, and
// keep a small neighbour cache with a bounded queue of packets waiting for resolution. This
// machine's kernel has no ip6tnl/sit, so the IPIP and MAP-E ends are userspace and must do ND
// themselves. Pure: time comes in as `now` (ms).
import { internetChecksum } from '../capture/ip.ts';
import { ipv6Bytes } from './map-e-rule.ts';

export const ETHERTYPE_IPV6 = 0x86dd;
const ICMPV6 = 58;
const NS = 135;
const NA = 136;

/** RFC 4861 §10 constants the cache follows. */
export const ND_CONSTANTS = {
  /** RETRANS_TIMER: ms between solicitations. */
  retransTimerMs: 1000,
  /** MAX_MULTICAST_SOLICIT. */
  maxMulticastSolicit: 3,
  /** REACHABLE_TIME (base); we keep an entry this long without reconfirming (no NUD probes). */
  reachableTimeMs: 30_000,
} as const;

/** Packets queued per unresolved neighbour (RFC 4861 §7.2.2 asks for a small queue; 3 like Linux's default unres_qlen_bytes-ish). */
export const PENDING_LIMIT = 3;

export function macBytes(s: string): Uint8Array {
  const p = s.split(':');
  if (p.length !== 6 || p.some((x) => !/^[0-9a-fA-F]{2}$/.test(x))) throw new Error(`"${s}" is not a MAC address`);
  return Uint8Array.from(p.map((x) => parseInt(x, 16)));
}

/** ff02::1:ffXX:XXXX for a target (RFC 4291 §2.7.1). */
export function solicitedNodeAddress(target: Uint8Array): Uint8Array {
  const a = ipv6Bytes('ff02::1:ff00:0');
  a.set(target.subarray(13, 16), 13);
  return a;
}

/** 33:33 + the low 32 bits of an IPv6 multicast address (RFC 2464 §7). */
export function multicastMac(group: Uint8Array): Uint8Array {
  return Uint8Array.of(0x33, 0x33, group[12], group[13], group[14], group[15]);
}

export function ethernetFrame(dst: Uint8Array, src: Uint8Array, type: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(14 + payload.length);
  f.set(dst, 0);
  f.set(src, 6);
  f[12] = type >> 8;
  f[13] = type & 0xff;
  f.set(payload, 14);
  return f;
}

/** An IPv6 packet carrying one ICMPv6 message, checksum filled (RFC 4443 §2.3). */
export function icmpv6Packet(src: Uint8Array, dst: Uint8Array, hopLimit: number, icmp: Uint8Array): Uint8Array {
  const p = new Uint8Array(40 + icmp.length);
  p[0] = 0x60;
  p[4] = icmp.length >> 8;
  p[5] = icmp.length & 0xff;
  p[6] = ICMPV6;
  p[7] = hopLimit;
  p.set(src, 8);
  p.set(dst, 24);
  p.set(icmp, 40);
  const pseudo = new Uint8Array(40);
  pseudo.set(src, 0);
  pseudo.set(dst, 16);
  pseudo[34] = icmp.length >> 8;
  pseudo[35] = icmp.length & 0xff;
  pseudo[39] = ICMPV6;
  const c = internetChecksum(pseudo, p.subarray(40));
  p[42] = c >> 8;
  p[43] = c & 0xff;
  return p;
}

/** A multicast Neighbor Solicitation for `target` from `src`/`mac` (RFC 4861 §4.3, §7.2.2). */
export function neighborSolicitation(mac: Uint8Array, src: Uint8Array, target: Uint8Array): Uint8Array {
  const ns = new Uint8Array(32);
  ns[0] = NS;
  ns.set(target, 8);
  ns[24] = 1; // source link-layer address option
  ns[25] = 1;
  ns.set(mac, 26);
  const group = solicitedNodeAddress(target);
  return ethernetFrame(multicastMac(group), mac, ETHERTYPE_IPV6, icmpv6Packet(src, group, 255, ns));
}

/** A solicited Neighbor Advertisement answering `toMac`/`to` for our `target` (RFC 4861 §7.2.4). */
export function neighborAdvertisement(mac: Uint8Array, target: Uint8Array, toMac: Uint8Array, to: Uint8Array): Uint8Array {
  const na = new Uint8Array(32);
  na[0] = NA;
  na[4] = 0x60; // solicited, override
  na.set(target, 8);
  na[24] = 2; // target link-layer address option
  na[25] = 1;
  na.set(mac, 26);
  return ethernetFrame(toMac, mac, ETHERTYPE_IPV6, icmpv6Packet(target, to, 255, na));
}

/** What an ND message in a frame says, when it is one (hop limit 255 and checksum checked). */
export type NdMessage =
  | { kind: 'solicitation'; src: Uint8Array; srcMac: Uint8Array; target: Uint8Array }
  | { kind: 'advertisement'; target: Uint8Array; mac: Uint8Array };

export function readNd(frame: Uint8Array): NdMessage | undefined {
  if (frame.length < 14 + 40 + 24 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_IPV6) return undefined;
  const ip = frame.subarray(14);
  if (ip[0] >> 4 !== 6 || ip[6] !== ICMPV6 || ip[7] !== 255) return undefined; // RFC 4861 §7.1.1: hop limit 255
  const len = (ip[4] << 8) | ip[5];
  if (40 + len > ip.length || len < 24) return undefined;
  const icmp = ip.subarray(40, 40 + len);
  const pseudo = new Uint8Array(40);
  pseudo.set(ip.subarray(8, 40), 0);
  pseudo[34] = len >> 8;
  pseudo[35] = len & 0xff;
  pseudo[39] = ICMPV6;
  if (internetChecksum(pseudo, icmp) !== 0) return undefined;
  const target = icmp.slice(8, 24);
  const option = (type: number): Uint8Array | undefined => {
    for (let o = 24; o + 8 <= icmp.length;) {
      const olen = icmp[o + 1] * 8;
      if (olen === 0) return undefined;
      if (icmp[o] === type) return icmp.slice(o + 2, o + 8);
      o += olen;
    }
    return undefined;
  };
  if (icmp[0] === NS) return { kind: 'solicitation', src: ip.slice(8, 24), srcMac: option(1) ?? frame.slice(6, 12), target };
  if (icmp[0] === NA) {
    const mac = option(2) ?? frame.slice(6, 12);
    return { kind: 'advertisement', target, mac };
  }
  return undefined;
}

interface CacheEntry {
  mac?: Uint8Array;
  confirmedAt: number;
  solicits: number;
  lastSolicitAt: number;
  pending: Uint8Array[];
}

/**
 * The neighbour cache of one interface. `resolve` gives the MAC, or queues the packet and says
 * whether a solicitation is due; `advertised` fills the entry and hands back what was waiting.
 */
export class NeighborCache {
  private readonly entries = new Map<string, CacheEntry>();

  resolve(next: Uint8Array, packet: Uint8Array, now: number): { mac: Uint8Array } | { solicit: boolean } {
    const key = keyOf(next);
    const e = this.entries.get(key);
    if (e?.mac && now - e.confirmedAt < ND_CONSTANTS.reachableTimeMs) return { mac: e.mac };
    const entry = e ?? { confirmedAt: -Infinity, solicits: 0, lastSolicitAt: -Infinity, pending: [] };
    entry.mac = undefined;
    if (entry.pending.length >= PENDING_LIMIT) entry.pending.shift(); // oldest dropped (RFC 4861 §7.2.2)
    entry.pending.push(packet);
    this.entries.set(key, entry);
    return { solicit: this.solicitDue(entry, now) };
  }

  /** On a timer tick: whether to solicit `next` again; false once MAX_MULTICAST_SOLICIT is spent (the queue is dropped). */
  retry(next: Uint8Array, now: number): boolean {
    const e = this.entries.get(keyOf(next));
    if (!e || e.mac || e.pending.length === 0) return false;
    if (e.solicits >= ND_CONSTANTS.maxMulticastSolicit && now - e.lastSolicitAt >= ND_CONSTANTS.retransTimerMs) {
      // unreachable: the queue goes; the next packet starts a new resolution (RFC 4861 §7.3.3)
      e.pending = [];
      e.solicits = 0;
      e.lastSolicitAt = -Infinity;
      return false;
    }
    return this.solicitDue(e, now);
  }

  /** Whether `next` has a link-layer address that is still reachable at `now`. */
  known(next: Uint8Array, now: number): boolean {
    const e = this.entries.get(keyOf(next));
    return e?.mac !== undefined && now - e.confirmedAt < ND_CONSTANTS.reachableTimeMs;
  }

  advertised(target: Uint8Array, mac: Uint8Array, now: number): Uint8Array[] {
    const key = keyOf(target);
    const e = this.entries.get(key) ?? { confirmedAt: now, solicits: 0, lastSolicitAt: -Infinity, pending: [] };
    e.mac = Uint8Array.from(mac);
    e.confirmedAt = now;
    e.solicits = 0;
    const waiting = e.pending;
    e.pending = [];
    this.entries.set(key, e);
    return waiting;
  }

  private solicitDue(e: CacheEntry, now: number): boolean {
    if (e.solicits >= ND_CONSTANTS.maxMulticastSolicit || now - e.lastSolicitAt < ND_CONSTANTS.retransTimerMs) return false;
    e.solicits++;
    e.lastSolicitAt = now;
    return true;
  }
}

/** The unspecified address `::` (a solicitation from it, during address autoconfiguration, teaches nothing: RFC 4861 §7.2.3). */
export function isUnspecified(a: Uint8Array): boolean {
  return a.every((x) => x === 0);
}

function keyOf(a: Uint8Array): string {
  return Array.from(a, (x) => x.toString(16).padStart(2, '0')).join('');
}

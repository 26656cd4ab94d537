// The ISP side of an IPv6-only access service as a lab process (issue 19): a MAP-E Border Relay that
// also ends the fixed-address IPIP tunnels (reference-impl/underlay/border-relay.ts decides, this
// file does the frames), on the lab's "internet" bridge in the lab namespace, through libpcap (the
// harness's `pcap` binding, drivers/capture/pcap-binding.ts, in immediate mode). This
// kernel has no ip6tnl, so the ISP gateway is userspace too. The relay has its own MAC and IPv6
// address, neither on the bridge device: the lab namespace's kernel drops frames for another MAC,
// so it neither forwards the tunnels' packets nor answers them. It answers Neighbor Solicitations
// for its address and resolves the tunnel ends it forwards to (RFC 4861), bounded by the cache's
// retry limit. With `--uplink` it is also the customers' door to the native IPv4 internet (RFC 7597
// §8.3; border-relay.ts fromUplink): a second pcap session on that interface takes IPv4 frames for
// `--uplink-mac` to the relay, sends what the relay forwards natively to `--uplink-next-hop-mac`
// (a fixed next hop, no routing table), and answers ARP for `--uplink-address`. What leaves there is
// cut to `--uplink-mtu` (default 1500, assumption relay-uplink-mtu) by RFC 791 fragmentation:
// libpcap would fail silently on a frame beyond the interface's MTU.
// Run: `node --import tsx drivers/lab/relay-process.ts --if BRIDGE --mac MAC --config JSON
// [--lab PREFIX] [--uplink IF --uplink-mac MAC --uplink-next-hop-mac MAC --uplink-address IPV4 [--uplink-mtu N]]`
// (the lab's name on the command line, so a check by name finds a leftover); prints one
// `{"ready":...}` line, then one line per dropped packet's reason (rate-limited), until SIGTERM.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BorderRelay, ETHERTYPE_IPV6, ethernetFrame, IPV4_MIN_MTU, ipv4Bytes, ipv6Bytes, isUnspecified, macBytes, NeighborCache, neighborAdvertisement, neighborSolicitation, readNd,
  type BorderRelayConfig, type RelayResult,
} from '../../reference-impl/underlay/index.ts';
import { loadPcap, packetHeader, type PcapSession } from '../capture/pcap-binding.ts';
import { checkIfName } from '../hosts/netns.ts';

export const RELAY_PROCESS_FILE = fileURLToPath(import.meta.url);

const TICK_MS = 1000;
/** The kernel's capture buffer on the bridge. */
const CAPTURE_BUFFER_BYTES = 4 * 1024 * 1024;
/** The wire's minimum Ethernet frame without FCS: shorter frames are zero-padded. */
const MIN_FRAME = 60;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_ARP = 0x0806;
/** Exit statuses of this process (the CLI's meanings, cli/exit-codes.ts): usage error, lab error. */
const EXIT_USAGE = 2;
const EXIT_LAB = 3;

/** The native IPv4 side: frames for `mac` on `ifname` come in, what leaves goes to `nextHopMac`. */
export interface RelayUplink {
  readonly ifname: string;
  readonly mac: string;
  readonly nextHopMac: string;
  readonly address: string;
  /** IPv4 MTU of `ifname`; BorderRelay's default (assumption relay-uplink-mtu) when absent. */
  readonly mtu?: number;
}

export function runRelay(o: { ifname: string; mac: string; config: BorderRelayConfig; uplink?: RelayUplink; log: (line: string) => void }): { close(): void } {
  // the flags own the uplink: a relay told where to send native IPv4 has one, no other does
  const relay = new BorderRelay({ ...o.config, uplink: o.uplink ? { address: o.uplink.address, mtu: o.uplink.mtu } : undefined });
  const mac = macBytes(o.mac);
  const self = ipv6Bytes(o.config.address, 'relay address');
  const cache = new NeighborCache();
  const unresolved = new Map<string, Uint8Array>();
  const pcap = loadPcap();
  // immediate mode (buffer_timeout 0); promiscuous: the relay's MAC is not the bridge device's
  const session = pcap.createSession(o.ifname, { filter: 'ip6', buffer_size: CAPTURE_BUFFER_BYTES, buffer_timeout: 0, promiscuous: true });
  const send = (f: Uint8Array) => inject(session, f);
  let drops = 0;
  const dropped = (why: string) => {
    if (drops++ < 50) o.log(`dropped: ${why}`);
  };
  let uplink: { session: PcapSession; send(packet: Uint8Array): void } | undefined;
  const deliver = (r: RelayResult, now: number) => {
    if (r.kind === 'held') return;
    if (r.kind === 'dropped') return dropped(r.why);
    if (r.kind === 'uplink') {
      if (uplink) for (const p of r.packets) uplink.send(p);
      else dropped('native IPv4 packet with no uplink to send it on');
      return;
    }
    const to = ipv6Bytes(r.to);
    for (const p of r.packets) {
      const hop = cache.resolve(to, p, now);
      if ('mac' in hop) send(ethernetFrame(hop.mac, mac, ETHERTYPE_IPV6, p));
      else {
        unresolved.set(keyOf(to), to);
        if (hop.solicit) send(neighborSolicitation(mac, self, to));
      }
    }
  };
  if (o.uplink) uplink = openUplink(pcap, o.uplink, (r) => deliver(r, Date.now()), relay);
  session.on('packet', (p) => {
    const frame = Uint8Array.from(p.buf.subarray(0, Math.min(packetHeader(p.header).caplen, p.buf.length)));
    const now = Date.now();
    const nd = readNd(frame);
    if (nd?.kind === 'solicitation') {
      if (!equal(nd.target, self)) return;
      send(neighborAdvertisement(mac, self, nd.srcMac, nd.src));
      // the solicitor is learned (RFC 4861 §7.2.3): a tunnel end that resolved us is reachable at once
      if (isUnspecified(nd.src)) return;
      for (const p of cache.advertised(nd.src, nd.srcMac, now)) send(ethernetFrame(nd.srcMac, mac, ETHERTYPE_IPV6, p));
      unresolved.delete(keyOf(nd.src));
      return;
    }
    if (nd?.kind === 'advertisement') {
      for (const p of cache.advertised(nd.target, nd.mac, now)) send(ethernetFrame(nd.mac, mac, ETHERTYPE_IPV6, p));
      unresolved.delete(keyOf(nd.target));
      return;
    }
    if (frame.length < 14 + 40 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_IPV6 || !equal(frame.subarray(0, 6), mac)) return;
    deliver(relay.relay(frame.subarray(14), now), now);
  });
  const timer = setInterval(() => {
    for (const [k, to] of unresolved) {
      if (cache.retry(to, Date.now())) send(neighborSolicitation(mac, self, to));
      else unresolved.delete(k);
    }
  }, TICK_MS);
  // close() only asks libpcap to stop: the handle goes when the process exits (pcap-binding.ts),
  // which the entry below does right after closing
  return { close: () => (clearInterval(timer), session.close(), uplink?.session.close()) };
}

/**
 * The uplink's pcap session: IPv4 frames addressed to the relay's uplink MAC go to
 * relay.fromUplink, ARP requests for its address are answered (the harness also sets a static
 * neighbour; this keeps a plain host working), and native packets leave to the fixed next hop.
 */
function openUplink(pcap: ReturnType<typeof loadPcap>, u: RelayUplink, deliver: (r: RelayResult) => void, relay: BorderRelay): { session: PcapSession; send(packet: Uint8Array): void } {
  const mac = macBytes(u.mac);
  const nextHop = macBytes(u.nextHopMac);
  const address = ipv4Bytes(u.address);
  const session = pcap.createSession(u.ifname, { filter: 'ip or arp', buffer_size: CAPTURE_BUFFER_BYTES, buffer_timeout: 0, promiscuous: true });
  session.on('packet', (p) => {
    const frame = Uint8Array.from(p.buf.subarray(0, Math.min(packetHeader(p.header).caplen, p.buf.length)));
    if (frame.length < 14) return;
    const type = (frame[12] << 8) | frame[13];
    if (type === ETHERTYPE_ARP) {
      const reply = arpReply(frame, mac, address);
      if (reply) inject(session, reply);
      return;
    }
    if (type !== ETHERTYPE_IPV4 || !equal(frame.subarray(0, 6), mac)) return;
    deliver(relay.fromUplink(frame.subarray(14), Date.now()));
  });
  return { session, send: (packet) => inject(session, ethernetFrame(nextHop, mac, ETHERTYPE_IPV4, packet)) };
}

/** RFC 826: the reply to an Ethernet/IPv4 ARP request for `address`, or undefined for any other frame. */
export function arpReply(frame: Uint8Array, mac: Uint8Array, address: Uint8Array): Uint8Array | undefined {
  const a = frame.subarray(14);
  // htype 1 (Ethernet), ptype IPv4, hlen 6, plen 4, op 1 (request), target protocol address ours
  if (a.length < 28 || a[0] !== 0 || a[1] !== 1 || ((a[2] << 8) | a[3]) !== ETHERTYPE_IPV4 || a[4] !== 6 || a[5] !== 4 || a[6] !== 0 || a[7] !== 1) return undefined;
  if (!equal(a.subarray(24, 28), address)) return undefined;
  const reply = new Uint8Array(28);
  reply.set([0, 1, ETHERTYPE_IPV4 >> 8, ETHERTYPE_IPV4 & 0xff, 6, 4, 0, 2]);
  reply.set(mac, 8);
  reply.set(address, 14);
  reply.set(a.subarray(8, 14), 18); // the asker's hardware address
  reply.set(a.subarray(14, 18), 24); // and protocol address
  return ethernetFrame(a.subarray(8, 14), mac, ETHERTYPE_ARP, reply);
}

/** Sends one frame, zero-padded to the wire's minimum. */
function inject(session: PcapSession, f: Uint8Array): void {
  const b = Buffer.alloc(Math.max(MIN_FRAME, f.length));
  b.set(f);
  try {
    session.inject(b);
  } catch {
    /* a full queue (or a frame beyond the interface's MTU) loses the frame, as a wire would */
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function keyOf(a: Uint8Array): string {
  return Buffer.from(a).toString('hex');
}

export interface RelayArgs {
  ifname: string;
  mac: string;
  config: BorderRelayConfig;
  uplink?: RelayUplink;
}

const UPLINK_FLAGS = ['uplink', 'uplink-mac', 'uplink-next-hop-mac', 'uplink-address'] as const;

/** The command line, checked: a usage error names the flag. */
export function parseRelayArgs(argv: readonly string[]): { ok: true; value: RelayArgs } | { ok: false; error: string } {
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...argv],
      options: { if: { type: 'string' }, mac: { type: 'string' }, config: { type: 'string' }, lab: { type: 'string' }, ...Object.fromEntries([...UPLINK_FLAGS, 'uplink-mtu'].map((f) => [f, { type: 'string' as const }])) },
    }).values as Record<string, string | undefined>;
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
  for (const f of ['if', 'mac', 'config'] as const) if (!values[f]) return { ok: false, error: `--${f} is required (--if BRIDGE --mac MAC --config JSON)` };
  const given = UPLINK_FLAGS.filter((f) => values[f] !== undefined);
  if (values['uplink-mtu'] !== undefined && !given.length) return { ok: false, error: '--uplink-mtu needs --uplink (and its --uplink-mac, --uplink-next-hop-mac, --uplink-address)' };
  if (given.length && given.length < UPLINK_FLAGS.length) {
    const missing = UPLINK_FLAGS.filter((f) => values[f] === undefined).map((f) => `--${f}`);
    return { ok: false, error: `${missing.join(', ')} missing: --uplink, --uplink-mac, --uplink-next-hop-mac and --uplink-address go together` };
  }
  const check = (flag: string, f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return `--${flag}: ${(e as Error).message}`;
    }
  };
  let config: BorderRelayConfig | undefined;
  const bad =
    check('if', () => checkIfName(values.if!)) ??
    check('mac', () => macBytes(values.mac!)) ??
    check('config', () => (config = JSON.parse(values.config!) as BorderRelayConfig)) ??
    (given.length
      ? (check('uplink', () => checkIfName(values.uplink!)) ??
        check('uplink-mac', () => macBytes(values['uplink-mac']!)) ??
        check('uplink-next-hop-mac', () => macBytes(values['uplink-next-hop-mac']!)) ??
        check('uplink-address', () => ipv4Bytes(values['uplink-address']!)) ??
        check('uplink-mtu', () => values['uplink-mtu'] === undefined || uplinkMtu(values['uplink-mtu'])))
      : undefined);
  if (bad) return { ok: false, error: bad };
  const mtu = values['uplink-mtu'] === undefined ? {} : { mtu: uplinkMtu(values['uplink-mtu']) };
  const uplink = given.length ? { ifname: values.uplink!, mac: values['uplink-mac']!, nextHopMac: values['uplink-next-hop-mac']!, address: values['uplink-address']!, ...mtu } : undefined;
  return { ok: true, value: { ifname: values.if!, mac: values.mac!, config: config!, uplink } };
}

/** An IPv4 MTU from the command line: RFC 791 §3.2's 68 up to 65535. */
function uplinkMtu(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < IPV4_MIN_MTU || n > 0xffff) throw new Error(`"${text}" is not an IPv4 MTU (an integer from ${IPV4_MIN_MTU} to 65535)`);
  return n;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseRelayArgs(process.argv.slice(2));
  if (!args.ok) {
    console.error(`relay-process: ${args.error}`);
    process.exit(EXIT_USAGE);
  }
  const a = args.value;
  try {
    const r = runRelay({ ifname: a.ifname, mac: a.mac, config: a.config, uplink: a.uplink, log: (l) => console.log(l) });
    const uplink = a.uplink ? { uplink: { if: a.uplink.ifname, address: a.uplink.address } } : {};
    console.log(JSON.stringify({ ready: { relay: a.config.address, mac: a.mac, if: a.ifname, ...uplink } }));
    process.on('SIGTERM', () => (r.close(), process.exit(0)));
    process.on('SIGINT', () => (r.close(), process.exit(0)));
  } catch (e) {
    console.error(`relay-process: ${(e as Error).message}`);
    process.exit(EXIT_LAB);
  }
}

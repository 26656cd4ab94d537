// The ISP side of an IPv6-only access service as a lab process (issue 19): a MAP-E Border Relay that
// also ends the fixed-address IPIP tunnels (reference-impl/underlay/border-relay.ts decides, this
// file does the frames), on the lab's "internet" bridge in the lab namespace, through libpcap (the
// harness's `pcap` binding, drivers/capture/pcap-binding.ts, in immediate mode). This
// kernel has no ip6tnl, so the ISP gateway is userspace too. The relay has its own MAC and IPv6
// address, neither on the bridge device: the lab namespace's kernel drops frames for another MAC,
// so it neither forwards the tunnels' packets nor answers them. It answers Neighbor Solicitations
// for its address and resolves the tunnel ends it forwards to (RFC 4861), bounded by the cache's
// retry limit. Run: `node --import tsx drivers/lab/relay-process.ts --if BRIDGE --mac MAC --config JSON
// [--lab PREFIX]` (the lab's name on the command line, so a check by name finds a leftover);
// prints one `{"ready":...}` line, then one line per dropped packet's reason (rate-limited), until SIGTERM.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BorderRelay, ETHERTYPE_IPV6, ethernetFrame, ipv6Bytes, macBytes, NeighborCache, neighborAdvertisement, neighborSolicitation, readNd,
  type BorderRelayConfig,
} from '../../reference-impl/underlay/index.ts';
import { loadPcap, packetHeader } from '../capture/pcap-binding.ts';

export const RELAY_PROCESS_FILE = fileURLToPath(import.meta.url);

const TICK_MS = 1000;
/** The kernel's capture buffer on the bridge. */
const CAPTURE_BUFFER_BYTES = 4 * 1024 * 1024;
/** The wire's minimum Ethernet frame without FCS: shorter frames are zero-padded. */
const MIN_FRAME = 60;

export function runRelay(o: { ifname: string; mac: string; config: BorderRelayConfig; log: (line: string) => void }): { close(): void } {
  const relay = new BorderRelay(o.config);
  const mac = macBytes(o.mac);
  const self = ipv6Bytes(o.config.address, 'relay address');
  const cache = new NeighborCache();
  const unresolved = new Map<string, Uint8Array>();
  // immediate mode (buffer_timeout 0); promiscuous: the relay's MAC is not the bridge device's
  const session = loadPcap().createSession(o.ifname, { filter: 'ip6', buffer_size: CAPTURE_BUFFER_BYTES, buffer_timeout: 0, promiscuous: true });
  const send = (f: Uint8Array) => {
    const b = Buffer.alloc(Math.max(MIN_FRAME, f.length));
    b.set(f);
    try {
      session.inject(b);
    } catch {
      /* a full queue loses the frame, as a wire would */
    }
  };
  let drops = 0;
  session.on('packet', (p) => {
    const frame = Uint8Array.from(p.buf.subarray(0, Math.min(packetHeader(p.header).caplen, p.buf.length)));
    const now = Date.now();
    const nd = readNd(frame);
    if (nd?.kind === 'solicitation') {
      if (equal(nd.target, self)) send(neighborAdvertisement(mac, self, nd.srcMac, nd.src));
      return;
    }
    if (nd?.kind === 'advertisement') {
      for (const p of cache.advertised(nd.target, nd.mac, now)) send(ethernetFrame(nd.mac, mac, ETHERTYPE_IPV6, p));
      unresolved.delete(keyOf(nd.target));
      return;
    }
    if (frame.length < 14 + 40 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE_IPV6 || !equal(frame.subarray(0, 6), mac)) return;
    const r = relay.relay(frame.subarray(14), now);
    if (r.kind === 'held') return;
    if (r.kind === 'dropped') {
      if (drops++ < 50) o.log(`dropped: ${r.why}`);
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
  });
  const timer = setInterval(() => {
    for (const [k, to] of unresolved) {
      if (cache.retry(to, Date.now())) send(neighborSolicitation(mac, self, to));
      else unresolved.delete(k);
    }
  }, TICK_MS);
  // close() only asks libpcap to stop: the handle goes when the process exits (pcap-binding.ts),
  // which the entry below does right after closing
  return { close: () => (clearInterval(timer), session.close()) };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function keyOf(a: Uint8Array): string {
  return Buffer.from(a).toString('hex');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { if: { type: 'string' }, mac: { type: 'string' }, config: { type: 'string' }, lab: { type: 'string' } } });
  if (!values.if || !values.mac || !values.config) {
    console.error('relay-process: --if BRIDGE --mac MAC --config JSON are required');
    process.exit(2);
  }
  try {
    const config = JSON.parse(values.config) as BorderRelayConfig;
    const r = runRelay({ ifname: values.if, mac: values.mac, config, log: (l) => console.log(l) });
    console.log(JSON.stringify({ ready: { relay: config.address, mac: values.mac, if: values.if } }));
    process.on('SIGTERM', () => (r.close(), process.exit(0)));
    process.on('SIGINT', () => (r.close(), process.exit(0)));
  } catch (e) {
    console.error(`relay-process: ${(e as Error).message}`);
    process.exit(3);
  }
}

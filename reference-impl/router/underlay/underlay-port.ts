// The router's WAN side of an IPIP or MAP-E tunnel interface in namespace mode (issue 19): this
// kernel has no ip6tnl/sit/ipip, so the tunnel end is userspace — the pure TunnelWan
// (underlay/tunnel-wan.ts) on the Linux interface of the WAN, read and written with libpcap as
// ipsec/plain-esp-port.ts does for ESP. The tunnel's IPv6 address is held by this port alone (it
// answers Neighbor Solicitations itself): were it on the kernel interface, the kernel would answer
// each IPv6 packet with Next Header 4 with an ICMPv6 Parameter Problem. L2TPv3 datagrams in and
// out; a peer's replies go to the port its datagrams came from (RFC 3931 §4.1.2.2), which a MAP-E
// CE's port-set source port needs. The tunnel end sends with the router's own MAC for that port
// (`macFor`, not the kernel interface's): the kernel then drops what comes back as another host's
// frame, where with its own MAC it would answer an off-link MAP-E address with ICMPv6 Destination
// Unreachable (no route). Frames for that MAC still reach libpcap (AF_PACKET sees every frame).
import { networkInterfaces } from 'node:os';
import { portInSet, TunnelWan, type TunnelDatagram } from '../../underlay/index.ts';
import { PcapFramePort } from '../pcap-frame-port.ts';
import type { UnderlayPlan } from './underlay-plan.ts';
import { registerUnderlay, unregisterUnderlay, type UnderlayUdpPath } from './underlay-registry.ts';

/** The kernel's capture buffer for the tunnel's IPv6 frames. */
const TUNNEL_CAPTURE_BYTES = 4 * 1024 * 1024;
const L2TP_PORT = 1701;
/** Neighbor Solicitation retries while the far end is unresolved (RFC 4861 RetransTimer 1 s). */
const TICK_MS = 1000;
/**
 * At start the tunnel end resolves its far end before the router reports ready, soliciting this
 * often and at most this many times (real ms): a fresh libpcap handle loses its first frame
 * (pcap-frame-port.ts), so the first answer may never be seen, and a test's first message must not
 * wait a whole RetransTimer for the path. ASSUMPTION (emulator only): a real RTX resolves on demand;
 * a hardware run does not depend on it.
 */
const START_SOLICIT = { intervalMs: 100, count: 20 } as const;

export class UnderlayPort implements UnderlayUdpPath {
  private port?: PcapFramePort;
  private wan?: TunnelWan;
  private timer?: ReturnType<typeof setInterval>;
  private readonly peerPorts = new Map<string, number>();
  /** Other local UDP ports served through the tunnel (IKE 500, NAT-T 4500: underlay-registry.ts). */
  private readonly listeners = new Map<number, (from: { address: string; port: number }, bytes: Uint8Array) => void>();
  /** Called when a frame arrives while start() waits for the far end. */
  private onFrame?: () => void;
  ifname = '';

  /** `wanAddresses`: the router's `--wan` addresses; the port opens on the interface holding one of them. */
  constructor(
    readonly plan: UnderlayPlan,
    private readonly wanAddresses: readonly string[],
    private readonly now: () => number,
    /** The router's MAC for a Linux interface name (the RTX interface it stands for). */
    private readonly macFor: (ifname: string) => string,
  ) {}

  async start(onDatagram: (from: string, payload: Uint8Array) => void): Promise<void> {
    const found = Object.entries(networkInterfaces()).flatMap(([name, list]) => (list ?? []).filter((a) => this.wanAddresses.includes(a.address) && !a.internal).map(() => ({ name })));
    if (!found.length) throw new Error(`tunnel ${this.plan.tunnel} (${this.plan.kind}): no interface holds a --wan address (${this.wanAddresses.join(', ') || 'none given'})`);
    this.ifname = found[0].name;
    this.wan = new TunnelWan({ mac: this.macFor(this.ifname), ipv6: this.plan.local6, remote: this.plan.remote6, ipv4: this.plan.ipv4, ...(this.plan.ce ? { portSet: this.plan.ce } : {}) });
    const owner = `tunnel ${this.plan.tunnel} (${this.plan.kind})`;
    this.port = PcapFramePort.open({ owner, ifname: this.ifname, filter: 'inbound and ip6', bufferBytes: TUNNEL_CAPTURE_BYTES }, (frame) => {
      const r = this.wan!.receive(frame, this.now());
      this.out(r.frames);
      this.onFrame?.();
      if (r.kind !== 'datagram') return;
      const other = this.listeners.get(r.datagram.dstPort);
      if (other && r.datagram.dstPort !== this.plan.sourcePort) return other({ address: r.datagram.src, port: r.datagram.srcPort }, r.datagram.payload);
      if (r.datagram.dstPort !== this.plan.sourcePort) return;
      this.peerPorts.set(r.datagram.src, r.datagram.srcPort);
      onDatagram(r.datagram.src, r.datagram.payload);
    });
    this.timer = setInterval(() => this.out(this.wan!.tick(this.now())), TICK_MS);
    this.timer.unref();
    registerUnderlay(this.wanAddresses, this);
    await this.resolveFarEnd();
  }

  /** Solicits the far end until it answers (bounded by START_SOLICIT); unresolved, the RetransTimer goes on. */
  private async resolveFarEnd(): Promise<void> {
    const wan = this.wan!;
    for (let i = 0; i < START_SOLICIT.count && !wan.nextHopKnown(this.now()); i++) {
      this.out(wan.solicitNextHop(this.now()));
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, START_SOLICIT.intervalMs);
        function done() {
          clearTimeout(t);
          resolve();
        }
        this.onFrame = () => {
          if (wan.nextHopKnown(this.now())) done();
        };
      });
      this.onFrame = undefined;
    }
  }

  get innerAddress(): string {
    return this.plan.ipv4;
  }

  sendUdp(srcPort: number, to: { address: string; port: number }, bytes: Uint8Array): boolean {
    // MAP-E: a port outside the CE's set cannot be used (RFC 7597 §8.2); IKE's 500 and 4500 rarely are in it
    if (!this.wan || (this.plan.ce && !portInSet(srcPort, this.plan.ce))) return false;
    this.out(this.wan.send({ dst: to.address, srcPort, dstPort: to.port, payload: bytes }, this.now()));
    return true;
  }

  listen(port: number, fn: (from: { address: string; port: number }, bytes: Uint8Array) => void): void {
    this.listeners.set(port, fn);
  }

  unlisten(port: number): void {
    this.listeners.delete(port);
  }

  /** Whether L2TP to `to` goes through this tunnel (the config routes it here). */
  carries(to: string): boolean {
    return this.plan.peers.includes(to) || this.peerPorts.has(to);
  }

  /** The datagram as it leaves (for captures): our inner source, the peer's port. */
  datagramTo(to: string): Omit<TunnelDatagram, 'payload'> {
    return { src: this.plan.ipv4, dst: to, srcPort: this.plan.sourcePort, dstPort: this.peerPorts.get(to) ?? L2TP_PORT };
  }

  send(to: string, bytes: Uint8Array): void {
    if (!this.wan) return;
    const d = this.datagramTo(to);
    this.out(this.wan.send({ dst: d.dst, srcPort: d.srcPort, dstPort: d.dstPort, payload: bytes }, this.now()));
  }

  close(): void {
    unregisterUnderlay(this);
    this.listeners.clear();
    if (this.timer) clearInterval(this.timer);
    this.port?.close();
    this.port = undefined;
  }

  private out(frames: readonly Uint8Array[]): void {
    // a refused frame is lost, as on a wire: L2TP retransmits
    for (const f of frames) this.port?.send(f);
  }
}

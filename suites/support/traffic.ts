// Copied from tests/drivers/peer/helpers/ (kept there for the driver tests; suites own this copy).
// The far-site host of a pseudowire: a UDP socket exchanging raw Ethernet frames with the
// peer's PseudowirePort, and the ARP / ICMP frames the tests send through it.
import dgram from 'node:dgram';
import { buildEthernetFrame, buildIpPacket, internetChecksum, parseMac } from '../../reference-impl/capture/ip.ts';
import type { Endpoint } from '../../drivers/peer/conversation.ts';

export class TrafficHost {
  readonly frames: Uint8Array[] = [];
  private waiters: (() => void)[] = [];
  private to?: Endpoint;
  private constructor(private readonly sock: dgram.Socket) {
    sock.on('message', (m) => {
      this.frames.push(new Uint8Array(m));
      for (const w of this.waiters.splice(0)) w();
    });
  }
  static async open(): Promise<TrafficHost> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new TrafficHost(s);
  }
  get endpoint(): Endpoint {
    return { host: '127.0.0.1', port: this.sock.address().port };
  }
  connect(to: Endpoint): void {
    this.to = to;
  }
  send(frame: Uint8Array): void {
    if (this.to) this.sock.send(frame, this.to.port, this.to.host);
  }
  /** Waits (bounded, on each arriving frame) for a frame matching `pred`. */
  async next(pred: (f: Uint8Array) => boolean, ms: number, what: string): Promise<Uint8Array> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = this.frames.find(pred);
      if (hit) return hit;
      const left = end - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${ms} ms (${this.frames.length} frames seen)`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
  close(): void {
    this.sock.close();
  }
}

const ip4 = (s: string) => s.split('.').map(Number);

/** ARP who-has `targetIp` from `srcMac`/`srcIp`, broadcast (RFC 826). */
export function arpRequest(srcMac: string, srcIp: string, targetIp: string): Uint8Array {
  const arp = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...parseMac(srcMac), ...ip4(srcIp), 0, 0, 0, 0, 0, 0, ...ip4(targetIp)]);
  return buildEthernetFrame({ src: srcMac, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806, payload: arp });
}

/** An ARP reply (opcode 2) whose sender IP is `ip`. */
export const isArpReplyFrom = (ip: string) => (f: Uint8Array) =>
  f[12] === 0x08 && f[13] === 0x06 && f[21] === 2 && [...f.subarray(28, 32)].join('.') === ip;

export const ICMP_MARKER = 'peer-ping-payload';

/** ICMP echo request (RFC 792) to `dstMac`/`dst`. */
export function echoRequest(srcMac: string, dstMac: string, src: string, dst: string, id = 0x7e57): Uint8Array {
  const icmp = Uint8Array.from([8, 0, 0, 0, id >> 8, id & 0xff, 0, 1, ...new TextEncoder().encode(ICMP_MARKER)]);
  const sum = internetChecksum(icmp);
  icmp[2] = sum >> 8;
  icmp[3] = sum & 0xff;
  return buildEthernetFrame({ src: srcMac, dst: dstMac, etherType: 0x0800, payload: buildIpPacket({ src, dst, protocol: 1, payload: icmp }) });
}

/** An ICMP echo reply from `ip` carrying our marker. */
export const isEchoReplyFrom = (ip: string) => (f: Uint8Array) =>
  f[12] === 0x08 && f[13] === 0 && f[23] === 1 && f[34] === 0 && [...f.subarray(26, 30)].join('.') === ip && Buffer.from(f).includes(ICMP_MARKER);

export const macText = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

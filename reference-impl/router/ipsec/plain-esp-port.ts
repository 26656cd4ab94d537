// Plain ESP (IP protocol 50, RFC 4303 §3.1.1) for `router --esp-plain` in namespace mode: Node has
// no raw IP sockets (ipsec-facts.md "Node facts"), so ESP goes through the same libpcap frame path
// the LAN ports use (pcap-frame-port.ts), on the kernel interface that holds the router's WAN address.
// Out: an IPv4 header around the ESP packet, in an Ethernet frame to the next hop's MAC, which the
// namespace's kernel has already resolved (its ARP table; an unknown neighbour is asked for by a
// UDP datagram to the discard port, and that ESP packet is lost). In: ESP addressed to the WAN
// address. IPv4 only. The kernel itself has no ESP: a lab drops proto 50 in its INPUT chain so it
// does not answer with ICMP protocol-unreachable (pcap sees the packet before netfilter).
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { spawnSync } from 'node:child_process';
import { buildEthernetFrame, buildIpPacket, decodeIp, ETHERTYPE } from '../../capture/ip.ts';
import { IP_PROTOCOL_ESP } from '../../ipsec/esp/esp-transport.ts';
import { PcapFramePort } from '../pcap-frame-port.ts';

/** The kernel's capture buffer for the WAN's ESP. */
const ESP_CAPTURE_BYTES = 4 * 1024 * 1024;

export class PlainEspPort {
  private port?: PcapFramePort;
  private ifname = '';
  private mac = '';
  private readonly nextHop = new Map<string, string>();
  private readonly macs = new Map<string, string>();
  private ipId = 1;

  constructor(readonly wan: string) {}

  async start(onEsp: (from: string, esp: Uint8Array) => void): Promise<void> {
    const found = Object.entries(networkInterfaces()).flatMap(([name, list]) => (list ?? []).filter((a) => a.address === this.wan).map((a) => ({ name, mac: a.mac })));
    if (!found.length) throw new Error(`--esp-plain: no interface holds the WAN address ${this.wan}`);
    this.ifname = found[0].name;
    this.mac = found[0].mac;
    const filter = `inbound and ip proto ${IP_PROTOCOL_ESP} and dst host ${this.wan}`;
    this.port = PcapFramePort.open({ owner: '--esp-plain', ifname: this.ifname, filter, bufferBytes: ESP_CAPTURE_BYTES }, (frame) => {
      if (frame.length < 14 || ((frame[12] << 8) | frame[13]) !== ETHERTYPE.IPV4) return;
      const ip = decodeIp(frame.subarray(14));
      if (!ip.ok || ip.value.protocol !== IP_PROTOCOL_ESP || ip.value.laterFragment) return;
      onEsp(ip.value.src, Uint8Array.from(ip.value.payload));
    });
    await Promise.resolve();
  }

  /** One ESP packet to `to` (an IPv4 address); false when the next hop's MAC is not known yet. */
  send(to: string, esp: Uint8Array): boolean {
    if (!this.port?.open) return false;
    const hop = this.hopOf(to);
    const dst = this.neighbourMac(hop);
    if (!dst) {
      this.solicit(to);
      return false;
    }
    const packet = buildIpPacket({ src: this.wan, dst: to, protocol: IP_PROTOCOL_ESP, payload: esp, id: this.ipId++ & 0xffff });
    const frame = buildEthernetFrame({ src: this.mac, dst, etherType: ETHERTYPE.IPV4, payload: packet });
    return this.port.send(frame);
  }

  close(): void {
    this.port?.close();
    this.port = undefined;
  }

  /** The address whose MAC the frame goes to: the peer when on-link, else the kernel's gateway for it. */
  private hopOf(to: string): string {
    let hop = this.nextHop.get(to);
    if (hop === undefined) {
      const r = spawnSync('ip', ['-4', 'route', 'get', to], { encoding: 'utf8', timeout: 2000 });
      hop = /\bvia (\S+)/.exec(r.stdout ?? '')?.[1] ?? to;
      this.nextHop.set(to, hop);
    }
    return hop;
  }

  private neighbourMac(ip: string): string | undefined {
    const known = this.macs.get(ip);
    if (known) return known;
    let text = '';
    try {
      text = readFileSync('/proc/net/arp', 'utf8');
    } catch {
      return undefined;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // IP address, HW type, Flags (0x2 = complete), HW address, Mask, Device
      if (f[0] === ip && f[5] === this.ifname && (parseInt(f[2], 16) & 0x2) !== 0 && f[3] !== '00:00:00:00:00:00') {
        this.macs.set(ip, f[3]);
        return f[3];
      }
    }
    return undefined;
  }

  /** Makes the kernel resolve the neighbour: one datagram to the discard port (RFC 863). */
  private solicit(to: string): void {
    const s = dgram.createSocket('udp4');
    s.on('error', () => s.close());
    s.send(new Uint8Array(0), 9, to, () => s.close());
  }
}

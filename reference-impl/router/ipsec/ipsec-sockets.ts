// The emulated router's IKE and NAT-T sockets: UDP 500 and 4500 on each WAN address (RFC 3947
// §4, RFC 3948), the same binding and underlay mapping as the L2TP socket (l2tp-socket.ts), so a
// lab on loopback reaches a peer's config address at its socket address. The IKE oracle speaks in
// config addresses and in the ports 500/4500; this maps both ways. When the router's WAN is an
// IPIP / MAP-E tunnel interface (underlay/underlay-registry.ts), datagrams to the peers that
// tunnel carries go through it instead, IPv4 inside IPv6 (issue 19), from the router's IPv4
// address inside the tunnel; the peer's datagrams to 500 / 4500 come back the same way. Under
// MAP-E the tunnel's ports are two of the CE's port set standing for 500 and 4500 (assumption
// map-e-ike-ports, underlay/map-e-ike-ports.ts): the oracle still speaks of 500 / 4500, so its
// NAT-D hashes name the unmapped port and the peer sees a NAPT'd client (RFC 3947 §3.2).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { literalLookup } from '../literal-lookup.ts';
import type { UnderlayTarget } from '../l2tp-socket.ts';
import { mapEIkePorts } from '../../underlay/index.ts';
import { underlayFor, type UnderlayUdpPath } from '../underlay/underlay-registry.ts';

export const IKE_UDP_PORT = 500;
export const NAT_T_UDP_PORT = 4500;

export interface IpsecSocketOptions {
  bind: readonly string[];
  underlay: ReadonlyMap<string, UnderlayTarget>;
  /** Local ports (default 500 and 4500); other ports let a lab run two routers on one address. */
  ikePort?: number;
  natTPort?: number;
}

export interface Datagram {
  /** 500 or 4500 as the oracle knows the local port. */
  localPort: 500 | 4500;
  /** The sender as a config address (underlay reversed) and its real port. */
  from: { address: string; port: number };
  bytes: Uint8Array;
}

export class IpsecSockets {
  private readonly socks: { sock: dgram.Socket; v6: boolean; port: 500 | 4500 }[] = [];
  private readonly reverse = new Map<string, string>();
  private tunnel?: UnderlayUdpPath;
  /** The tunnel's local port for each oracle port (MAP-E: two ports of the set; else 500 / 4500). */
  private tunnelPorts = new Map<500 | 4500, number>();

  constructor(private readonly opts: IpsecSocketOptions) {
    for (const [cfg, t] of opts.underlay) this.reverse.set(t.host, cfg);
  }

  async open(onDatagram: (d: Datagram) => void): Promise<void> {
    for (const addr of this.opts.bind) {
      for (const port of [IKE_UDP_PORT, NAT_T_UDP_PORT] as const) {
        const real = port === IKE_UDP_PORT ? (this.opts.ikePort ?? IKE_UDP_PORT) : (this.opts.natTPort ?? NAT_T_UDP_PORT);
        const v6 = isIPv6(addr);
        const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6, lookup: literalLookup() });
        s.on('message', (m, r) => onDatagram({ localPort: port, from: { address: this.reverse.get(r.address) ?? r.address, port: r.port }, bytes: new Uint8Array(m.buffer, m.byteOffset, m.length) }));
        await new Promise<void>((resolve, reject) => {
          s.once('error', (e) => reject(new Error(`cannot bind ${port === IKE_UDP_PORT ? 'IKE' : 'NAT-T'} UDP ${addr}:${real}: ${e.message}`)));
          s.bind(real, addr, () => resolve());
        });
        s.on('error', () => {
          /* ICMP errors from an absent peer: IKE retransmission handles the loss */
        });
        this.socks.push({ sock: s, v6, port });
      }
    }
    this.tunnel = underlayFor(this.opts.bind);
    const ce = this.tunnel?.plan.ce;
    const mapped = ce ? mapEIkePorts(ce) : { ike: IKE_UDP_PORT, natT: NAT_T_UDP_PORT };
    this.tunnelPorts = new Map([[IKE_UDP_PORT, mapped.ike], [NAT_T_UDP_PORT, mapped.natT]]);
    for (const [port, wire] of this.tunnelPorts) this.tunnel?.listen(wire, (from, bytes) => onDatagram({ localPort: port, from, bytes }));
  }

  /** The tunnel's local port standing for the oracle's `localPort`. */
  private tunnelPort(localPort: 500 | 4500): number {
    return this.tunnelPorts.get(localPort) ?? localPort;
  }

  /** The IPIP / MAP-E tunnel carrying datagrams to `host`, if any. */
  private tunnelTo(host: string): UnderlayUdpPath | undefined {
    return this.tunnel?.carries(host) ? this.tunnel : undefined;
  }

  /** Where a config address and oracle port really go. */
  resolve(to: { address: string; port: number }): { host: string; port: number } {
    const t = this.opts.underlay.get(to.address);
    return { host: t?.host ?? to.address, port: to.port };
  }

  /** The config address a socket address stands for (the underlay reversed). */
  configAddress(host: string): string {
    return this.reverse.get(host) ?? host;
  }

  /** The socket address a config address stands for (the wire's address, for key logs). */
  wireAddress(config: string): string {
    return this.opts.underlay.get(config)?.host ?? config;
  }

  /** The first bound address and port of `localPort` of the family of `host`. */
  localOf(localPort: 500 | 4500, host: string): { host: string; port: number } | undefined {
    const t = this.tunnelTo(host);
    if (t) return { host: t.innerAddress, port: this.tunnelPort(localPort) };
    const s = this.socks.find((x) => x.port === localPort && x.v6 === isIPv6(host));
    if (!s) return undefined;
    const a = s.sock.address();
    return { host: a.address, port: a.port };
  }

  send(localPort: 500 | 4500, to: { address: string; port: number }, bytes: Uint8Array): { host: string; port: number } | undefined {
    const dst = this.resolve(to);
    const t = this.tunnelTo(dst.host);
    if (t) return t.sendUdp(this.tunnelPort(localPort), { address: dst.host, port: dst.port }, bytes) ? dst : undefined;
    const s = this.socks.find((x) => x.port === localPort && x.v6 === isIPv6(dst.host));
    if (!s) return undefined;
    s.sock.send(bytes, dst.port, dst.host);
    return dst;
  }

  close(): void {
    for (const wire of this.tunnelPorts.values()) this.tunnel?.unlisten(wire);
    this.tunnel = undefined;
    this.tunnelPorts = new Map();
    for (const s of this.socks) s.sock.close();
    this.socks.length = 0;
  }
}

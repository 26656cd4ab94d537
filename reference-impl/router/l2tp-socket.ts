// L2TPv3 over real UDP (facts §6: UDP only, port 1701, IPv4 and IPv6). The oracle speaks in the
// config's addresses; an optional underlay map lets a lab put those addresses on loopback
// (`198.51.100.2=127.0.0.2`), so the seed's configs run unchanged without root.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { literalLookup } from './literal-lookup.ts';

/** RTX listens on UDP 1701 and it cannot be changed (facts §6); other ports are for unprivileged labs. */
export const L2TP_UDP_PORT = 1701;

export interface UnderlayTarget {
  host: string;
  port?: number;
}

/** `CONFIG_ADDR=SOCKET_ADDR[:PORT]` (IPv6 socket address in brackets when a port follows). */
export function parseUnderlay(text: string): [string, UnderlayTarget] {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--underlay '${text}': expected CONFIG_ADDRESS=SOCKET_ADDRESS[:PORT]`);
  const key = text.slice(0, eq);
  const v = text.slice(eq + 1);
  const b = /^\[([^\]]+)\](?::(\d+))?$/.exec(v);
  if (b) return [key, { host: b[1], port: b[2] ? Number(b[2]) : undefined }];
  const m = /^([^:]+):(\d+)$/.exec(v);
  if (m) return [key, { host: m[1], port: Number(m[2]) }];
  if (!v) throw new Error(`--underlay '${text}': empty socket address`);
  return [key, { host: v }];
}

export interface L2tpSocketOptions {
  /** Addresses to bind (one socket each). */
  bind: readonly string[];
  port: number;
  underlay: ReadonlyMap<string, UnderlayTarget>;
}

export class L2tpSocket {
  private readonly socks: dgram.Socket[] = [];
  /** Per socket: bound to IPv6? (kept at bind: socket.address() is a syscall, too dear per frame) */
  private readonly v6: boolean[] = [];
  /** config address -> where its datagrams go, resolved once (the data plane sends per frame) */
  private readonly routes = new Map<string, { sock: dgram.Socket; host: string; port: number }>();
  private readonly reverse = new Map<string, string>();

  constructor(private readonly opts: L2tpSocketOptions) {
    for (const [cfg, t] of opts.underlay) this.reverse.set(t.host, cfg);
  }

  /** Bound addresses and ports, for the `ready` line. */
  addresses(): { address: string; port: number }[] {
    return this.socks.map((s) => s.address()).map((a) => ({ address: a.address, port: a.port }));
  }

  async open(onPacket: (from: string, bytes: Uint8Array) => void): Promise<void> {
    for (const addr of this.opts.bind) {
      const s = dgram.createSocket({ type: isIPv6(addr) ? 'udp6' : 'udp4', ipv6Only: isIPv6(addr), lookup: literalLookup() });
      s.on('message', (m, rinfo) => onPacket(this.reverse.get(rinfo.address) ?? rinfo.address, new Uint8Array(m.buffer, m.byteOffset, m.length)));
      await new Promise<void>((resolve, reject) => {
        s.once('error', (e) => reject(new Error(`cannot bind L2TP UDP ${addr}:${this.opts.port}: ${e.message}`)));
        s.bind(this.opts.port, addr, () => resolve());
      });
      s.on('error', () => {
        /* ICMP errors from an absent peer: the oracle's retransmission handles the loss */
      });
      this.socks.push(s);
      this.v6.push(isIPv6(addr));
    }
  }

  send(to: string, bytes: Uint8Array): void {
    let r = this.routes.get(to);
    if (!r) {
      const t = this.opts.underlay.get(to) ?? { host: to };
      const sock = this.socks[this.v6.indexOf(isIPv6(t.host))];
      if (!sock) return;
      if (this.routes.size >= 4096) this.routes.clear(); // bounded: replies to arbitrary senders
      r = { sock, host: t.host, port: t.port ?? this.opts.port };
      this.routes.set(to, r);
    }
    r.sock.send(bytes, r.port, r.host);
  }

  /** Where a config address really goes (for captures). */
  resolve(to: string): { host: string; port: number } {
    const t = this.opts.underlay.get(to) ?? { host: to };
    return { host: t.host, port: t.port ?? this.opts.port };
  }

  close(): void {
    for (const s of this.socks) s.close();
    this.socks.length = 0;
    this.v6.length = 0;
    this.routes.clear();
  }
}

// LAN ports of the emulated router, in two modes (issue 6):
// (a) unprivileged: a UDP socket carrying one raw Ethernet frame per datagram, the QEMU
//     `-netdev socket,udp=REMOTE,localaddr=LOCAL` / GNS3 UDP-link convention;
// (b) namespace mode: a Linux interface (e.g. a veth end) read and written with libpcap
//     capture and injection (pcap-frame-port.ts).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { literalLookup } from './literal-lookup.ts';
import { PcapFramePort } from './pcap-frame-port.ts';

export interface LanPort {
  readonly name: string;
  /** Where the port is, for the `ready` line and status views. */
  readonly describe: string;
  start(onFrame: (frame: Uint8Array) => void): Promise<void>;
  send(frame: Uint8Array): void;
  close(): void;
}

export type LanPortSpec =
  | { name: string; kind: 'udp'; localAddress: string; localPort: number; remoteHost: string; remotePort: number }
  | { name: string; kind: 'if'; ifname: string };

/**
 * `lan1=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT` (REMOTE_HOST may be `[v6]`), `lan1=if:IFNAME`. The
 * link's own end is loopback of the far end's family (a socket on ::1 cannot reach 127.0.0.1).
 */
export function parseLanSpec(text: string, localAddress?: string): LanPortSpec {
  const eq = text.indexOf('=');
  const name = text.slice(0, eq);
  if (eq < 0 || !/^lan\d+$/.test(name)) throw new Error(`--lan '${text}': expected lanN=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT or lanN=if:IFNAME`);
  const rest = text.slice(eq + 1);
  const ifm = /^if:([\w.@-]{1,15})$/.exec(rest);
  if (ifm) return { name, kind: 'if', ifname: ifm[1] };
  const u = /^udp:(\d+):(\[[^\]]+\]|[^:]+):(\d+)$/.exec(rest);
  if (!u) throw new Error(`--lan '${text}': expected udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT or if:IFNAME after '${name}='`);
  const port = (s: string, what: string) => {
    const n = Number(s);
    if (!(n >= 0 && n <= 65535)) throw new Error(`--lan '${text}': ${what} ${s} is not a UDP port`);
    return n;
  };
  const remoteHost = u[2].replace(/^\[|\]$/g, '');
  return { name, kind: 'udp', localAddress: localAddress ?? (remoteHost.includes(':') ? '::1' : '127.0.0.1'), localPort: port(u[1], 'local port'), remoteHost, remotePort: port(u[3], 'remote port') };
}

export class UdpLanPort implements LanPort {
  private sock?: dgram.Socket;
  constructor(readonly spec: Extract<LanPortSpec, { kind: 'udp' }>) {}
  get name(): string {
    return this.spec.name;
  }
  get describe(): string {
    const s = this.spec;
    return `udp:${s.localAddress}:${this.localPort}->${s.remoteHost}:${s.remotePort}`;
  }
  get localPort(): number {
    return this.sock?.address().port ?? this.spec.localPort;
  }

  async start(onFrame: (frame: Uint8Array) => void): Promise<void> {
    const s = dgram.createSocket({ type: isIPv6(this.spec.localAddress) ? 'udp6' : 'udp4', lookup: literalLookup() });
    this.sock = s;
    s.on('message', (m) => onFrame(new Uint8Array(m.buffer, m.byteOffset, m.length)));
    await new Promise<void>((resolve, reject) => {
      s.once('error', (e) => reject(new Error(`${this.spec.name}: cannot bind UDP ${this.spec.localAddress}:${this.spec.localPort}: ${e.message}`)));
      s.bind(this.spec.localPort, this.spec.localAddress, () => resolve());
    });
    s.on('error', () => {
      /* ICMP unreachable from an absent far end: the frame is lost, as on a cable */
    });
  }

  send(frame: Uint8Array): void {
    this.sock?.send(frame, this.spec.remotePort, this.spec.remoteHost);
  }

  close(): void {
    this.sock?.close();
    this.sock = undefined;
  }
}

/** Namespace mode's capture: 'inbound' keeps our own injected frames out of our capture. */
export const LAN_CAPTURE = { filter: 'inbound', bufferBytes: 10 * 1024 * 1024 } as const;

export class PcapLanPort implements LanPort {
  private port?: PcapFramePort;
  constructor(readonly spec: Extract<LanPortSpec, { kind: 'if' }>) {}
  get name(): string {
    return this.spec.name;
  }
  get describe(): string {
    return `if:${this.spec.ifname}`;
  }

  async start(onFrame: (frame: Uint8Array) => void): Promise<void> {
    this.port = PcapFramePort.open({ owner: this.spec.name, ifname: this.spec.ifname, ...LAN_CAPTURE }, (frame) => onFrame(frame));
  }

  send(frame: Uint8Array): void {
    this.port?.send(frame); // false: the interface went away or its queue is full; the frame is lost
  }

  close(): void {
    this.port?.close();
    this.port = undefined;
  }
}

export function openLanPort(spec: LanPortSpec): LanPort {
  return spec.kind === 'udp' ? new UdpLanPort(spec) : new PcapLanPort(spec);
}

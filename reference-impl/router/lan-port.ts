// LAN ports of the emulated router, in two modes (issue 6):
// (a) unprivileged: a UDP socket carrying one raw Ethernet frame per datagram, the QEMU
//     `-netdev socket,udp=REMOTE,localaddr=LOCAL` / GNS3 UDP-link convention;
// (b) namespace mode: a Linux interface (e.g. a veth end) read and written with libpcap
//     capture and injection (the `cap` binding).
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { isIPv6 } from 'node:net';
import { literalLookup } from './literal-lookup.ts';

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

/** `lan1=udp:LOCAL_PORT:REMOTE_HOST:REMOTE_PORT` (REMOTE_HOST may be `[v6]`), `lan1=if:IFNAME`. */
export function parseLanSpec(text: string, localAddress = '127.0.0.1'): LanPortSpec {
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
  return { name, kind: 'udp', localAddress, localPort: port(u[1], 'local port'), remoteHost: u[2].replace(/^\[|\]$/g, ''), remotePort: port(u[3], 'remote port') };
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

// The parts of the `cap` binding we use (it ships no types).
interface CapHandle {
  open(device: string, filter: string, bufSize: number, buffer: Buffer): string;
  setMinBytes?(n: number): void;
  on(ev: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
  send(buf: Buffer, size?: number): void;
  close(): void;
}
interface CapModule {
  Cap: new () => CapHandle;
}

/** ASSUMPTION-free plumbing: 'inbound' keeps our own injected frames out of our capture. */
export const CAP_SETTINGS = { filter: 'inbound', bufferSize: 10 * 1024 * 1024, snapLength: 65535 } as const;

/**
 * Every Cap handle ever opened, kept reachable for the life of the process. Why: on Linux the
 * `cap` binding's close() stops its libuv poll handle (uv_poll_stop) and closes the pcap handle but
 * never uv_close()s the poll handle, so the handle stays linked in the event loop's handle queue.
 * If the JS object were garbage-collected, the native Pcap object holding that uv_poll_t would be
 * freed and libuv would later walk freed memory (SIGSEGV, seen in Playwright workers). A closed
 * Cap costs a few hundred bytes plus its (released) buffer reference; a process opens few of them.
 */
const KEPT_CAPS: unknown[] = [];

export class CapLanPort implements LanPort {
  private cap?: CapHandle;
  constructor(readonly spec: Extract<LanPortSpec, { kind: 'if' }>) {}
  get name(): string {
    return this.spec.name;
  }
  get describe(): string {
    return `if:${this.spec.ifname}`;
  }

  async start(onFrame: (frame: Uint8Array) => void): Promise<void> {
    const { Cap } = createRequire(import.meta.url)('cap') as CapModule;
    const cap = new Cap();
    KEPT_CAPS.push(cap); // even if open() fails below: see KEPT_CAPS
    const buf = Buffer.alloc(CAP_SETTINGS.snapLength);
    let link: string;
    try {
      link = cap.open(this.spec.ifname, CAP_SETTINGS.filter, CAP_SETTINGS.bufferSize, buf);
    } catch (e) {
      throw new Error(`${this.spec.name}: cannot capture on interface ${this.spec.ifname}: ${(e as Error).message} (namespace mode needs root or CAP_NET_RAW)`);
    }
    if (link !== 'ETHERNET') {
      cap.close();
      throw new Error(`${this.spec.name}: interface ${this.spec.ifname} has link type ${link}, not Ethernet`);
    }
    cap.setMinBytes?.(0);
    cap.on('packet', (nbytes) => onFrame(Uint8Array.from(buf.subarray(0, nbytes))));
    this.cap = cap;
  }

  send(frame: Uint8Array): void {
    // Ethernet minimum frame: pad short frames (the wire would) so the kernel accepts them.
    const b = Buffer.alloc(Math.max(60, frame.length));
    b.set(frame);
    try {
      this.cap?.send(b, b.length);
    } catch {
      /* interface went away: the frame is lost */
    }
  }

  close(): void {
    this.cap?.close();
    this.cap = undefined;
  }
}

export function openLanPort(spec: LanPortSpec): LanPort {
  return spec.kind === 'udp' ? new UdpLanPort(spec) : new CapLanPort(spec);
}

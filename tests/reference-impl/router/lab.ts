// Test helpers: emulated routers in-process on loopback, the LAN wires as UDP sockets, waits that
// are event-driven and bounded, and a capture of everything the routers send.
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type RouterOptions, type Transmission } from '../../../reference-impl/router/router.ts';
import type { UnderlayTarget } from '../../../reference-impl/router/l2tp-socket.ts';
import type { LanPortSpec } from '../../../reference-impl/router/lan-port.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export function seedConfig(example: string, router: string): string {
  return readFileSync(path.join(ROOT, 'topologies/seed/configs', example, `${router}.conf`), 'utf8');
}

/** Polls `cond` on every tick until true or `ms` elapse (bounded wait). */
export async function waitFor(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const p = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

/** The far end of a LAN wire: a UDP socket that sends and collects raw Ethernet frames. */
export class Wire {
  readonly frames: Uint8Array[] = [];
  private constructor(
    private readonly sock: dgram.Socket,
    private routerPort = 0,
  ) {
    sock.on('message', (m) => this.frames.push(new Uint8Array(m)));
  }
  static async open(): Promise<Wire> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new Wire(s);
  }
  get port(): number {
    return this.sock.address().port;
  }
  connect(routerPort: number): void {
    this.routerPort = routerPort;
  }
  send(frame: Uint8Array): void {
    this.sock.send(frame, this.routerPort, '127.0.0.1');
  }
  async next(pred: (f: Uint8Array) => boolean, ms = 3000, what = 'a frame'): Promise<Uint8Array> {
    let hit: Uint8Array | undefined;
    await waitFor(() => (hit = this.frames.find(pred)) !== undefined, ms, what);
    return hit!;
  }
  close(): void {
    this.sock.close();
  }
}

export function mac(text: string): Uint8Array {
  return Uint8Array.from(text.split(':').map((x) => parseInt(x, 16)));
}

/** An Ethernet frame with a marker payload (EtherType 0x88b5, local experimental). */
export function frame(dst: string, src: string, marker: string, vlan?: number): Uint8Array {
  const body = new TextEncoder().encode(marker.padEnd(46, '.'));
  const tag = vlan === undefined ? [] : [0x81, 0x00, (vlan >> 8) & 0x0f, vlan & 0xff];
  return Uint8Array.from([...mac(dst), ...mac(src), ...tag, 0x88, 0xb5, ...body]);
}

export const hasMarker = (m: string) => (f: Uint8Array) => Buffer.from(f).includes(m);

export interface LabRouter {
  router: Router;
  lan: Wire;
  sent: Transmission[];
  logs: { level: string; text: string; atMs: number }[];
}

export interface PairOptions {
  configA?: string;
  configB?: string;
  defectsA?: string[];
  defectsB?: string[];
  timeScale?: number;
  model?: string;
  firmware?: string;
  extra?: Partial<RouterOptions>;
  holdService?: boolean;
  /** LAN1 of A / B as given (e.g. an interface) instead of a UDP wire */
  lanA?: LanPortSpec;
  lanB?: LanPortSpec;
}

/** Seed example 1 (or given configs) on 127.0.0.1 / 127.0.0.2, each LAN1 on a UDP wire. */
export async function startPair(o: PairOptions = {}): Promise<{ a: LabRouter; b: LabRouter; stop: () => void; all: Transmission[]; port: number }> {
  const port = await freePort();
  const all: Transmission[] = [];
  const underlay = new Map<string, UnderlayTarget>([
    ['198.51.100.1', { host: '127.0.0.1' }],
    ['198.51.100.2', { host: '127.0.0.2' }],
  ]);
  const make = async (name: 'rt1' | 'rt2', wan: string, config: string, defects: string[] = [], lanSpec?: LanPortSpec): Promise<LabRouter> => {
    const lan = await Wire.open();
    const sent: Transmission[] = [];
    const logs: LabRouter['logs'] = [];
    const router = new Router({
      model: o.model ?? 'RTX1210',
      firmware: o.firmware ?? '14.01.26',
      config,
      wan: [wan],
      l2tpPort: port,
      underlay,
      lan: [lanSpec ?? { name: 'lan1', kind: 'udp', localAddress: '127.0.0.1', localPort: 0, remoteHost: '127.0.0.1', remotePort: lan.port }],
      timeScale: o.timeScale ?? 1,
      defects,
      holdService: true,
      onTransmit: (t) => {
        sent.push(t);
        all.push(t);
      },
      onLog: (e) => logs.push(e),
      ...o.extra,
    });
    const ready = await router.start();
    if (!lanSpec) lan.connect(Number(/:(\d+)->/.exec(ready.lan.lan1)![1]));
    void name;
    return { router, lan, sent, logs };
  };
  const a = await make('rt1', '127.0.0.1', o.configA ?? seedConfig('ex1-two-sites', 'rt1'), o.defectsA, o.lanA);
  const b = await make('rt2', '127.0.0.2', o.configB ?? seedConfig('ex1-two-sites', 'rt2'), o.defectsB, o.lanB);
  if (!o.holdService) {
    // Both dial in the same tick: deterministic simultaneous SCCRQs.
    a.router.serviceOn();
    b.router.serviceOn();
  }
  return {
    a,
    b,
    all,
    port,
    stop: () => {
      for (const r of [a, b]) {
        r.router.stop({ silent: true });
        r.lan.close();
      }
    },
  };
}

export const established = (r: Router, tunnel = 1) => r.l2tpStatus().find((t) => t.tunnel === tunnel)?.sessions.length === 1;

// ---- capture of everything the routers sent, checked by tshark ------------------------------

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { LINKTYPE, writePcap } from '../../../reference-impl/capture/capture-file.ts';
import { buildEthernetFrame, buildUdpPacket } from '../../../reference-impl/capture/ip.ts';

/** One Ethernet pcap of every transmission: UDP datagrams wrapped in IP/Ethernet, LAN frames as sent. */
export function writeTransmissions(file: string, sent: readonly Transmission[]): number {
  const records = sent.map((t, i) => {
    const data =
      t.kind === 'lan'
        ? t.frame
        : buildEthernetFrame({
            src: '02:00:00:00:00:01',
            dst: '02:00:00:00:00:02',
            etherType: t.dst.host.includes(':') ? 0x86dd : 0x0800,
            payload: buildUdpPacket({ src: t.src.host, dst: t.dst.host, srcPort: t.src.port, dstPort: t.dst.port, payload: t.bytes }),
          });
    return { timestampUs: 1_700_000_000_000_000 + i * 1000, data };
  });
  writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
  return records.length;
}

/** Frame numbers tshark flags as malformed, with a bad digest or a bad AVP length, or any expert warning. */
export function tsharkProblems(file: string, l2tpPort: number, secret: string): string[] {
  const out = execFileSync(
    'tshark',
    ['-r', file, '-d', `udp.port==${l2tpPort},l2tp`, '-o', `l2tp.shared_secret:${secret}`, '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None',
      '-Y', '_ws.malformed || l2tp.incorrect_digest || l2tp.avp_length.bad || _ws.expert.severity >= "Warning"',
      '-T', 'fields', '-e', 'frame.number', '-e', '_ws.col.Info'],
    { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return out.split('\n').filter((l) => l.trim() !== '');
}

/** `tshark -T fields` lines for one field over the capture. */
export function tsharkField(file: string, l2tpPort: number, field: string, filter?: string): string[] {
  const args = ['-r', file, '-d', `udp.port==${l2tpPort},l2tp`, '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-T', 'fields', '-e', field];
  if (filter) args.push('-Y', filter);
  return execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter((l) => l !== '');
}

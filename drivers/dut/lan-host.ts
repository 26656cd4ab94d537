// The LAN side of the device under test in a loopback lab: the router's `lan1` is a UDP socket
// carrying raw Ethernet frames (the QEMU `-netdev socket` convention, `router --lan
// lan1=udp:...`), and this is the other end: a host that sends frames into lan1 and records what
// the router sends out of it. Waits are bounded and event-driven.
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { bindUdpHere, type UdpBinder } from '../hosts/udp-bind.ts';
import { realNowMs } from '../trace/trace-clock.ts';
import type { TimedFrame } from '../trace/frame-observed.ts';

export class LanHost extends EventEmitter {
  /** Frames the router sent out of its LAN port, in order. */
  readonly frames: Uint8Array[] = [];
  /** The same frames with their arrival times, and every frame this host sent (the trace verdict's LAN port). */
  readonly received: TimedFrame[] = [];
  readonly sent: TimedFrame[] = [];

  private constructor(
    private readonly sock: dgram.Socket,
    /** The router's end of the link (its `--lan` local port). */
    readonly routerPort: number,
  ) {
    super();
    sock.on('message', (m) => {
      const f = new Uint8Array(m);
      this.frames.push(f);
      this.received.push({ frame: f, atMs: realNowMs() });
      this.emit('frame', f);
    });
  }

  /** `bind`: where the host's socket lives (default this process's stack; a namespace lab's device: its namespace). */
  static async open(host = '127.0.0.1', bind: UdpBinder = bindUdpHere): Promise<LanHost> {
    const s = await bind(host, 0);
    // the router's end: a port free where the router runs (bound, read, released)
    const probe = await bind(host, 0);
    const routerPort = probe.address().port;
    await new Promise<void>((r) => probe.close(() => r()));
    return new LanHost(s, routerPort);
  }

  /** The router's `--lan` argument for this link. */
  lanArgument(port = 'lan1'): string {
    return `${port}=udp:${this.routerPort}:127.0.0.1:${this.sock.address().port}`;
  }

  send(frame: Uint8Array): void {
    this.sent.push({ frame: frame.slice(), atMs: realNowMs() });
    this.sock.send(frame, this.routerPort, '127.0.0.1');
  }

  /** Waits (bounded) for a frame out of the router that `pick` accepts (also one already seen). */
  waitFor<T>(pick: (f: Uint8Array) => T | undefined, ms: number, what: string): Promise<T> {
    for (const f of this.frames) {
      const v = pick(f);
      if (v !== undefined) return Promise.resolve(v);
    }
    return new Promise((resolve, reject) => {
      const on = (f: Uint8Array) => {
        const v = pick(f);
        if (v === undefined) return;
        clearTimeout(t);
        this.off('frame', on);
        resolve(v);
      };
      const t = setTimeout(() => {
        this.off('frame', on);
        reject(new Error(`LAN host: no ${what} within ${ms} ms (${this.frames.length} frame(s) seen)`));
      }, ms);
      this.on('frame', on);
    });
  }

  close(): void {
    this.sock.close();
  }
}

// Test helpers for L2TPv3/IPsec between emulated routers on loopback: each pair on its own random
// 127.X.Y.0/24 addresses (IKE needs ports 500 and 4500, so no two pairs may share an address),
// the seed's config addresses mapped there, LAN1 on a UDP wire.
import { randomInt } from 'node:crypto';
import { Router, type RouterOptions, type Transmission } from '../../../../reference-impl/router/router.ts';
import type { UnderlayTarget } from '../../../../reference-impl/router/l2tp-socket.ts';
import { freePort, seedConfig, Wire, type LabRouter } from '../lab.ts';

export { seedConfig };

/** Why IPsec on loopback cannot run here, or null: IKE binds UDP 500 and 4500. */
export function ipsecLoopbackUnavailable(): string | null {
  return process.getuid?.() === 0 ? null : 'not root: the emulated router binds UDP 500 and 4500 for IKE';
}

/** A random 127.X.Y prefix: X in 100..199 keeps clear of 127.0.0.x other labs use. */
export function loopbackPrefix(): string {
  return `127.${100 + randomInt(100)}.${randomInt(256)}`;
}

export interface IpsecPairOptions {
  configA: string;
  configB: string;
  timeScale?: number;
  extraA?: Partial<RouterOptions>;
  extraB?: Partial<RouterOptions>;
  /** config address -> which router (a or b) it belongs to; default 198.51.100.1 -> a, .2 -> b. */
  addresses?: { a: string[]; b: string[] };
}

export interface IpsecPair {
  a: LabRouter;
  b: LabRouter;
  all: Transmission[];
  port: number;
  wire: { a: string; b: string };
  stop: () => void;
}

export async function startIpsecPair(o: IpsecPairOptions): Promise<IpsecPair> {
  const port = await freePort();
  const prefix = loopbackPrefix();
  const wire = { a: `${prefix}.1`, b: `${prefix}.2` };
  const addrs = o.addresses ?? { a: ['198.51.100.1'], b: ['198.51.100.2'] };
  const underlay = new Map<string, UnderlayTarget>([...addrs.a.map((x) => [x, { host: wire.a }] as const), ...addrs.b.map((x) => [x, { host: wire.b }] as const)]);
  const all: Transmission[] = [];
  const started: LabRouter[] = [];
  const make = async (wan: string, config: string, extra?: Partial<RouterOptions>): Promise<LabRouter> => {
    const lan = await Wire.open();
    const sent: Transmission[] = [];
    const logs: LabRouter['logs'] = [];
    const router = new Router({
      model: 'RTX1210',
      firmware: '14.01.26',
      config,
      wan: [wan],
      l2tpPort: port,
      underlay,
      lan: [{ name: 'lan1', kind: 'udp', localAddress: '127.0.0.1', localPort: 0, remoteHost: '127.0.0.1', remotePort: lan.port }],
      timeScale: o.timeScale ?? 1,
      holdService: true,
      onTransmit: (t) => {
        sent.push(t);
        all.push(t);
      },
      onLog: (e) => logs.push(e),
      ...extra,
    });
    const r: LabRouter = { router, lan, sent, logs };
    started.push(r);
    const ready = await router.start();
    lan.connect(Number(/:(\d+)->/.exec(ready.lan.lan1)![1]));
    return r;
  };
  const stop = () => {
    for (const r of started) {
      r.router.stop({ silent: true });
      r.lan.close();
    }
  };
  try {
    const a = await make(wire.a, o.configA, o.extraA);
    const b = await make(wire.b, o.configB, o.extraB);
    a.router.serviceOn();
    b.router.serviceOn();
    return { a, b, all, port, wire, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

export const logTexts = (r: LabRouter): string[] => r.logs.map((l) => l.text);

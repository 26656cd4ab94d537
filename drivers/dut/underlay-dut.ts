// The emulated router as the device under test behind an IPv6-only access service (issue 19): its
// L2TPv3 runs inside an IPIP or MAP-E tunnel to the ISP (underlay-isp.ts), and the tester peers are
// native IPv4 hosts beyond the ISP's relay. The router process runs in the lab's router namespace
// with the test's config plus the service's tunnel lines; the harness's sockets live in the lab's
// namespaces (binder()), so every control message and data frame crosses the relay and the real
// IPv4 stack of the peers' namespace. What the suites see: the device's endpoint is its IPv4
// address inside the tunnel and, under MAP-E, the L2TPv3 port of its port set (RFC 7597 §5.1;
// assumption map-e-l2tp-source-port), and the peers have addresses of their own.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Capture } from '../capture/index.ts';
import type { CliSession } from '../cli/session.ts';
import type { UdpBinder } from '../hosts/udp-bind.ts';
import { logicalPeerIndex, LabTooSmall, type DeviceUnderTest, type DutCapabilities, type DutEndpoint, type DutIdentity, type DutStartOptions, type DutStartResult, type WanCapture } from './device-under-test.ts';
import { EMULATED_CAPABILITIES, type EmulatedDutOptions } from './emulated-dut.ts';
import { EmulatedRouterRun } from './emulated-router-run.ts';
import { underlayIsp, type UnderlayIsp } from './underlay-isp.ts';
import { UNDERLAY_ISP, underlayConfigLines, underlayEndpoint, underlayMapEArgs, underlayPeerAddress, type UnderlayKind } from './underlay-service.ts';

export interface UnderlayDutOptions extends EmulatedDutOptions {
  readonly underlay: UnderlayKind;
}

/**
 * What an underlay device can take part in: the emulated router's, except the tester's IKE (IKE's
 * UDP 500/4500 lie outside a MAP-E port set, and L2TPv3/IPsec over the tunnel is the examples
 * area's) and a second netns lab around it.
 */
export const UNDERLAY_CAPABILITIES: DutCapabilities = { ...EMULATED_CAPABILITIES, testerIke: false, netnsLab: false };

export class UnderlayDut implements DeviceUnderTest {
  readonly capabilities = UNDERLAY_CAPABILITIES;
  readonly identity: DutIdentity;
  readonly syslogBind: DutEndpoint = { address: '127.0.0.1', port: 0 };
  readonly peerCount = UNDERLAY_ISP.peerCount;
  readonly trace: string[] = [];
  readonly wan: DutEndpoint;
  private readonly run: EmulatedRouterRun;
  /** Where this test's part of the (per-worker) relay's log begins. */
  private readonly relayLogFrom: number;

  private constructor(
    private readonly o: UnderlayDutOptions,
    readonly isp: UnderlayIsp,
  ) {
    this.identity = { role: o.role, model: o.model, firmware: o.firmware };
    this.wan = underlayEndpoint(o.underlay);
    this.relayLogFrom = isp.relayLogMark();
    this.run = new EmulatedRouterRun(o.role, this.trace);
  }

  static async open(o: UnderlayDutOptions): Promise<UnderlayDut> {
    return new UnderlayDut(o, await underlayIsp(o.underlay));
  }

  get timeScale(): number {
    return this.o.timeScale;
  }

  get wanConfigAddress(): string {
    return this.wan.address;
  }

  peerAddress(peer: number | string): string {
    const i = typeof peer === 'number' ? peer : logicalPeerIndex(peer);
    if (i < 0) throw new Error(`underlay lab: '${peer}' is not a logical peer address (127.0.0.2 is the first)`);
    if (i >= this.peerCount) throw new LabTooSmall(`the underlay lab has ${this.peerCount} tester peer addresses; this test needs peer ${i + 1}`);
    return underlayPeerAddress(i);
  }

  /** A peer is a native IPv4 host: its own address, L2TP's port (RFC 3931 §4.1.2.2). */
  peerSocket(peer: number | string): DutEndpoint {
    return { address: this.peerAddress(peer), port: 1701 };
  }

  binder(side: 'peers' | 'device-side'): UdpBinder {
    const sockets = side === 'peers' ? this.isp.peerSide : this.isp.routerSide;
    return (address, port) => sockets.bindUdp(address, port);
  }

  peerBound(): void {}

  start(s: DutStartOptions): Promise<DutStartResult> {
    if (new RegExp(`^tunnel select ${UNDERLAY_ISP.tunnel}\\s*$`, 'm').test(s.config)) throw new LabTooSmall(`the underlay lab's ${this.o.underlay} tunnel is tunnel ${UNDERLAY_ISP.tunnel}, which this test's config uses`);
    const config = `${s.config.trimEnd()}\n${underlayConfigLines(this.o.underlay).join('\n')}\n`;
    return this.run.start({
      model: this.o.model, firmware: this.o.firmware, config, wan: UNDERLAY_ISP.routerWan6, l2tpPort: 1701, timeScale: this.o.timeScale,
      defects: [...(this.o.defects ?? [])], profile: this.o.profile, lan: s.lan ? [...s.lan] : undefined,
      extraArgs: underlayMapEArgs(this.o.underlay), netns: this.isp.names.router,
    }, {
      what: `${this.identity.model} ${this.o.firmware} over ${this.o.underlay}`,
      ready: () => ` in namespace ${this.isp.names.router}, L2TPv3 inside ${this.o.underlay} as ${this.wan.address}:${this.wan.port}`,
    });
  }

  get running(): boolean {
    return this.run.running;
  }

  /** SSH to the router on its namespace's loopback, the connection made from inside (the socket broker). */
  adminCli(): Promise<CliSession> {
    return this.run.adminCli((host, port): Promise<Duplex> => this.isp.routerSide.connectTcp(host, port));
  }

  get savedConfigFile(): string | undefined {
    return this.run.savedConfigFile;
  }

  get console(): string | undefined {
    const relay = this.isp.relayLogSince(this.relayLogFrom).trim();
    const own = this.run.console;
    return own === undefined ? undefined : relay ? `${own}\n== relay (${this.o.underlay}) ==\n${relay}` : own;
  }

  /** Captures on the ISP's side of both wires (namespace I): `r6` toward the device, `p4` toward the peers. */
  async captureWan(dir: string): Promise<WanCapture> {
    const links = [{ link: 'ipv6-link', iface: 'r6' }, { link: 'ipv4-uplink', iface: 'p4' }] as const;
    const started: { link: (typeof links)[number]['link']; capture: Capture }[] = [];
    try {
      for (const l of links) started.push({ link: l.link, capture: await Capture.start({ iface: l.iface, netns: this.isp.names.isp }) });
    } catch (e) {
      for (const c of started) await c.capture.stop();
      throw e;
    }
    return {
      stop: async () => {
        mkdirSync(dir, { recursive: true });
        const out: { link: 'ipv6-link' | 'ipv4-uplink'; file: string }[] = [];
        for (const c of started) {
          await c.capture.stop();
          out.push({ link: c.link, file: c.capture.writePcap(path.join(dir, `${c.link}.pcap`)) });
        }
        return out;
      },
    };
  }

  close(): Promise<void> {
    return this.run.close();
  }
}

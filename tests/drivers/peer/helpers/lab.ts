// A loopback lab for the tester peer: an emulated router process on 127.0.0.1 (its L2TP port
// chosen free), a syslog listener it sends to, and peers on 127.0.0.2, 127.0.0.3, ... using the
// same UDP port (as an RTX: both ends on one port, 1701 in a real lab). Everything the peers
// send and receive goes into one Conversation, attached to the test as a pcap.
import type { TestInfo } from '@playwright/test';
import { Conversation } from '../../../../drivers/peer/conversation.ts';
import { misbehave } from '../../../../drivers/peer/misbehaviours.ts';
import { PeerTunnel, type PeerTunnelOptions } from '../../../../drivers/peer/peer-tunnel.ts';
import { freeUdpPort, RouterProcess } from '../../../../drivers/dut/router-process.ts';
import { SyslogListener } from '../../../../drivers/dut/syslog-listener.ts';

import { BRIDGE_ADDRESS, LAB_IDS, ROUTER_ADDRESS, routerConfig, type RouterTunnelSpec } from '../../../../suites/support/device-lab.ts';

// The lab router's config and addresses are the suites' (one copy).
export { BRIDGE_ADDRESS, LAB_IDS, ROUTER_ADDRESS, routerConfig, type RouterTunnelSpec };
/** IPv6 lab: the config's underlay addresses (seed ex3 style); sockets are on ::1. */
export const V6 = { router: '2001:db8:1::1', peer: '2001:db8:1::2' } as const;
export interface LabOptions {
  tunnels: RouterTunnelSpec[];
  model?: string;
  firmware?: string;
  timeScale?: number;
  /** Replace the generated config (e.g. to exceed a model's limit). */
  config?: string;
  /** Defects injected into the router (a suite proves itself by failing on them). */
  defects?: string[];
  /** IPv6 underlay: the router on [::1], its config addresses 2001:db8:1::1 / the peers' mapped with --underlay. */
  ipv6?: boolean;
}

export class Lab {
  readonly conversation = new Conversation();
  readonly peers: PeerTunnel[] = [];
  /** `--underlay CONFIG_ADDR=[SOCKET]:PORT` entries (IPv6 labs: peers share ::1, so each has its own port). */
  readonly underlay: string[] = [];
  router?: RouterProcess;

  private constructor(
    readonly opts: LabOptions,
    readonly syslog: SyslogListener,
    readonly port: number,
  ) {}

  static async open(opts: LabOptions): Promise<Lab> {
    const syslog = await SyslogListener.open();
    return new Lab(opts, syslog, await freeUdpPort());
  }

  get timeScale(): number {
    return this.opts.timeScale ?? 10;
  }

  get model(): string {
    return this.opts.model ?? 'RTX1210';
  }

  get config(): string {
    return this.opts.config ?? routerConfig(this.opts.tunnels, this.syslog.port, { routerAddress: this.opts.ipv6 ? V6.router : ROUTER_ADDRESS });
  }

  async startRouter(): Promise<RouterProcess> {
    this.router = await RouterProcess.start({
      model: this.model, firmware: this.opts.firmware ?? '14.01.26', config: this.config,
      wan: this.opts.ipv6 ? '::1' : ROUTER_ADDRESS, l2tpPort: this.port, timeScale: this.timeScale, underlay: this.underlay, defects: this.opts.defects,
    });
    return this.router;
  }

  /**
   * A peer on `address` facing the router (bound and started; an initiator dials at once). In an
   * IPv6 lab `address` is the router's config address for it: the peer binds [::1]:any and is
   * added to the underlay (so start IPv6 peers before the router).
   */
  async peer(address: string, o: Partial<PeerTunnelOptions> & Pick<PeerTunnelOptions, 'role'>, misbehaviours: string[] = []): Promise<PeerTunnel> {
    const v6 = this.opts.ipv6 === true;
    const p = new PeerTunnel({
      local: v6 ? { host: '::1', port: 0 } : { host: address, port: this.port },
      device: v6 ? { host: '::1', port: this.port } : { host: ROUTER_ADDRESS, port: this.port },
      routerId: LAB_IDS.peerRouterId,
      endId: LAB_IDS.endId,
      timeScale: this.timeScale,
      conversation: this.conversation,
      ...o,
    });
    this.peers.push(p);
    for (const m of misbehaviours) misbehave(p, m);
    await p.start();
    if (v6) this.underlay.push(`${address}=[::1]:${p.local.port}`);
    return p;
  }

  /** Stops peers and router, attaches the pcap and the syslog received. */
  async close(info: TestInfo, name = 'peer-conversation'): Promise<void> {
    for (const p of this.peers) await p.close({ silent: true });
    await this.router?.stop();
    this.syslog.close();
    const file = info.outputPath(`${name}.pcap`);
    this.conversation.writePcap(file);
    await info.attach(`${name}.pcap`, { path: file, contentType: 'application/vnd.tcpdump.pcap' });
    await info.attach(`${name}-syslog.txt`, { body: this.syslog.texts().join('\n'), contentType: 'text/plain' });
  }
}

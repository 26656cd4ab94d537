// A traffic host: a Linux network namespace made by the harness, with one Ethernet interface (a veth
// end) whose peer is wherever the lab wires it (a router's LAN port, a bridge in the lab namespace).
// The host speaks through the real kernel: ping, ARP, 802.1Q subinterfaces, a DHCP client; frame
// injection and capture go through a capture agent running in the host's namespace.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Capture, type CaptureOptions } from '../capture/index.ts';
import { hasProgram, inNetns, mustRun, runCommand, type CommandResult } from './command.ts';
import { addAddress, createNetns, createVethPair, createVlan, deleteNetns, ipIn, type LinkEnd } from './netns.ts';
import { DhcpClient } from './dhcp.ts';

const ARP_PROBE = fileURLToPath(new URL('./arp-probe.py', import.meta.url));
const VLAN_SUBINTERFACE = fileURLToPath(new URL('./vlan-subinterface.py', import.meta.url));
/** Lifetime bound of a userspace VLAN subinterface (it also ends with its namespace). */
const USERSPACE_VLAN_MAX_S = 3600;
/** How a VLAN subinterface was made: by the kernel's 8021q driver, or in userspace (no 8021q). */
export type VlanKind = 'kernel' | 'userspace';

export interface NamespaceHostOptions {
  /** the namespace to create (must carry the caller's prefix, see netns.ts) */
  netns: string;
  /** the host's interface name inside its namespace */
  iface?: string;
  /** where the other end of the host's veth goes */
  peer: LinkEnd;
  /** keep IPv6 on (default off: no router solicitations or DAD noise in captures) */
  ipv6?: boolean;
  mtu?: number;
}

export interface PingResult {
  transmitted: number;
  received: number;
  output: string;
}

export class NamespaceHost {
  private readonly dhcpClients: DhcpClient[] = [];
  private readonly vlanShims: ChildProcess[] = [];
  /** How each subinterface was made (`eth0.10` -> kernel | userspace). */
  readonly vlans = new Map<string, VlanKind>();

  private constructor(
    readonly netns: string,
    readonly iface: string,
  ) {}

  /** Creates the namespace and the veth; the host's interface is up, without addresses. */
  static async create(o: NamespaceHostOptions): Promise<NamespaceHost> {
    const iface = o.iface ?? 'eth0';
    await createNetns(o.netns, { ipv6: o.ipv6 ?? false });
    try {
      await createVethPair({ name: iface, netns: o.netns }, o.peer, o.mtu !== undefined ? { mtu: o.mtu } : {});
    } catch (e) {
      await deleteNetns(o.netns);
      throw e;
    }
    return new NamespaceHost(o.netns, iface);
  }

  /** A host object for a namespace that already exists (e.g. one a lab made). */
  static attach(netns: string, iface = 'eth0'): NamespaceHost {
    return new NamespaceHost(netns, iface);
  }

  /** Runs a command inside the host's namespace (bounded); resolves whatever its status. */
  exec(argv: readonly string[], timeoutMs?: number): Promise<CommandResult> {
    return runCommand(inNetns(this.netns, argv), timeoutMs);
  }

  /** Adds an IPv4 or IPv6 address with prefix length (default: on the host's interface). */
  async addAddress(cidr: string, ifname = this.iface): Promise<void> {
    await addAddress(this.netns, ifname, cidr);
  }

  /**
   * An 802.1Q subinterface of the host's interface, up; returns its name (`eth0.VID`). Where the
   * kernel has no 8021q module ("Unknown device type"), the same subinterface in userspace: a TAP
   * device the kernel's IP stack uses, tagged onto the interface by vlan-subinterface.py (python3),
   * with an MTU 4 octets smaller for the tag; `vlans` says which.
   */
  async addVlan(vid: number): Promise<string> {
    try {
      const name = await createVlan(this.netns, this.iface, vid);
      this.vlans.set(name, 'kernel');
      return name;
    } catch (e) {
      if (!/Unknown device type/i.test((e as Error).message)) throw e;
      if (!hasProgram('python3')) throw new Error(`${this.netns}: this kernel has no 8021q module and python3 is missing for the userspace subinterface`);
    }
    const name = `${this.iface}.${vid}`;
    const shim = spawn('ip', ['netns', 'exec', this.netns, 'python3', VLAN_SUBINTERFACE, this.iface, String(vid), name, String(USERSPACE_VLAN_MAX_S)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.vlanShims.push(shim);
    await readyLine(shim, 10_000, `${this.netns}: userspace VLAN ${name}`);
    const mtu = Number((/mtu (\d+)/.exec(await mustRun(ipIn(this.netns, '-o', 'link', 'show', this.iface))) ?? [])[1] ?? 1500);
    await mustRun(ipIn(this.netns, 'link', 'set', name, 'mtu', String(mtu - 4), 'up'));
    this.vlans.set(name, 'userspace');
    return name;
  }

  async setDefaultRoute(gateway: string): Promise<void> {
    await mustRun(ipIn(this.netns, ...(gateway.includes(':') ? ['-6'] : []), 'route', 'replace', 'default', 'via', gateway));
  }

  async macAddress(ifname = this.iface): Promise<string> {
    const out = await mustRun(ipIn(this.netns, '-o', 'link', 'show', ifname));
    const m = /link\/ether ([0-9a-f:]{17})/.exec(out);
    if (!m) throw new Error(`${this.netns}: interface ${ifname} has no Ethernet address`);
    return m[1];
  }

  /** `ping -c COUNT -W WAIT` from inside the host; never throws for lost replies (the counts say). */
  async ping(to: string, o: { count?: number; waitSeconds?: number; intervalSeconds?: number; iface?: string } = {}): Promise<PingResult> {
    const count = o.count ?? 3;
    const wait = o.waitSeconds ?? 2;
    const argv = ['ping', ...(to.includes(':') ? ['-6'] : []), '-n', '-c', String(count), '-W', String(wait), '-i', String(o.intervalSeconds ?? 0.2)];
    if (o.iface) argv.push('-I', o.iface);
    argv.push(to);
    const r = await this.exec(argv, (count * (wait + 1) + 5) * 1000);
    const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(r.stdout);
    if (!m) throw new Error(`ping ${to} from ${this.netns}: no summary line (${(r.stderr || r.stdout).trim().split('\n').pop() ?? 'no output'})`);
    return { transmitted: Number(m[1]), received: Number(m[2]), output: r.stdout };
  }

  /**
   * Asks for `target`'s MAC address with one ARP request on `ifname` (from `source`, default the
   * interface's first IPv4 address). `arping` if installed, else a raw-socket probe in python3.
   * Resolves undefined when nobody answers within timeoutMs.
   */
  async arp(target: string, o: { ifname?: string; source?: string; timeoutMs?: number } = {}): Promise<string | undefined> {
    const ifname = o.ifname ?? this.iface;
    const source = o.source ?? (await this.ipv4Addresses(ifname))[0];
    if (!source) throw new Error(`${this.netns}: ${ifname} has no IPv4 address to send an ARP request from`);
    const seconds = Math.max(1, Math.ceil((o.timeoutMs ?? 2000) / 1000));
    if (hasProgram('arping')) {
      const r = await this.exec(['arping', '-c', '1', '-w', String(seconds), '-I', ifname, '-s', source, target], (seconds + 5) * 1000);
      return /\[([0-9A-Fa-f:]{17})\]/.exec(r.stdout)?.[1]?.toLowerCase();
    }
    if (!hasProgram('python3')) throw new Error('neither arping nor python3 is installed: cannot send an ARP request');
    const r = await this.exec(['python3', ARP_PROBE, ifname, target, source, String(seconds)], (seconds + 5) * 1000);
    if (r.code === 0) return r.stdout.trim();
    if (r.code === 1) return undefined;
    throw new Error(`ARP probe from ${this.netns}: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  }

  async ipv4Addresses(ifname = this.iface): Promise<string[]> {
    const out = await mustRun(ipIn(this.netns, '-4', '-o', 'addr', 'show', 'dev', ifname));
    return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)].map((m) => m[1]);
  }

  /** Runs a DHCP client on ifname until it holds a lease (bounded); returns the address it got. */
  async dhcp(o: { ifname?: string; timeoutMs?: number; workDir: string }): Promise<string> {
    const client = new DhcpClient(this.netns, o.ifname ?? this.iface, o.workDir);
    this.dhcpClients.push(client);
    return client.obtain(o.timeoutMs ?? 15_000);
  }

  /** Starts capture/injection on the host's interface (agent inside the host's namespace). */
  capture(o: Omit<CaptureOptions, 'netns' | 'iface'> & { iface?: string } = {}): Promise<Capture> {
    return Capture.start({ ...o, iface: o.iface ?? this.iface, netns: this.netns });
  }

  /** Removes the namespace (and with it the veth, both ends) and stops the host's DHCP clients. */
  async destroy(): Promise<void> {
    for (const c of this.dhcpClients) await c.stop();
    for (const p of this.vlanShims) if (p.exitCode === null && p.signalCode === null) p.kill();
    await deleteNetns(this.netns);
  }
}

/** Resolves when the child prints a `ready` line; rejects when it exits first or after `ms`. */
function readyLine(child: ChildProcess, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const done = (e?: Error) => {
      clearTimeout(timer);
      child.stdout?.off('data', onOut);
      child.off('close', onClose);
      if (e) reject(e);
      else resolve();
    };
    const onOut = (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes('ready')) done();
    };
    const onClose = (code: number | null) => done(new Error(`${what}: exited (${code}) before ready: ${err.trim().split('\n').pop() ?? ''}`));
    const timer = setTimeout(() => {
      child.kill();
      done(new Error(`${what}: not ready within ${ms} ms`));
    }, ms);
    child.stdout?.on('data', onOut);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', onClose);
  });
}

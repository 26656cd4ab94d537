// Network namespaces and links made by the harness. Every name we create starts with a prefix that
// is ours (one per lab or test), so cleanup can find and delete exactly what we made and nothing else.
// Links are created directly inside our namespaces (`ip link add ... netns X peer ... netns Y`), so
// no interface of ours ever lives in the root namespace, even for a moment that a crash could freeze.
import { readdirSync } from 'node:fs';
import { mustRun, runCommand } from './command.ts';

/** Where iproute2 keeps a named namespace's handle (NETNS_RUN_DIR): `ip netns list` reads this folder. */
const NETNS_RUN_DIR = '/run/netns';

/** Interface names: Linux allows 15 octets, no '/', no spaces. */
const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;
/** Namespace names: a file under /run/netns. */
const NETNS = /^[A-Za-z0-9_.-]{1,64}$/;

export function checkIfName(name: string): string {
  if (!IFNAME.test(name)) throw new Error(`'${name}' is not a usable Linux interface name (1-15 of A-Z a-z 0-9 _ . -)`);
  return name;
}

export function checkNetnsName(name: string): string {
  if (!NETNS.test(name)) throw new Error(`'${name}' is not a usable network namespace name (1-64 of A-Z a-z 0-9 _ . -)`);
  return name;
}

/** `ip` with `-n NS` when a namespace is given. */
export function ipIn(netns: string | undefined, ...args: string[]): string[] {
  return netns === undefined ? ['ip', ...args] : ['ip', '-n', netns, ...args];
}

/**
 * The named namespaces, as `ip netns list` names them: the entries of its run folder, read directly
 * (a lab asks this often, and forking `ip` from a test worker costs milliseconds of its CPU each).
 */
export async function listNetns(): Promise<string[]> {
  try {
    return readdirSync(NETNS_RUN_DIR).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []; // no namespace was ever named on this host
    throw e;
  }
}

export async function netnsExists(name: string): Promise<boolean> {
  return (await listNetns()).includes(name);
}

/** Creates namespace `name` with its loopback up; `ipv6: false` turns IPv6 off in it (no RS/ND noise). */
export async function createNetns(name: string, opts: { ipv6?: boolean } = {}): Promise<void> {
  checkNetnsName(name);
  await mustRun(['ip', 'netns', 'add', name]);
  await mustRun(ipIn(name, 'link', 'set', 'lo', 'up'));
  if (opts.ipv6 === false) await setSysctls(name, { 'net.ipv6.conf.all.disable_ipv6': '1', 'net.ipv6.conf.default.disable_ipv6': '1' });
}

export async function setSysctl(netns: string | undefined, key: string, value: string): Promise<void> {
  await setSysctls(netns, { [key]: value });
}

/** Several sysctl settings in one `sysctl -qw` (in `netns` when given), in the order given. */
export async function setSysctls(netns: string | undefined, settings: Readonly<Record<string, string>>): Promise<void> {
  const argv = ['sysctl', '-qw', ...Object.entries(settings).map(([k, v]) => `${k}=${v}`)];
  await mustRun(netns === undefined ? argv : ['ip', 'netns', 'exec', netns, ...argv]);
}

/** Deletes a namespace (its interfaces, and the veth peers they had elsewhere, go with it). */
export async function deleteNetns(name: string): Promise<boolean> {
  return (await runCommand(['ip', 'netns', 'del', checkNetnsName(name)])).code === 0;
}

/** Deletes every namespace whose name starts with `prefix` (which must be non-trivial). */
export async function deleteNetnsWithPrefix(prefix: string): Promise<string[]> {
  if (prefix.length < 4) throw new Error(`refusing to delete namespaces by the short prefix '${prefix}'`);
  const gone: string[] = [];
  for (const n of await listNetns()) if (n.startsWith(prefix) && (await deleteNetns(n))) gone.push(n);
  return gone;
}

export interface LinkEnd {
  name: string;
  /** the namespace the end lives in; undefined = the current (root) namespace */
  netns?: string;
}

/** A veth pair with each end created in its namespace, both ends up. */
export async function createVethPair(a: LinkEnd, b: LinkEnd, opts: { mtu?: number } = {}): Promise<void> {
  checkIfName(a.name);
  checkIfName(b.name);
  const argv = ipIn(a.netns, 'link', 'add', a.name, 'type', 'veth', 'peer', 'name', b.name);
  if (b.netns !== undefined) argv.push('netns', b.netns);
  await mustRun(argv);
  for (const e of [a, b]) {
    if (opts.mtu !== undefined) await mustRun(ipIn(e.netns, 'link', 'set', e.name, 'mtu', String(opts.mtu)));
    await mustRun(ipIn(e.netns, 'link', 'set', e.name, 'up'));
  }
}

/** A Linux bridge without STP and without forwarding delay (a lab wire, not a switch under test). */
export async function createBridge(netns: string | undefined, name: string): Promise<void> {
  checkIfName(name);
  await mustRun(ipIn(netns, 'link', 'add', name, 'type', 'bridge', 'stp_state', '0', 'forward_delay', '0'));
  await mustRun(ipIn(netns, 'link', 'set', name, 'up'));
}

export async function attachToBridge(netns: string | undefined, ifname: string, bridge: string): Promise<void> {
  await mustRun(ipIn(netns, 'link', 'set', checkIfName(ifname), 'master', checkIfName(bridge)));
}

/** An 802.1Q subinterface `PARENT.VID` (needs the kernel's 8021q support). */
export async function createVlan(netns: string | undefined, parent: string, vid: number): Promise<string> {
  if (!Number.isInteger(vid) || vid < 1 || vid > 4094) throw new Error(`VLAN ID ${vid} is not 1..4094`);
  const name = checkIfName(`${parent}.${vid}`);
  await mustRun(ipIn(netns, 'link', 'add', 'link', parent, 'name', name, 'type', 'vlan', 'id', String(vid)));
  await mustRun(ipIn(netns, 'link', 'set', name, 'up'));
  return name;
}

/** Adds `cidr` (IPv4 or IPv6 with prefix length) to ifname; IPv6 without duplicate detection delay. */
export async function addAddress(netns: string | undefined, ifname: string, cidr: string): Promise<void> {
  const v6 = cidr.includes(':');
  const argv = ipIn(netns, ...(v6 ? ['-6'] : []), 'addr', 'add', cidr, 'dev', ifname);
  if (v6) argv.push('nodad');
  await mustRun(argv);
}

/** Link names of a namespace (or the root namespace). */
export async function listLinks(netns?: string): Promise<string[]> {
  const out = await mustRun(ipIn(netns, '-o', 'link', 'show'));
  return out.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => n !== undefined);
}

/** Whether this kernel can make 802.1Q subinterfaces (tried in a throwaway namespace). */
export async function vlanSupported(scratchNetns: string): Promise<boolean> {
  await createNetns(scratchNetns);
  try {
    await mustRun(ipIn(scratchNetns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1'));
    return (await runCommand(ipIn(scratchNetns, 'link', 'add', 'link', 'd0', 'name', 'd0.9', 'type', 'vlan', 'id', '9'))).code === 0;
  } catch {
    return false;
  } finally {
    await deleteNetns(scratchNetns);
  }
}

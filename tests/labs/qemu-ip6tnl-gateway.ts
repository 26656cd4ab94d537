// The ISP's IPIP gateway of an IPv6-only access service played by a real kernel (issue 19 point 3):
// Debian 12's kernel in the QEMU guest of tests/interop/qemu (guest-vm.ts), its `ip6tnl` devices in
// mode ipip6 (RFC 2473) ending each site router's `tunnel encapsulation ipip`, in place of the lab's
// userspace relay (drivers/lab/relay-process.ts). The guest's NIC is a TAP device in a namespace of
// our own (`uq6-TAG`), bridged there to a veth whose far end joins the lab's internet bridge once
// `lab up` has made it; so the guest boots while the lab comes up, and deleting either namespace
// cuts the wire. The addresses come from the topology's relay entry: the gateway's IPv6 address
// and, per customer, the IPv4 prefix routed into the tunnel to its IPv6 end.
import { randomBytes } from 'node:crypto';
import { attachToBridge, createBridge, createNetns, createVethPair, deleteNetns } from '../../drivers/hosts/netns.ts';
import { mustRun } from '../../drivers/hosts/command.ts';
import { GuestVm } from '../interop/qemu/guest-vm.ts';

export interface IpipCustomer {
  /** IPv4 prefix the gateway routes into this customer's tunnel (the service's fixed address) */
  ipv4Prefix: string;
  /** the customer router's IPv6 tunnel end */
  remote: string;
}

export interface Ip6tnlGateway {
  netns: string;
  guest: GuestVm;
  /** the guest NIC's MAC: the Ethernet source of every frame the guest kernel sends */
  mac: string;
  /** the guest's ip6tnl device of each customer, in the order given */
  tunnels: { dev: string; customer: IpipCustomer }[];
  /** joins the guest's wire to `bridge` in `labNetns` (the lab's internet link) */
  attach(labNetns: string, bridge: string): Promise<void>;
  /** rx/tx packet counters of each tunnel device, from the guest's /proc/net/dev over its serial line */
  counters(): Promise<Record<string, { rxPackets: number; txPackets: number }>>;
  close(): Promise<void>;
}

/**
 * Boots the guest and makes it the gateway: `address` (IPv6, no DAD: one lab, no duplicates) on
 * eth0, IPv4 forwarding on, one `ip -6 tunnel ... mode ipip6` per customer with its IPv4 prefix
 * routed into it. Linux's default encapsulation limit stays: its packets carry a Destination
 * Options header with the Tunnel Encapsulation Limit (RFC 2473 §4.1.1), which the emulated router's
 * tunnel exit must take (assumption tunnel-exit-destination-options).
 */
export async function bootIp6tnlGateway(o: { address: string; customers: readonly IpipCustomer[]; bootTimeoutMs?: number }): Promise<Ip6tnlGateway> {
  const tag = randomBytes(3).toString('hex');
  const netns = `uq6-${tag}`;
  const mac = `52:54:00:${tag.slice(0, 2)}:${tag.slice(2, 4)}:${tag.slice(4, 6)}`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  };
  try {
    await createNetns(netns, { ipv6: false });
    cleanups.push(() => deleteNetns(netns));
    await createBridge(netns, 'br0');
    await mustRun(['ip', 'netns', 'exec', netns, 'ip', 'tuntap', 'add', 'dev', 'tap0', 'mode', 'tap']);
    await attachToBridge(netns, 'tap0', 'br0');
    await mustRun(['ip', 'netns', 'exec', netns, 'ip', 'link', 'set', 'tap0', 'up']);
    // no l2tpv3_addr: eth0 gets its IPv6 address below, without duplicate address detection
    const guest = await GuestVm.boot({ netns, tap: 'tap0', mac, address: '', bootTimeoutMs: o.bootTimeoutMs });
    cleanups.push(() => guest.close());
    const tunnels = o.customers.map((customer, i) => ({ dev: `t${i + 1}`, customer }));
    const bare = o.address.replace(/\/\d+$/, '');
    await guest.must([
      'set -e',
      // ip6_tunnel pulls in tunnel6 and tunnel4 (modules.dep of the extracted package)
      '/run/modprobe ip6_tunnel',
      'ip link set eth0 up',
      `ip -6 addr add ${o.address} dev eth0 nodad`,
      'echo 1 > /proc/sys/net/ipv4/ip_forward',
      ...tunnels.flatMap((t) => [
        `ip -6 tunnel add ${t.dev} mode ipip6 local ${bare} remote ${t.customer.remote}`,
        `ip link set ${t.dev} up`,
        `ip route add ${t.customer.ipv4Prefix} dev ${t.dev}`,
      ]),
    ].join('\n'));
    let wires = 0;
    const attach = async (labNetns: string, bridge: string): Promise<void> => {
      const inner = `up${wires}`;
      const outer = `uq6${tag}${wires++}`;
      await createVethPair({ name: inner, netns }, { name: outer, netns: labNetns });
      await attachToBridge(netns, inner, 'br0');
      await attachToBridge(labNetns, outer, bridge);
    };
    const counters = async (): Promise<Record<string, { rxPackets: number; txPackets: number }>> => {
      const out = await guest.must('cat /proc/net/dev');
      const found: Record<string, { rxPackets: number; txPackets: number }> = {};
      // "  t1: rxBytes rxPackets errs drop fifo frame compressed multicast txBytes txPackets ..."
      for (const line of out.split('\n')) {
        const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
        if (!m || !tunnels.some((t) => t.dev === m[1])) continue;
        const f = m[2].trim().split(/\s+/).map(Number);
        found[m[1]] = { rxPackets: f[1], txPackets: f[9] };
      }
      return found;
    };
    return { netns, guest, mac, tunnels, attach, counters, close };
  } catch (e) {
    await close();
    throw e;
  }
}


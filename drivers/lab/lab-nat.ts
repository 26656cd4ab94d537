// A home gateway's NAT in a lab (netns mode; a topology link with `nat`, issue 15 point 3 "NAT-T with
// a NAT between the sites"): the lab namespace already routes between the link bridges (it holds the
// gateway and DHCP server addresses), so it is also the NAT. nftables masquerades IPv4 from the private
// link leaving by the outside link's bridge as the lab's address there, with TCP/UDP source ports
// mapped into the topology's range when it gives one (masquerade alone keeps a free port, so a port
// change would not be seen), and from outside lets only replies in (conntrack: established/related),
// as a home gateway does. The rules live in the lab namespace: `lab down` deleting it removes them.
import { hasProgram, mustRun } from '../hosts/command.ts';
import type { PlannedNat } from './lab-plan.ts';

/** The nftables ruleset for `nats` (one table, `l2lab_nat`), for `nft -f -`. */
export function natRuleset(nats: readonly PlannedNat[]): string {
  const post: string[] = [];
  const fwd: string[] = [];
  for (const n of nats) {
    const from = `ip saddr ${n.insideSubnet} oifname "${n.outsideBridge}"`;
    if (n.ports) post.push(`    ${from} meta l4proto { tcp, udp } masquerade to :${n.ports}`);
    post.push(`    ${from} masquerade`);
    fwd.push(`    iifname "${n.outsideBridge}" oifname "${n.insideBridge}" ct state established,related accept`);
    fwd.push(`    iifname "${n.outsideBridge}" oifname "${n.insideBridge}" drop`);
  }
  return [
    'table ip l2lab_nat {',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...post,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...fwd,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** Loads the NAT rules into the lab namespace (before any router starts, so no packet passes un-NATed). */
export async function applyNat(labNetns: string, nats: readonly PlannedNat[], log: (l: string) => void): Promise<void> {
  if (nats.length === 0) return;
  if (!hasProgram('nft')) throw new Error(`the topology puts link ${nats.map((n) => n.link).join(', ')} behind a NAT, but nft is not installed (scripts/install-system-deps.sh: nftables)`);
  // with br_netfilter loaded, frames crossing a bridge pass the IP hooks at the bridge port: replies
  // would be un-NATed before the link's capture (dumpcap on the bridge) sees them, so the capture
  // would not show the wire. Off in the lab namespace: the NAT happens where the lab routes, as in a box.
  await mustRun(['ip', 'netns', 'exec', labNetns, 'sh', '-c', 'f=/proc/sys/net/bridge/bridge-nf-call-iptables; [ ! -e $f ] || echo 0 > $f']);
  await mustRun(['ip', 'netns', 'exec', labNetns, 'nft', '-f', '-'], 20_000, natRuleset(nats));
  for (const n of nats) log(`NAT: link ${n.link} (${n.insideSubnet}) masqueraded onto ${n.outsideBridge} as ${n.outsideAddress}${n.ports ? `, ports ${n.ports}` : ''}`);
}

// `lab up --netns` for links with a `relay` (issue 19, topologies/schema/underlay-schema.ts): the
// relay process (relay-process.ts) on the link's bridge in the lab namespace, and the `--map-e`
// argument of each MAP-E router (the rule and End-user prefix its service would hand out).
import path from 'node:path';
import type { Topology } from '../../topologies/schema/index.ts';
import type { BorderRelayConfig } from '../../reference-impl/underlay/index.ts';
import type { LabPlan } from './lab-plan.ts';
import { startDetached, waitForReadyLine, type Started } from './lab-processes.ts';
import { RELAY_PROCESS_FILE } from './relay-process.ts';

/** Locally administered, from the documentation range's OUI pattern: never a router's or the kernel's. */
export const DEFAULT_RELAY_MAC = '02:00:5e:00:53:01';

export interface PlannedRelay {
  link: string;
  bridge: string;
  mac: string;
  config: BorderRelayConfig;
}

export class RelayPlanError extends Error {}

export function planRelays(t: Topology, plan: LabPlan): PlannedRelay[] {
  const out: PlannedRelay[] = [];
  for (const l of t.links) {
    if (!l.relay) continue;
    const bridge = plan.bridges.find((b) => b.carries === `link ${l.name}`)?.name;
    if (!bridge) throw new RelayPlanError(`link ${l.name} has a relay (the ISP side of IPIP / MAP-E): it runs only with lab up --netns`);
    out.push({
      link: l.name, bridge, mac: l.relay.mac ?? DEFAULT_RELAY_MAC,
      config: {
        address: l.relay.address,
        mapRules: (l.relay.map_e_rules ?? []).map((r) => ({ ipv6Prefix: r.ipv6_prefix, ipv4Prefix: r.ipv4_prefix, eaBits: r.ea_bits, psidOffset: r.psid_offset, brAddress: l.relay!.address })),
        ipip: (l.relay.ipip ?? []).map((c) => ({ ipv4Prefix: c.ipv4_prefix, remote: c.remote })),
      },
    });
  }
  return out;
}

/** `router --map-e JSON` for a router with `map_e` (its link's relay holds the rule). */
export function mapERouterArgs(t: Topology, router: string): string[] {
  const r = t.routers.find((x) => x.name === router);
  if (!r?.map_e) return [];
  const link = t.links.find((l) => l.name === r.map_e!.link);
  const rule = link?.relay?.map_e_rules?.[r.map_e.rule ?? 0];
  if (!link?.relay || !rule) throw new RelayPlanError(`router ${router} map_e: link '${r.map_e.link}' has no relay with map_e_rules[${r.map_e.rule ?? 0}]`);
  const json = { rule: { ipv6Prefix: rule.ipv6_prefix, ipv4Prefix: rule.ipv4_prefix, eaBits: rule.ea_bits, psidOffset: rule.psid_offset, brAddress: link.relay.address }, endUserPrefix: r.map_e.end_user_prefix };
  return ['--map-e', JSON.stringify(json)];
}

/** Starts each relay in the lab namespace and waits for its ready line (bounded). */
export async function startRelays(plan: LabPlan, relays: readonly PlannedRelay[], tempDir: string, onStarted: (s: Started) => void, log: (line: string) => void, timeoutMs = 20_000): Promise<void> {
  if (!relays.length) return;
  if (!plan.labNetns) throw new RelayPlanError('relays need lab up --netns');
  const tsx = import.meta.resolve('tsx');
  for (const r of relays) {
    const logFile = path.join(tempDir, `relay-${r.link}.log`);
    const argv = ['ip', 'netns', 'exec', plan.labNetns, process.execPath, '--import', tsx, RELAY_PROCESS_FILE, '--if', r.bridge, '--mac', r.mac, '--config', JSON.stringify(r.config), '--lab', plan.prefix];
    const s = startDetached(`relay ${r.link}`, argv, logFile);
    onStarted(s);
    await waitForReadyLine(logFile, s, timeoutMs);
    log(`started relay on link ${r.link} (bridge ${r.bridge}, ${r.config.address}, pid ${s.proc.pid})`);
  }
}

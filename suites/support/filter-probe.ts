// The filter stage-order probe: every stage the device can configure on lan1 gets one `pass-log`
// filter matching everything, each with its own filter number; one IPv4 frame crosses lan1 and
// the order of the filter log lines is the order in which the device applied its stages. The
// result is compared with the firmware profile's order (reference-impl/filter order-profile.ts,
// `memberOrder`, an ASSUMPTION beyond the seed's notes ※1-※3), restricted to the probed stages.
import { buildEthernetFrame, buildIpPacket } from '../../reference-impl/capture/ip.ts';
import { pathStages, type FilterCapabilitySet, type FilterOrderProfile, type FilterStage, type Direction } from '../../reference-impl/filter/index.ts';

/** Filter numbers of the probe, one per stage (any distinct numbers do). */
export const PROBE_FILTER_ID: Readonly<Partial<Record<FilterStage, number>>> = {
  ethernet: 101,
  'ip-static': 201,
  'input-blocking': 301,
};

/**
 * The stages the probe configures, with the command binding each to lan1 in `dir`. Input blocking
 * (`ip lan1 inbound filter`) has no direction: it is bound once and probed in both directions,
 * which is how the probe sees ※1 (in direction only). It exists on policy-filter models only
 * (seed figure filter2); elsewhere the command configures nothing.
 */
export function probeConfig(caps: FilterCapabilitySet, dir: Direction): { stages: FilterStage[]; lines: string[] } {
  const e = PROBE_FILTER_ID.ethernet!;
  const ip = PROBE_FILTER_ID['ip-static']!;
  const ib = PROBE_FILTER_ID['input-blocking']!;
  const stages: FilterStage[] = ['ethernet', 'ip-static'];
  const lines = [
    `ethernet filter ${e} pass-log * *`,
    `ethernet lan1 filter ${dir} ${e}`,
    `ip filter ${ip} pass-log * * *`,
    `ip lan1 secure filter ${dir} ${ip}`,
    'syslog notice on',
  ];
  if (caps.policyFilterModel) {
    stages.push('input-blocking');
    lines.push(`ip filter ${ib} pass-log * * *`, `ip lan1 inbound filter ${ib}`);
  }
  return { stages, lines };
}

/**
 * The stage a filter log line names, by the filter number in `IN(N)` / `OUT(N)`. ASSUMPTION: the
 * log line carries the matched filter number in that form (reference-impl/router/filter-stage.ts
 * filterLogLine; not documented; a hardware run confirms or refutes).
 */
export function stageOfLogLine(text: string): { stage: FilterStage; direction: Direction } | undefined {
  const m = /\b(IN|OUT)\((\d+)\)/.exec(text);
  if (!m) return undefined;
  const id = Number(m[2]);
  const stage = (Object.keys(PROBE_FILTER_ID) as FilterStage[]).find((s) => PROBE_FILTER_ID[s] === id);
  return stage ? { stage, direction: m[1] === 'IN' ? 'in' : 'out' } : undefined;
}

/** The profile's order of the probed stages for a frame crossing lan1 in `dir`. */
export function expectedOrder(caps: FilterCapabilitySet, dir: Direction, probed: readonly FilterStage[], profile?: FilterOrderProfile): FilterStage[] {
  const lan = { name: 'lan1', role: 'lan-member' as const };
  const tunnel = { name: 'tunnel1', role: 'tunnel-member' as const };
  const path = dir === 'in' ? { kind: 'bridged' as const, ingress: lan, egress: tunnel, bridge: 'bridge1' } : { kind: 'bridged' as const, ingress: tunnel, egress: lan, bridge: 'bridge1' };
  return pathStages(caps, path, profile)
    .filter((r) => r.interfaceName === 'lan1' && probed.includes(r.stage))
    .map((r) => r.stage);
}

/** An IPv4/UDP frame from `src` to `dst` carrying `marker` (what every probed stage sees). */
export function probeFrame(src: { mac: string; ip: string }, dst: { mac: string; ip: string }, marker: string): Uint8Array {
  const body = new TextEncoder().encode(marker.padEnd(32, '.'));
  const udp = Uint8Array.from([0x9c, 0x40, 0x9c, 0x41, 0, 8 + body.length, 0, 0, ...body]); // ports 40000 -> 40001, no checksum
  return buildEthernetFrame({ src: src.mac, dst: dst.mac, etherType: 0x0800, payload: buildIpPacket({ src: src.ip, dst: dst.ip, protocol: 17, payload: udp }) });
}

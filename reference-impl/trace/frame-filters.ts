// The filters a config binds to bridge members (seed: L2TPv3でのフィルタリング; facts §1.5, §4.1),
// read with the config oracle and applied with the filter oracle (stage order from the firmware
// profile, first match decides, no match drops), with the log lines `-log` filters write. What the
// trace prediction asks for each frame path. Pure.
import { canonicalText, commands, lineWords, param, params, parseConfig } from '../config/index.ts';
import {
  DEFAULT_FILTER_ORDER_PROFILE, evaluateEthernetFilters, evaluateIpFilters, FILTER_LOG_SEVERITY, filterLogText, ipv4ViewOfFrame,
  parseEthernetFilter, parseIpFilter, pathStages, resolveFilterList, runPipeline,
  type EthernetFilterRule, type FilterCapabilitySet, type FilterOrderProfile, type FramePath, type IpFilterRule, type StageRef,
} from '../filter/index.ts';
import { formatMacAddress } from '../l2tpv3/ethernet-frame.ts';

interface Binding {
  readonly iface: string;
  readonly direction: 'in' | 'out';
  readonly ids: readonly number[];
}

export interface FilterLogLine {
  readonly severity: number;
  readonly text: string;
}

export interface FilterOutcome {
  readonly allowed: boolean;
  /** Log lines of the `-log` filters that matched, in the order the stages ran. */
  readonly logs: readonly FilterLogLine[];
}

const ALLOWED: FilterOutcome = Object.freeze({ allowed: true, logs: Object.freeze([]) });

/** The member filters of one config. */
export class MemberFilters {
  private readonly ethernet: EthernetFilterRule[] = [];
  private readonly ip: IpFilterRule[] = [];
  private readonly ethernetBindings: Binding[] = [];
  private readonly ipBindings: Binding[] = [];
  /** `ip IF inbound filter LIST` (input blocking, seed ※1; outside the config oracle's command table, read by words). */
  private readonly inbound = new Map<string, number[]>();

  constructor(
    config: string,
    private readonly caps: FilterCapabilitySet,
    private readonly profile: FilterOrderProfile = DEFAULT_FILTER_ORDER_PROFILE,
  ) {
    const doc = parseConfig(config);
    for (const line of doc.lines) {
      if (line.parsed.kind !== 'unknown') continue;
      const w = lineWords(line);
      if (w[0] === 'ip' && w[2] === 'inbound' && w[3] === 'filter') this.inbound.set(w[1], w.slice(4).map(Number).filter(Number.isInteger));
    }
    for (const { command, line } of commands(doc)) {
      if (command.negated) continue;
      const binding = (): Binding => ({ iface: String(param(command, 'interface')), direction: param(command, 'direction') as 'in' | 'out', ids: params(command, 'filters').map(Number) });
      if (command.id === 'ethernet filter') this.ethernet.push(parseEthernetFilter(canonicalText(line)));
      else if (command.id === 'ip filter') this.ip.push(parseIpFilter(canonicalText(line)));
      else if (command.id === 'ethernet interface filter') this.ethernetBindings.push(binding());
      else if (command.id === 'ip secure filter') this.ipBindings.push(binding());
    }
  }

  get empty(): boolean {
    return this.ethernetBindings.length === 0 && this.ipBindings.length === 0 && this.inbound.size === 0;
  }

  /**
   * Whether a frame may take `path`, and what the filters on the way log. `part`: the stages of the
   * ingress member's `in` direction only, or every stage after them. A received frame meets its
   * ingress filters once, whether it then goes to the device itself, to one member or is flooded to
   * several; so the oracle asks `ingress` once per frame and `after-ingress` per destination.
   */
  decide(path: FramePath, frame: Uint8Array, part: 'all' | 'ingress' | 'after-ingress' = 'all'): FilterOutcome {
    if (this.empty) return ALLOWED;
    const ingress = path.kind === 'from-router' ? undefined : path.ingress.name;
    const isIngress = (r: StageRef) => r.interfaceName === ingress && r.direction === 'in';
    const stages = pathStages(this.caps, path, this.profile).filter((r) => part === 'all' || (part === 'ingress') === isIngress(r));
    const logs: FilterLogLine[] = [];
    const r = runPipeline(stages, (ref, f: Uint8Array) => this.stage(ref, f, logs), frame);
    return { allowed: r.verdict === 'forwarded', logs };
  }

  private bound(list: readonly Binding[], ref: StageRef): readonly number[] | undefined {
    let ids: readonly number[] | undefined;
    for (const b of list) if (b.iface === ref.interfaceName && b.direction === ref.direction) ids = b.ids; // the last binding counts
    return ids;
  }

  private stage(ref: StageRef, frame: Uint8Array, logs: FilterLogLine[]): 'pass' | 'reject' | undefined {
    if (ref.stage === 'ethernet') {
      const ids = this.bound(this.ethernetBindings, ref);
      if (!ids) return undefined;
      const d = evaluateEthernetFilters(resolveFilterList(this.ethernet, ids).rules, frame);
      if (d.log) logs.push({ severity: FILTER_LOG_SEVERITY, text: filterLogText('ethernet', ref, d, `${formatMacAddress(frame.subarray(6, 12))} > ${formatMacAddress(frame)}`) });
      return d.verdict;
    }
    const ids = ref.stage === 'ip-static' ? this.bound(this.ipBindings, ref) : ref.stage === 'input-blocking' ? this.inbound.get(ref.interfaceName) : undefined;
    if (!ids) return undefined;
    const pk = ipv4ViewOfFrame(frame);
    if (!pk) return this.profile.nonIpFramesAtIpStages;
    const d = evaluateIpFilters(resolveFilterList(this.ip, ids).rules, pk);
    if (d.log) logs.push({ severity: FILTER_LOG_SEVERITY, text: filterLogText('ip', ref, d, `PROTO=${pk.protocol} ${pk.src} > ${pk.dst}`) });
    return d.verdict === 'pass' ? 'pass' : 'reject';
  }
}

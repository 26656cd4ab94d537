// Which filter stages a frame meets on its way through a router's bridge, and a pure runner that
// applies per-stage decisions in that order and records the trace.
// seed: L2TPv3でのフィルタリング ("収容インターフェースにフィルターを適用した場合 ... ブリッジングの過程で処理されます").

import { DEFAULT_FILTER_ORDER_PROFILE, type CapabilitySetName, type FilterOrderProfile } from './order-profile.ts';
import type { Direction, FilterCapabilitySet, FilterStage, InterfaceRole } from './stages.ts';

/** One stage at one interface in one direction. */
export interface StageRef {
  readonly interfaceName: string;
  readonly role: InterfaceRole;
  readonly direction: Direction;
  readonly stage: FilterStage;
}

export function capabilitySetName(caps: FilterCapabilitySet): CapabilitySetName {
  return caps.policyFilterModel ? 'policy-filter' : 'standard';
}

/** The stages configured filters on one interface go through, in order. */
export function stagesAt(
  caps: FilterCapabilitySet,
  role: InterfaceRole,
  direction: Direction,
  profile: FilterOrderProfile = DEFAULT_FILTER_ORDER_PROFILE,
): FilterStage[] {
  const order = profile.memberOrder[capabilitySetName(caps)][direction];
  switch (role) {
    case 'lan-member':
      return [...order];
    case 'tunnel-member':
      // seed figure filter3; ASSUMPTION tunnelMemberStages (order-profile.ts)
      return caps.tunnelInterfaceFilter ? [...order] : [];
    case 'bridge':
      return order.filter((s) => profile.bridgeStages.includes(s));
  }
}

export interface MemberPort {
  readonly name: string;
  readonly role: 'lan-member' | 'tunnel-member';
}

/** How a frame crosses the router. */
export type FramePath =
  /** Bridged between two members (L2; seed: member filters apply during bridging). */
  | { readonly kind: 'bridged'; readonly ingress: MemberPort; readonly egress: MemberPort; readonly bridge: string }
  /** Received on a member and addressed to the router itself through bridgeN. */
  | { readonly kind: 'to-router'; readonly ingress: MemberPort; readonly bridge: string }
  /** Sent by the router through bridgeN out of a member. */
  | { readonly kind: 'from-router'; readonly egress: MemberPort; readonly bridge: string };

function refs(name: string, role: InterfaceRole, direction: Direction, stages: FilterStage[]): StageRef[] {
  return stages.map((stage) => ({ interfaceName: name, role, direction, stage }));
}

/** Every stage on the path, in the order the router applies them. */
export function pathStages(
  caps: FilterCapabilitySet,
  path: FramePath,
  profile: FilterOrderProfile = DEFAULT_FILTER_ORDER_PROFILE,
): StageRef[] {
  const at = (p: MemberPort, d: Direction) => refs(p.name, p.role, d, stagesAt(caps, p.role, d, profile));
  const bridgeAt = (d: Direction) => refs(path.bridge, 'bridge', d, stagesAt(caps, 'bridge', d, profile));
  switch (path.kind) {
    case 'bridged':
      return [
        ...at(path.ingress, 'in'),
        // ASSUMPTION bridgeFiltersOnBridgedFrames (default false)
        ...(profile.bridgeFiltersOnBridgedFrames ? [...bridgeAt('in'), ...bridgeAt('out')] : []),
        ...at(path.egress, 'out'),
      ];
    case 'to-router':
      return [...at(path.ingress, 'in'), ...bridgeAt('in')];
    case 'from-router':
      return [...bridgeAt('out'), ...at(path.egress, 'out')];
  }
}

export type StageVerdict = 'pass' | 'reject';

/** Decides one stage for one frame; undefined = nothing configured there (the stage passes it). */
export type StageDecider<F> = (ref: StageRef, frame: F) => StageVerdict | undefined;

export interface PipelineResult {
  readonly verdict: 'forwarded' | 'dropped';
  /** Stages that had a filter configured and were consulted, in order. */
  readonly consulted: readonly StageRef[];
  readonly droppedAt?: StageRef;
}

/** Runs the stages in order; the first reject drops the frame and later stages never see it. */
export function runPipeline<F>(stages: readonly StageRef[], decide: StageDecider<F>, frame: F): PipelineResult {
  const consulted: StageRef[] = [];
  for (const ref of stages) {
    const v = decide(ref, frame);
    if (v === undefined) continue;
    consulted.push(ref);
    if (v === 'reject') return { verdict: 'dropped', consulted, droppedAt: ref };
  }
  return { verdict: 'forwarded', consulted };
}

/** Formats a stage reference for traces and reports: "lan1 in ip-static". */
export function stageLabel(r: StageRef): string {
  return `${r.interfaceName} ${r.direction} ${r.stage}`;
}

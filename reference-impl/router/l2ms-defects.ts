// L2MS defects of the emulated router (seed: L2TPv3とL2MS; CR §48.1.1-48.1.2), written from what the
// documents say a router does and how a firmware could get it wrong: the config's L2MS state read
// wrongly (initial mode, a bridge member's `use`), and a frame's disposition changed where L2MS is off
// (the seed's pass-through) or where the router is the manager. router/l2ms-stage.ts applies them;
// the faithful router applies none. Pure.
import { decodeL2ms, discoveryAnswer, type L2msDisposition, type L2msInterfaceState } from '../l2ms/index.ts';
import type { L2msConfigView } from '../l2ms/index.ts';
import type { DefectName } from './defects.ts';

export type L2msDefects = ReadonlySet<DefectName>;

/** The config view the router runs with its defects (the state of every interface follows from it). */
export function l2msViewWithDefects(view: L2msConfigView & { readonly modeConfigured: boolean }, defects: L2msDefects): L2msConfigView {
  // defect l2ms-default-mode-agent: without `switch control mode` the router runs agent (CR §48.1.1: initial manager)
  const mode = defects.has('l2ms-default-mode-agent') && !view.modeConfigured ? 'agent' : view.mode;
  return { ...view, mode };
}

/** A bridge's state with its defects: l2ms-member-use-ignored reads only the bridge's own `use`. */
export function l2msBridgeStateWithDefects(view: L2msConfigView, bridge: string, faithful: L2msInterfaceState, defects: L2msDefects): L2msInterfaceState {
  // defect l2ms-member-use-ignored: `switch control use lanN on` of a member does not reach the bridge
  if (!defects.has('l2ms-member-use-ignored')) return faithful;
  return { mode: faithful.mode, use: view.use.get(bridge) === true };
}

/**
 * Where L2MS does not run (mode off, or `use` off): the faithful router bridges the frame as any
 * other (undefined). The defects drop it, answer it, or change it before it is bridged.
 */
export function l2msOffWithDefects(frame: Uint8Array, self: { mac: Uint8Array; macText: string; model: string }, defects: L2msDefects): L2msDisposition | undefined {
  // defect l2ms-off-consumes: L2MS frames are dropped where L2MS is disabled (the seed's advice breaks)
  if (defects.has('l2ms-off-consumes')) return { bridged: false, answers: [], why: 'defect l2ms-off-consumes: dropped although L2MS is off here' };
  // defect l2ms-off-source-rewritten: the frame is bridged with the router's MAC as source (relayed, not
  // bridged). In place: the data plane bridges this very buffer next, and nothing else keeps it.
  if (defects.has('l2ms-off-source-rewritten')) frame.set(self.mac, 6);
  // defect l2ms-off-answers-discovery: the router answers a manager's query although L2MS is off (CR §48.1.1)
  if (defects.has('l2ms-off-answers-discovery') && decodeL2ms(frame)?.kind === 'query') {
    return { bridged: true, answers: [discoveryAnswer(frame, { mac: self.macText, model: self.model })], why: 'defect l2ms-off-answers-discovery: answered although L2MS is off' };
  }
  return undefined;
}

/** Where the router runs L2MS: the oracle's disposition `d`, changed by the manager's defects. */
export function l2msRunningWithDefects(frame: Uint8Array, state: L2msInterfaceState, d: L2msDisposition, self: { macText: string; model: string }, defects: L2msDefects): L2msDisposition {
  if (state.mode !== 'manager') return d;
  let out = d;
  // defect l2ms-manager-answers-discovery: the manager answers another manager's query as an agent would
  if (defects.has('l2ms-manager-answers-discovery') && decodeL2ms(frame)?.kind === 'query') {
    out = { ...out, answers: [...out.answers, discoveryAnswer(frame, { mac: self.macText, model: self.model })], why: 'defect l2ms-manager-answers-discovery' };
  }
  // defect l2ms-manager-bridges: the manager does not consume L2MS frames; they cross the bridge too
  if (defects.has('l2ms-manager-bridges')) out = { ...out, bridged: true, why: 'defect l2ms-manager-bridges: bridged although the manager consumes L2MS frames' };
  return out;
}

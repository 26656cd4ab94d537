// The emulated router's L2MS handling (seed: L2TPv3とL2MS; CR §48.1.1-48.1.2): for a frame that
// enters a bridge (or a LAN port outside any bridge), the L2MS disposition of the oracle
// (reference-impl/l2ms) under the config's mode and `switch control use` settings. The data plane
// asks ingress() before bridging; anything that is not an L2MS frame costs two octet compares.
// Injected defects: router/l2ms-defects.ts.
import type { L2msSettings } from '../config/index.ts';
import { isL2msFrame, l2msDisposition, l2msStateAt, macText, type L2msDisposition, type L2msInterfaceState } from '../l2ms/index.ts';
import type { BridgeView } from '../config/index.ts';
import type { DefectName } from './defects.ts';
import { l2msBridgeStateWithDefects, l2msOffWithDefects, l2msRunningWithDefects, l2msViewWithDefects } from './l2ms-defects.ts';

export interface L2msStageInput {
  readonly l2ms: L2msSettings;
  readonly bridges: readonly BridgeView[];
}

export class L2msStage {
  /** interface (bridge or LAN port) -> L2MS state there */
  private readonly states = new Map<string, L2msInterfaceState>();

  constructor(
    plan: L2msStageInput,
    private readonly model: string,
    /** The router's MAC on a bridge or LAN port (what an agent answers from). */
    private readonly macOf: (iface: string) => Uint8Array,
    private readonly defects: ReadonlySet<DefectName>,
  ) {
    const view = l2msViewWithDefects({ ...plan.l2ms, bridges: plan.bridges }, defects);
    for (const iface of plan.l2ms.use.keys()) this.states.set(iface, l2msStateAt(view, iface));
    for (const b of plan.bridges) this.states.set(b.bridge, l2msBridgeStateWithDefects(view, b.bridge, l2msStateAt(view, b.bridge), defects));
  }

  /**
   * The disposition of a frame entering `iface` (a bridge, or a LAN port outside every bridge);
   * undefined for a frame that is not an L2MS frame, or one bridged like any other (handled as before).
   */
  ingress(iface: string, frame: Uint8Array): L2msDisposition | undefined {
    if (!isL2msFrame(frame)) return undefined;
    const state = this.states.get(iface) ?? { mode: 'off', use: false };
    const mac = this.macOf(iface);
    const self = { mac, macText: macText(mac), model: this.model };
    if (state.mode === 'off' || !state.use) return this.defects.size === 0 ? undefined : l2msOffWithDefects(frame, self, this.defects);
    const d = l2msDisposition(frame, state, { mac: self.macText, model: this.model });
    return this.defects.size === 0 ? d : l2msRunningWithDefects(frame, state, d, self, this.defects);
  }
}

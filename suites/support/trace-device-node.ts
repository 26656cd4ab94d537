// The device as the control prediction plays it: the oracle's L2tpNode built from the device's
// config (config oracle + tunnelSettingsFromConfig), rebuilt when a configuration command typed
// at its CLI changes its L2TP settings, the way the device applies a changed config: the service
// closes (`closed port`, StopCCN to connected peers), everything it was waiting for is dropped,
// and the service opens again with the new settings. ASSUMPTION (the emulated router's,
// reference-impl/router/router.ts reconfigure): settings that do not touch L2TP keep the control
// plane as it is. A sim node (reference-impl/sim SimNode).
import { l2tpService, l2tpTunnels, parseConfig } from '../../reference-impl/config/index.ts';
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
import type { NodeAction, NodeEvent } from '../../reference-impl/control/node-events.ts';
import { L2tpNode, type TunnelConfig } from '../../reference-impl/control/node.ts';
import type { RandomSource } from '../../reference-impl/control/random.ts';
import { tunnelSettingsFromConfig } from '../../reference-impl/control/tunnel-settings-from-config.ts';
import type { SimNode } from '../../reference-impl/sim/simulator.ts';

export function deviceTunnels(config: string, model: string): TunnelConfig[] {
  return l2tpTunnels(parseConfig(config))
    .filter((v) => v.endpointAddress !== undefined)
    .map((v) => ({ settings: tunnelSettingsFromConfig(v, model), remoteAddress: v.endpointAddress!.remote, enabled: v.enabled }));
}

/** What decides whether the control plane is rebuilt: the tunnels' settings and the service switch. */
function l2tpKey(config: string, model: string): string {
  const tunnels = deviceTunnels(config, model).map((t) => ({ ...t, settings: { ...t.settings, auth: { e: t.settings.auth.enabled, p: String(t.settings.auth.password) } } }));
  return JSON.stringify({ tunnels, service: l2tpService(parseConfig(config)).enabled });
}

export class DeviceNode implements SimNode {
  private node: L2tpNode;
  private key: string;
  /** Timers the current node asked for and that have not fired or been cancelled. */
  private readonly pending = new Set<string>();
  /** Config changes to apply, in time order: at `atMs` the device's config becomes `config`. */
  private readonly changes: { atMs: number; config: string }[] = [];

  constructor(private config: string, private readonly model: string, private readonly random: RandomSource, private readonly profile?: Partial<ControlProfile>) {
    this.node = this.build();
    this.key = l2tpKey(config, model);
  }

  /** The config changes at `atMs` (schedule a `serviceOff` event at that time too: that is where it is applied). */
  changeConfigAt(atMs: number, config: string): void {
    this.changes.push({ atMs, config });
  }

  /** Whether the L2TP service is on in the config the device starts with. */
  get serviceEnabled(): boolean {
    return l2tpService(parseConfig(this.config)).enabled;
  }

  handle(event: NodeEvent, nowMs: number): NodeAction[] {
    const due = this.changes.length > 0 && this.changes[0].atMs <= nowMs && event.kind === 'serviceOff';
    if (!due) return this.track(this.node.handle(event, nowMs));
    const { config } = this.changes.shift()!;
    const key = l2tpKey(config, this.model);
    this.config = config;
    if (key === this.key) return [];
    this.key = key;
    const out = this.track(this.node.handle({ kind: 'serviceOff' }, nowMs));
    // the old control plane is discarded: nothing it was waiting for fires any more
    for (const id of this.pending) out.push({ kind: 'cancelTimer', id });
    this.pending.clear();
    this.node = this.build();
    if (this.serviceEnabled) out.push(...this.track(this.node.handle({ kind: 'serviceOn' }, nowMs)));
    return out;
  }

  private build(): L2tpNode {
    return new L2tpNode({ tunnels: deviceTunnels(this.config, this.model), random: this.random, profile: this.profile });
  }

  private track(actions: NodeAction[]): NodeAction[] {
    for (const a of actions) {
      if (a.kind === 'setTimer') this.pending.add(a.id);
      else if (a.kind === 'cancelTimer') this.pending.delete(a.id);
    }
    return actions;
  }
}

// The oracle's predicted trace of a control-plane stimulus: the device's L2TP node built from the
// test's config and rebuilt when a CLI command changes it (trace-device-node.ts), and one oracle
// node per tester peer (its misbehaviours included: drivers/trace/simulated-peer.ts), wired
// through reference-impl/sim on a virtual clock, each harness step applied at the virtual time it
// was applied to the device. Out of it come the control messages both ways and the syslog lines
// that reach the collector.
import { commands, configPlatform, param, parseConfig, type CliContext } from '../../reference-impl/config/index.ts';
import { RunningConfig } from '../../reference-impl/config/running-config.ts';
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';
import { Simulation, type ChannelParams } from '../../reference-impl/sim/simulator.ts';
import type { SyslogLevel } from '../../reference-impl/syslog/catalogue.ts';
import { controlEvent } from '../../reference-impl/trace/control-event.ts';
import { syslogEvent } from '../../reference-impl/trace/observation-events.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { isControl } from '../../drivers/peer/raw-message.ts';
import { HELLO_STEP_TIMER, SimulatedPeer } from '../../drivers/trace/simulated-peer.ts';
import type { TimedStep } from '../../drivers/trace/stimulus-log.ts';
import { toVirtualMs, type TraceClock } from '../../drivers/trace/trace-clock.ts';
import { SEVERITY_OF_LEVEL } from './expect-syslog.ts';
import { DeviceNode, deviceTunnels } from './trace-device-node.ts';

/** Loopback, and a peer that answers at once: the harness's own delays are not modelled (the named filter of retransmitted copies and the timing tolerance cover their effects). */
const LOOPBACK: ChannelParams = { loss: 0, duplicate: 0, minDelayMs: 0, maxDelayMs: 0 };
/** Any seed: values drawn from it are abstracted by role before the comparison. */
const PREDICTION_SEED = 3931;

export interface ControlPredictionInput {
  readonly config: string;
  readonly model: string;
  /** The device's firmware revision (`Rev.x.y.z` or `x.y.z`): the CLI's config checks depend on it. */
  readonly firmware: string;
  /** Where the peers reach the device (the peers' `device` endpoint host). */
  readonly deviceAddress: string;
  readonly peers: readonly PeerTunnel[];
  readonly steps: readonly TimedStep[];
  readonly clock: TraceClock;
  /** Virtual ms the prediction runs to (the observed trace's horizon). */
  readonly horizonMs: number;
  readonly nameOf: (host: string) => string;
  /** The device's firmware profile (a profile variant changes the session AVPs it sends); default: the default profile. */
  readonly profile?: ControlProfile;
  /** The observed trace (its first device message bounds when the device really started). */
  readonly observed: readonly TraceEvent[];
}

/** Which levels reach the collector: `syslog info|debug on` as the config says; a prediction refuses to guess a missing switch. */
export function syslogSwitches(config: string): Record<SyslogLevel, boolean> {
  const doc = parseConfig(config);
  const sw: Partial<Record<SyslogLevel, boolean>> = {};
  for (const { command } of commands(doc)) {
    if (command.id !== 'syslog level') continue;
    const level = String(param(command, 'level')).toUpperCase() as SyslogLevel;
    sw[level] = String(param(command, 'switch')) === 'on' && !command.negated;
  }
  if (sw.INFO === undefined || sw.DEBUG === undefined) throw new Error('trace prediction: the config must say `syslog info on|off` and `syslog debug on|off` (their defaults are not documented)');
  return sw as Record<SyslogLevel, boolean>;
}


export function predictControlTrace(i: ControlPredictionInput): TraceEvent[] {
  const random = new Mulberry32(PREDICTION_SEED);
  const device = i.deviceAddress;
  const byHost = new Map(i.peers.map((p) => [p.local.host, p]));
  const sim = new Simulation(PREDICTION_SEED);
  const deviceNode = new DeviceNode(i.config, i.model, random.fork(), i.profile);
  sim.addNode(device, deviceNode);
  const running = new RunningConfig(configPlatform(i.model, i.firmware.replace(/^Rev\./, '')), i.config, 'en');
  let context: CliContext = { tunnel: null };
  const simPeers = new Map<string, SimulatedPeer>();
  for (const p of i.peers) {
    const start = i.steps.find(({ step }) => step.kind === 'peerStart' && step.peer === p.local.host)?.step;
    const started = start?.kind === 'peerStart' ? start : undefined;
    const node = new SimulatedPeer(p, device, started?.misbehaviours ?? [], random.fork().nextU32(), started?.controlHooks);
    node.hellosFromSteps = i.steps.some(({ step }) => step.kind === 'peerHello' && step.peer === p.local.host);
    simPeers.set(p.local.host, node);
    sim.addNode(p.local.host, node);
    sim.link(device, p.local.host, LOOPBACK);
  }
  const firstDeviceMessage = Math.min(...i.observed.filter((e) => e.source === 'control' && e.by === undefined).map((e) => e.t));
  for (const { atMs, step } of i.steps) {
    // whole virtual ms, as the simulator delivers on (its channel delays round)
    const t = Math.max(0, Math.round(toVirtualMs(i.clock, atMs)));
    switch (step.kind) {
      case 'deviceStart':
        // The step is recorded when the harness learns the device is up (an emulated router's
        // ready line, a finished config push); the service may have opened a little earlier, and
        // a device sends no L2TP before it has: its first control message bounds the start.
        if (deviceNode.serviceEnabled) sim.at(Math.min(t, Math.floor(firstDeviceMessage)), device, { kind: 'serviceOn' });
        break;
      case 'peerStart': {
        const p = byHost.get(step.peer);
        if (!p) throw new Error(`trace prediction: no peer at ${step.peer}`);
        sim.at(t, step.peer, { kind: 'serviceOn' });
        if (step.role === 'initiator') sim.at(t, step.peer, { kind: 'connect', tunnel: p.tunnel });
        break;
      }
      case 'deviceCommand': {
        // CR: `connect tunnel N` / `disconnect tunnel N` act on the control connection; other
        // commands (show, configuration) do not touch it (the CLI channel predicts their output).
        const m = /^(connect|disconnect) tunnel (\d+)$/.exec(step.command.trim());
        if (m) {
          sim.at(t, device, { kind: m[1] === 'connect' ? 'connect' : 'disconnect', tunnel: Number(m[2]) });
          break;
        }
        // A configuration command changes the device's config as the CLI oracle says; the device
        // node applies it at that time (trace-device-node.ts).
        if (/^\s*(show|save|clear)\b/.test(step.command)) break;
        const r = running.apply(step.command, context);
        if (!r.ok || !r.changed) {
          if (r.ok) context = r.context;
          break;
        }
        context = r.context;
        deviceNode.changeConfigAt(t, running.text());
        sim.at(t, device, { kind: 'serviceOff' });
        break;
      }
      case 'peerClose': {
        const node = simPeers.get(step.peer);
        if (node) node.closedAtMs = t;
        break;
      }
      case 'peerHello':
        sim.at(t, step.peer, { kind: 'timer', id: HELLO_STEP_TIMER });
        break;
      case 'peerData': {
        // the device's tunnel facing the peer counts the data (CR 16.3: it restarts the idle timer)
        const n = deviceTunnels(i.config, i.model).find((x) => x.remoteAddress === step.peer)?.settings.tunnel;
        if (n === undefined) throw new Error(`trace prediction: no tunnel of the device faces ${step.peer}`);
        sim.at(t, device, { kind: 'dataActivity', tunnel: n });
        // and the peer's own node, as PeerTunnel.sendFrame dispatches it (its idle timer)
        sim.at(t, step.peer, { kind: 'dataActivity', tunnel: byHost.get(step.peer)?.tunnel ?? 1 });
        break;
      }
      case 'peerConnect':
      case 'peerDisconnect':
        sim.at(t, step.peer, { kind: step.kind === 'peerConnect' ? 'connect' : 'disconnect', tunnel: byHost.get(step.peer)?.tunnel ?? 1 });
        break;
    }
  }
  sim.runUntil(i.horizonMs);
  const sw = syslogSwitches(i.config);
  const events: TraceEvent[] = [];
  for (const e of sim.trace) {
    if ('wire' in e) {
      const { from, bytes } = e;
      if (e.wire !== 'delivered' || !isControl(bytes)) continue;
      const toPeer = from === device;
      const p = byHost.get(toPeer ? e.node : from);
      // a closed peer's socket records nothing more (what the device still sends it is lost)
      if (toPeer && e.t >= (simPeers.get(e.node)?.closedAtMs ?? Infinity)) continue;
      if (p) events.push(controlEvent(bytes, e.t, i.nameOf(p.local.host), p.settings.auth.enabled ? p.settings.auth.password : undefined, toPeer ? 'device' : 'harness'));
    } else if (e.node === device && e.action.kind === 'syslog' && sw[e.action.level]) {
      events.push(syslogEvent(SEVERITY_OF_LEVEL[e.action.level], e.action.text, e.t));
    }
  }
  return events;
}

// The control-plane channel of every TracedLab verdict: the control messages in the peers'
// conversation (both ways: the device's are judged, the peers' are the stimulus and timing
// anchors) and the syslog lines at the collector, predicted by the oracle's simulation of the
// device and of each tester peer, misbehaviours included (trace-control-prediction.ts).
import { controlEventsFrom, syslogEventsFrom } from '../../drivers/trace/observed-trace.ts';
import { realNowMs, type TraceClock } from '../../drivers/trace/trace-clock.ts';
import { deviceControlProfile } from './device-profile.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import type { DeviceLab } from './device-lab.ts';
import type { TraceChannel } from './trace-channel.ts';
import { predictControlTrace } from './trace-control-prediction.ts';

export interface ControlChannelOptions {
  readonly lab: DeviceLab;
  /** Lab address of a peer -> its logical name; throws for a peer whose stimulus was not recorded. */
  readonly nameOf: (host: string) => string;
}

/** The firmware the device runs in this lab (a platform-gating probe may start an emulated device at another revision). */
export function firmwareOf(lab: DeviceLab): string {
  return lab.opts.firmware ?? lab.device.firmware;
}

export function controlChannel({ lab, nameOf }: ControlChannelOptions): TraceChannel {
  const secretFor = (host: string) => {
    const p = lab.peers.find((x) => x.local.host === host);
    return p?.settings.auth.enabled ? p.settings.auth.password : undefined;
  };
  return {
    name: 'control messages and syslog',
    observe(clock: TraceClock, horizonMs: number): TraceEvent[] {
      // The syslog listener stamps arrivals with Date.now(), the conversation with performance time;
      // their bases differ by a few ms (2.5 ms measured), 25 virtual ms at scale 10: brought onto one base.
      const wallOffset = Date.now() - realNowMs();
      return [
        ...controlEventsFrom(lab.conversation.datagrams, clock, { nameOf, secretFor }),
        ...syslogEventsFrom(lab.syslog.lines.map((l) => ({ ...l, atMs: (lab.syslog.arrivals.get(l) ?? Date.now()) - wallOffset })), clock),
      ].filter((e) => e.t <= horizonMs);
    },
    predict: (ctx) => predictControlTrace({
      config: lab.config, model: lab.device.model, firmware: firmwareOf(lab), deviceAddress: lab.peers[0]?.device?.host ?? lab.routerAddress,
      peers: lab.peers, steps: ctx.steps, clock: ctx.clock, horizonMs: ctx.horizonMs, nameOf: ctx.nameOf, observed: ctx.observed,
      profile: deviceControlProfile(lab.device),
    }),
    onObservation(cb) {
      const onPeer = (e: { kind: string }) => {
        if (e.kind === 'received') cb();
      };
      const peers = [...lab.peers];
      for (const p of peers) p.on('event', onPeer);
      lab.syslog.on('line', cb);
      return () => {
        for (const p of peers) p.off('event', onPeer);
        lab.syslog.off('line', cb);
      };
    },
    secrets: () => lab.opts.tunnels.flatMap((t) => (t.password ? [t.password] : [])),
  };
}

// The trace verdict of one generated sequence, without attaching anything: fast-check runs many
// sequences and shrinks a failing one through many more, so only the final (shrunk) failure is
// attached (generated-report.ts). Same observation, prediction, filters, roles and tolerance as
// TracedLab.verdict (trace-verdict.ts).
// NOTE: mirrors the first half of TracedLab.verdict; if that method is split into "judge" and
// "attach" (a change for the trace helper), this file calls the judge half instead.
import { controlEventsFrom, syslogEventsFrom } from '../../drivers/trace/observed-trace.ts';
import { realNowMs, toVirtualMs } from '../../drivers/trace/trace-clock.ts';
import { controlProfileFor } from '../../reference-impl/control/profile-variants.ts';
import { L2TP_ROLE_RULES } from '../../reference-impl/trace/l2tp-roles.ts';
import { timingTolerance } from '../../reference-impl/trace/tolerance.ts';
import { traceVerdict, type TraceVerdict } from '../../reference-impl/trace/verdict.ts';
import { ROUTER_ADDRESS } from './device-lab.ts';
import { predictControlTrace } from './trace-control-prediction.ts';
import { CONTROL_TRACE_FILTERS, controlTolerance, type TracedLab } from './trace-verdict.ts';

/** Observes until the horizon (now plus the tolerance), predicts the same stimulus, compares. */
export async function judgeSequence(t: TracedLab): Promise<TraceVerdict> {
  const lab = t.lab;
  const tol = timingTolerance(controlTolerance(lab));
  // "never came" and "came too late" are told apart by waiting out the jitter budget once (a deadline).
  const horizonReal = realNowMs() + tol.ms / lab.timeScale;
  await new Promise((r) => setTimeout(r, Math.max(0, horizonReal - realNowMs())));
  const clock = t.stimulus.clock(lab.timeScale);
  const horizonMs = toVirtualMs(clock, horizonReal);
  const wallOffset = Date.now() - realNowMs();
  const logical = new Map(lab.peers.map((p) => [p.local.host, p.local.host]));
  const nameOf = (host: string) => logical.get(host) ?? host;
  const secretFor = (host: string) => {
    const p = lab.peers.find((x) => x.local.host === host);
    return p?.settings.auth.enabled ? p.settings.auth.password : undefined;
  };
  const observed = [
    ...controlEventsFrom(lab.conversation.datagrams, clock, { nameOf, secretFor }),
    ...syslogEventsFrom(lab.syslog.lines.map((l) => ({ ...l, atMs: (lab.syslog.arrivals.get(l) ?? Date.now()) - wallOffset })), clock),
  ].filter((e) => e.t <= horizonMs);
  const predicted = predictControlTrace({
    config: lab.config, model: lab.device.model, deviceAddress: lab.peers[0]?.device?.host ?? ROUTER_ADDRESS,
    peers: lab.peers, steps: t.stimulus.steps, clock, horizonMs, nameOf, observed, profile: controlProfileFor(lab.device.profile),
  });
  return traceVerdict({ predicted, observed, filters: CONTROL_TRACE_FILTERS, roles: L2TP_ROLE_RULES, tolerance: tol, horizonMs });
}

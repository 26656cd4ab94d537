// `profile learn`'s probes, in order (issue 16 point 3): who the device is (`show environment`),
// then — with a probe tunnel pushed through the config driver (journal first, rolled back in
// `finally` whatever failed) — a session brought up by the tester peer (the device's cookie, L2SS
// and sequencing choices in its ICRP; its SCCRP, first retransmission and acknowledgements:
// control-probe.ts), the syslog lines it sent meanwhile, `show status l2tp`, and
// the error text of a refused command. What a probe could not do is recorded, not thrown: only a
// lab problem (unreachable, the push refused) ends the run as LearnLabError.
import { avpValue } from '../peer/raw-message.ts';
import { PeerTunnel } from '../peer/peer-tunnel.ts';
import { SyslogCollector, type SyslogEntry } from '../syslog/collector.ts';
import { ConfigPush, deviceIdentity, openAdmin, type ConfigDevice } from '../config/push.ts';
import { AVP } from '../../reference-impl/l2tpv3/avp-types.ts';
import { checkConfigText, configPlatform } from '../../reference-impl/config/index.ts';
import type { DeviceIdentity } from '../config/identity.ts';
import type { LearnObservations, SessionChoices, ShowStatusTunnel } from './observations.ts';
import { watchControl } from './control-probe.ts';
import { freeTunnelNumber, PROBE_IDS, probeConfigLines, REFUSED_LINE } from './probe-config.ts';

export class LearnLabError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LearnLabError';
  }
}

export interface LearnTarget {
  role: string;
  device: ConfigDevice;
  wan: { address: string; l2tpPort: number };
  /** the harness address the tester peer uses (the inventory's first peer address) */
  peerAddress: string;
  syslog: { address: string; port: number };
  journalDir: string;
  /** login passwords: masked out of everything kept (a second guard behind the CLI's redactor) */
  secrets: readonly string[];
  /** the harness's reading of `show status l2tp` (suites/support/lab-console.ts), injected */
  parseShowStatus: (lines: readonly string[]) => ShowStatusTunnel[];
  log?: (line: string) => void;
  /**
   * The filter stage-order probe (opt-in: it bridges lan1 with the probe tunnel and sends one frame
   * out of lan1). Injected from suites/support/filter-probe.ts, which holds its logic.
   */
  filterProbe?: FilterProbe;
  /** aborted (SIGINT): the probes not yet started are skipped, the rollback still runs */
  signal?: AbortSignal;
  /** bound of each wait (session up, syslog line); default 15 s */
  timeoutMs?: number;
}

/** The filter stage-order probe for frames from the tunnel out of lan1 (suites/support/filter-probe.ts). */
export interface FilterProbe {
  /** config lines binding one pass-log filter per stage to lan1 out, plus the bridge of lan1 and the tunnel */
  lines(tunnel: number): string[];
  probed: string[];
  /** the firmware profile's order of the probed stages (reference-impl/filter order-profile.ts) */
  expected: string[];
  /** an IPv4 frame every probed stage sees */
  frame: Uint8Array;
  /** the stage a syslog line logs, if it is one of the probe's */
  stageOf(text: string): string | undefined;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Runs every probe; observations of what could be probed, or LearnLabError. */
export async function learnDevice(t: LearnTarget): Promise<LearnObservations> {
  const mask = (s: string) => t.secrets.reduce((x, sec) => (sec ? x.split(sec).join('***') : x), s);
  const log = (l: string) => t.log?.(mask(l));
  const timeoutMs = t.timeoutMs ?? 15_000;

  // 1. identity and the running config (to pick a free tunnel number)
  let identity: DeviceIdentity;
  let running: string;
  try {
    const s = await openAdmin(t.device);
    try {
      identity = await deviceIdentity(s, t.device);
      running = await s.showConfig();
    } finally {
      await s.close().catch(() => undefined);
    }
  } catch (e) {
    throw new LearnLabError(mask(`${t.role}: not reachable or not readable at ${t.device.address ?? '?'}: ${message(e)}`));
  }
  const tunnel = freeTunnelNumber(running);
  const obs: LearnObservations = { identity, tunnel, peerAddress: t.peerAddress, syslogLines: [] };
  log(`learn ${t.role}: probe tunnel ${tunnel}, tester peer ${t.peerAddress}`);

  let collector: SyslogCollector;
  try {
    collector = await SyslogCollector.start({ host: t.syslog.address, port: t.syslog.port, mask });
  } catch (e) {
    throw new LearnLabError(message(e));
  }
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  collector.onEntry((e: SyslogEntry) => {
    lines.push(e.message?.message ?? e.raw);
    for (const w of waiters) w();
  });
  let push: ConfigPush | undefined;
  const peer = new PeerTunnel({
    local: { host: t.peerAddress, port: t.wan.l2tpPort }, device: { host: t.wan.address, port: t.wan.l2tpPort }, role: 'initiator', tunnel,
    routerId: PROBE_IDS.peerRouterId, deviceRouterId: PROBE_IDS.deviceRouterId, endId: PROBE_IDS.endId,
  });
  const control = watchControl(peer);
  try {
    // 2. the probe tunnel (journaled; a refused push is a lab error)
    try {
      const lines = [...probeConfigLines({ tunnel, deviceAddress: t.wan.address, peerAddress: t.peerAddress, syslog: t.syslog }), ...(t.filterProbe?.lines(tunnel) ?? [])];
      push = await ConfigPush.apply(t.device, lines, { journalDir: t.journalDir, mode: 'merge', log });
    } catch (e) {
      throw new LearnLabError(mask(`${t.role}: the probe config was not applied: ${message(e)}`));
    }
    const stopped = () => t.signal?.aborted === true;
    // 3. a session from the tester peer: the device's choices in its ICRP
    if (stopped()) return obs;
    try {
      await peer.start();
      const layout = await peer.established(timeoutMs);
      obs.session = sessionChoices(peer, layout.remoteSessionId);
    } catch (e) {
      obs.sessionError = mask(message(e));
    }

    // 4. the syslog lines of the session coming up (bounded, event-driven)
    if (stopped()) return obs;
    if (obs.session?.deviceSessionId !== undefined) {
      const want = `session ${obs.session.deviceSessionId} established`;
      await until(() => lines.some((l) => l.includes(want)), waiters, Math.min(timeoutMs, 5000));
    }
    if (stopped()) return obs;
    // (opt-in) the filter stage order: one frame from the peer out of lan1, the order of the log lines
    if (t.filterProbe && obs.session) obs.filterOrder = await filterOrder(t.filterProbe, peer, lines, waiters, Math.min(timeoutMs, 5000));
    // 5. show status l2tp and 6. a refused command, in one administrator session
    if (stopped()) return obs;
    await cliProbes(t, obs, identity, mask);
    // read last: the device's acknowledgement of the ICCN may follow the session coming up
    obs.control = control.result();
  } finally {
    await peer.close().catch(() => undefined);
    // the device's own config again, whatever failed above (the journal stays if this throws)
    if (push) await push.rollback().catch((e: unknown) => log(`learn ${t.role}: ROLLBACK FAILED, the journal stays for the next preflight: ${message(e)}`));
    obs.syslogLines = lines.slice();
    await collector.close().catch(() => undefined);
  }
  return obs;
}

/** The device's answer to our ICRQ: its AVPs as sent (absent = 0), and the IDs it chose. */
function sessionChoices(peer: PeerTunnel, deviceSessionId: number): SessionChoices {
  const icrp = peer.received('ICRP')[0];
  const u16 = (b: Uint8Array | undefined) => (b && b.length >= 2 ? (b[0] << 8) | b[1] : 0);
  const bytes = icrp?.bytes ?? new Uint8Array();
  return {
    message: 'ICRP',
    cookieLength: avpValue(bytes, AVP.AssignedCookie)?.length ?? 0,
    l2ss: u16(avpValue(bytes, AVP.L2SpecificSublayer)),
    dataSequencing: u16(avpValue(bytes, AVP.DataSequencing)),
    deviceCcid: peer.remoteCcid,
    deviceSessionId,
  };
}

async function cliProbes(t: LearnTarget, obs: LearnObservations, id: DeviceIdentity, mask: (s: string) => string): Promise<void> {
  let s;
  try {
    s = await openAdmin(t.device);
  } catch (e) {
    obs.refusedError = mask(message(e));
    obs.showStatus = { lines: [], parsed: [], error: obs.refusedError };
    return;
  }
  try {
    try {
      const r = await s.run('show status l2tp');
      obs.showStatus = { lines: r.lines.map(mask), parsed: t.parseShowStatus(r.lines) };
    } catch (e) {
      obs.showStatus = { lines: [], parsed: [], error: mask(message(e)) };
    }
    try {
      const { issues } = checkConfigText(`tunnel select ${obs.tunnel}\n ${REFUSED_LINE}\n`, configPlatform(id.model, id.firmware.replace(/^Rev\./, '')));
      await s.run(`tunnel select ${obs.tunnel}`);
      const r = await s.run(REFUSED_LINE, { allowErrors: true });
      await s.run('tunnel select none', { allowErrors: true });
      obs.refused = { command: REFUSED_LINE, predicted: issues[0]?.message ?? '(the config oracle accepts the line)', observed: r.errors.map(mask) };
    } catch (e) {
      obs.refusedError = mask(message(e));
    }
  } finally {
    await s.close().catch(() => undefined);
  }
}

async function filterOrder(p: FilterProbe, peer: PeerTunnel, lines: readonly string[], waiters: Set<() => void>, ms: number): Promise<NonNullable<LearnObservations['filterOrder']>> {
  const from = lines.length;
  const logged = () => lines.slice(from).filter((l) => p.stageOf(l) !== undefined);
  const sent = peer.sendFrame(p.frame);
  // every probed stage passes and logs before the frame leaves; the lines come on another socket: bounded wait
  await until(() => logged().length >= p.expected.length, waiters, ms);
  const l = logged();
  return {
    direction: 'out', probed: p.probed, expected: p.expected, discovered: l.map((x) => p.stageOf(x)!), logLines: l,
    ...(sent ? {} : { error: 'the peer could not send the probe frame' }),
  };
}

/** Resolves when `done()` holds (checked on each syslog line) or after `ms`. */
function until(done: () => boolean, waiters: Set<() => void>, ms: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      waiters.delete(check);
      resolve();
    };
    const check = () => {
      if (done()) finish();
    };
    const timer = setTimeout(finish, ms);
    waiters.add(check);
  });
}

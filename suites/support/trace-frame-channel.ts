// The data-plane channel of a TracedLab verdict (trace-channel.ts): every data message on every
// pseudowire (both ways: the device's are judged, the peers' are the stimulus and timing anchors),
// every frame at the LAN host's port (both ways), and the learning-table listings the test reads
// over the CLI, against the oracle's prediction for the same stimulus (reference-impl/trace
// frame-oracle.ts: bridge, filter and codec oracles and the firmware profile, never the emulator).
// The test applies its data-plane stimulus through this channel so each step is recorded with its time.
import type { CliSession } from '../../drivers/cli/session.ts';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { isControl } from '../../drivers/peer/raw-message.ts';
import { dataEventsFrom, lanEventsFrom, listingEventsFrom, type Listing } from '../../drivers/trace/frame-observed.ts';
import { realNowMs, toVirtualMs, type TraceClock } from '../../drivers/trace/trace-clock.ts';
import type { SessionLayout } from '../../reference-impl/control/node-events.ts';
import { deviceControlProfile } from './device-profile.ts';
import { decodeDataMessage } from '../../reference-impl/l2tpv3/data-message.ts';
import { bytesEqual } from '../../reference-impl/l2tpv3/wire.ts';
import { capabilities } from '../../reference-impl/platform/index.ts';
import { cliCommandEvent } from '../../reference-impl/trace/frame-events.ts';
import { FrameOracle, type FrameStep } from '../../reference-impl/trace/frame-oracle.ts';
import { macFromArpReply } from '../../reference-impl/trace/frame-responder.ts';
import type { TraceFilter } from '../../reference-impl/trace/filters.ts';
import type { RoleRules } from '../../reference-impl/trace/roles.ts';
import { timingTolerance } from '../../reference-impl/trace/tolerance.ts';
import type { TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import { parseLearningRows, type LearningRow } from './bridge-traffic.ts';
import { BRIDGE_ADDRESS } from '../../drivers/dut/lab-config.ts';
import type { ChannelPredictionContext, TraceChannel } from './trace-channel.ts';
import { controlTolerance, type TracedLab } from './trace-verdict.ts';

/** Stands for the device's MAC in a prediction until the device's ARP reply names the real one. */
const UNKNOWN_DEVICE_MAC = '02:00:5e:00:53:ff';

/** facts §3.5: the CLI's own log lines (the SSH form `for SSH: user@address` is the emulator's ASSUMPTION). */
const LOGIN_LINE = /^(?:Login succeeded for|'administrator' succeeded for|Logout from) /;

interface Timed {
  readonly atMs: number;
  readonly step: FrameStep;
}

export class FrameChannel implements TraceChannel {
  readonly name = 'frames, data messages and learning-table listings';
  readonly filters: readonly TraceFilter[];
  private readonly steps: Timed[] = [];
  private readonly listings: Listing[] = [];
  private readonly layouts = new Map<string, SessionLayout>();
  /** Listings the last prediction found undecidable (an entry ages out within the tolerance of them). */
  private undecidable = new Set<number>();

  private constructor(private readonly t: TracedLab) {
    const boundary: TraceFilter = {
      name: 'listing at an ageing boundary',
      why: 'a learning-table listing taken within the timing tolerance of an entry\'s ageing out: whether that entry is listed is the harness\'s timing, not the device\'s behaviour; listings clear of the boundary judge the ageing',
      drops: (e) => e.source === 'cli' && this.undecidable.has(Number(/^#(\d+),/.exec(e.fields[0]?.value ?? '')?.[1])),
    };
    const login: TraceFilter = {
      name: 'CLI session login lines',
      why: 'the lines the device logs when the harness\'s own CLI session logs in or out (facts §3.5 `Login succeeded for ...`, `\'administrator\' succeeded for ... user`, `Logout from ...`): the harness\'s access to read the table, not the behaviour under test; their form over SSH is not documented',
      drops: (e) => e.source === 'syslog' && LOGIN_LINE.test(e.fields.find((f) => f.name === 'text')?.value ?? ''),
    };
    this.filters = [boundary, login];
  }

  /** A frame channel added to `t`'s verdict. */
  static add(t: TracedLab): FrameChannel {
    const c = new FrameChannel(t);
    t.addChannel(c);
    return c;
  }

  private get lab() {
    return this.t.lab;
  }

  /** The bridge member of a peer's tunnel (`tunnelN` whose endpoint is the peer). */
  private member(p: PeerTunnel): string {
    const spec = this.lab.opts.tunnels.find((x) => this.lab.peerAddress(x.peer) === p.local.host);
    if (!spec) throw new Error(`frame channel: no tunnel of the lab faces ${p.local.host}`);
    return `tunnel${spec.n}`;
  }

  private record(step: FrameStep, atMs = realNowMs()): void {
    this.steps.push({ atMs, step });
  }

  /** Waits for the peer's session; from then the oracle's pseudowire is up with the layout signalled. */
  async established(p: PeerTunnel, ms?: number): Promise<SessionLayout> {
    const layout = await p.established(ms);
    this.layouts.set(p.local.host, layout);
    const profile = deviceControlProfile(this.lab.device);
    this.record({
      kind: 'sessionUp', member: this.member(p),
      session: {
        at: this.t.nameOf(p.local.host),
        // the peer's requests (the stimulus): what the device must put on what it sends
        txCookieLength: layout.rxCookie.length, txL2ss: layout.rxLayout.l2ss === 'default', txSequencing: layout.rxSequencing ?? 0,
        // the device's own requests: the firmware profile's (the control channel judges the AVPs that carry them)
        rxL2ss: profile.l2ssOffered === 1, rxSequencing: profile.l2ssOffered === 1 ? profile.dataSequencing : 0,
      },
    });
    return layout;
  }

  /** The peer hangs up (StopCCN): its tunnel and session are gone from then. */
  disconnect(p: PeerTunnel): void {
    this.record({ kind: 'sessionDown', member: this.member(p) });
    this.t.disconnect(p);
  }

  /** Sends through the peer (`send` puts data on the wire) and records every data message it sent as a step. */
  private viaPeer(p: PeerTunnel, send: () => void): void {
    const datagrams = this.lab.conversation.datagrams;
    const from = datagrams.length;
    send();
    const layout = this.layouts.get(p.local.host);
    for (const d of datagrams.slice(from)) {
      if (d.direction !== 'out' || d.src.host !== p.local.host || isControl(d.bytes)) continue;
      const m = layout ? decodeDataMessage(d.bytes, 'udp', layout.txLayout) : undefined;
      if (!layout || !m?.ok) continue; // not a message the device could take: it reaches no member
      this.record({
        kind: 'data', member: this.member(p), frame: m.value.payload.slice(), l2ss: m.value.l2ss,
        sessionIdOk: m.value.sessionId === layout.remoteSessionId, cookieOk: bytesEqual(m.value.cookie, layout.txCookie),
      }, d.atUs / 1000);
    }
  }

  /** An Ethernet frame into the peer's session (the negotiated layout). */
  peerFrame(p: PeerTunnel, frame: Uint8Array): void {
    this.viaPeer(p, () => void p.sendFrame(frame));
  }

  /** A crafted data message from the peer (a wrong cookie, a chosen sequence number). */
  peerRaw(p: PeerTunnel, bytes: Uint8Array): void {
    this.viaPeer(p, () => p.sendRaw(bytes));
  }

  /** A frame from the LAN host into lan1. */
  lanFrame(frame: Uint8Array): void {
    const lan = this.lab.lan;
    if (!lan) throw new Error('frame channel: the lab has no LAN host (open it with lan: true)');
    this.record({ kind: 'lanFrame', port: 'lan1', frame: frame.slice() });
    lan.send(frame);
  }

  /** `show bridge learning BRIDGE`: its rows (a listing of the trace, timed at the command). */
  async show(cli: CliSession, bridge = 'bridge1'): Promise<LearningRow[]> {
    const command = `show bridge learning ${bridge}`;
    const poll = this.listings.length + 1;
    const atMs = realNowMs();
    this.record({ kind: 'show', command, bridge, poll }, atMs);
    const rows = parseLearningRows((await cli.run(command)).lines);
    this.listings.push({ command, entries: rows, atMs, poll });
    return rows;
  }

  /** `clear bridge learning BRIDGE`. */
  async clear(cli: CliSession, bridge = 'bridge1'): Promise<void> {
    const command = `clear bridge learning ${bridge}`;
    this.record({ kind: 'clear', bridge });
    this.commands.push({ command, atMs: realNowMs() });
    await cli.run(command);
  }

  private readonly commands: { command: string; atMs: number }[] = [];

  observe(clock: TraceClock, horizonMs: number): TraceEvent[] {
    const lan = this.lab.lan;
    const events = [
      ...dataEventsFrom(this.lab.conversation.datagrams, clock, { nameOf: (h) => this.t.nameOf(h), layoutOf: (h) => this.layouts.get(h) }),
      ...(lan ? lanEventsFrom('lan1', lan.received, lan.sent, clock) : []),
      ...this.commandEvents(clock),
      ...listingEventsFrom(this.listings, clock),
    ];
    return events.filter((e) => e.t <= horizonMs);
  }

  private commandEvents(clock: TraceClock): TraceEvent[] {
    return [...this.commands, ...this.listings].map((c) => cliCommandEvent(c.command, toVirtualMs(clock, c.atMs)));
  }

  predict(ctx: ChannelPredictionContext): TraceEvent[] {
    const lab = this.lab;
    const caps = capabilities(lab.device.model, lab.device.firmware);
    const oracle = new FrameOracle({
      config: lab.config, model: lab.device.model, caps, sequencing: deviceControlProfile(lab.device),
      deviceMac: this.deviceMac(), watchedLanPorts: lab.lan ? ['lan1'] : [], toleranceMs: timingTolerance(controlTolerance(lab)).ms,
    });
    for (const s of [...this.steps].sort((a, b) => a.atMs - b.atMs)) {
      const t = toVirtualMs(ctx.clock, s.atMs);
      if (t > ctx.horizonMs) break;
      oracle.apply(t, s.step);
    }
    this.undecidable = oracle.undecidable;
    // The harness's own frames and commands are the stimulus: predicted as they were made.
    const harness = ctx.observed.filter((e) => e.by === 'harness');
    return [...oracle.events.filter((e) => e.t <= ctx.horizonMs), ...harness];
  }

  /** The device's MAC as its first ARP reply for the bridge address names it (a value the device chooses: facts §4.3). */
  private deviceMac(): string {
    for (const f of this.lab.lan?.received ?? []) {
      const mac = macFromArpReply(f.frame, BRIDGE_ADDRESS);
      if (mac) return mac;
    }
    for (const d of this.lab.conversation.datagrams) {
      const layout = this.layouts.get(d.dst.host);
      if (d.direction !== 'in' || !layout || isControl(d.bytes)) continue;
      const m = decodeDataMessage(d.bytes, 'udp', layout.rxLayout);
      const mac = m.ok ? macFromArpReply(m.value.payload, BRIDGE_ADDRESS) : undefined;
      if (mac) return mac;
    }
    return UNKNOWN_DEVICE_MAC;
  }

  /**
   * The device's MAC, named `device-mac` in both traces (the prediction uses the one the device's
   * ARP reply gave, so a device that answers from another MAC later still diverges).
   */
  get roles(): Partial<RoleRules> {
    const mac = this.deviceMac();
    const why = 'the device chooses its MAC (facts §4.3: that of its lowest-numbered LAN member); the prediction takes it from the device\'s first ARP reply for the bridge address';
    return {
      texts: [
        { name: 'device MAC in a frame header', role: 'device-mac', source: 'frame', pattern: new RegExp(`(${mac})`, 'g'), why },
        { name: 'device MAC inside a payload', role: 'device-mac-octets', source: 'frame', pattern: new RegExp(`(${mac.replaceAll(':', '')})`, 'g'), why },
      ],
    };
  }

  onObservation(cb: () => void): () => void {
    const onPeer = (e: { kind: string }) => {
      if (e.kind === 'frame' || e.kind === 'dataDropped') cb();
    };
    const peers = [...this.lab.peers];
    for (const p of peers) p.on('event', onPeer);
    this.lab.lan?.on('frame', cb);
    return () => {
      for (const p of peers) p.off('event', onPeer);
      this.lab.lan?.off('frame', cb);
    };
  }
}

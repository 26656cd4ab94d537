// The IPsec channel of an @ipsec test's verdict (TracedLab.addChannel): what the tester peers'
// IKE exchanged with the device, read from the peers' own records (the wire, decrypted with the
// peers' key logs: on hardware that is the only key log there is), the device's [IKE] syslog lines
// the oracle predicts, ESP from the device that would not open, and cleartext L2TPv3 probes from an
// IPsec peer's address (any answer is an extra event). The prediction runs the oracle's IKE node
// for the device (gateway from the test's parameters, ipsec-lab.ts) against one oracle IKE node
// per peer (the peer's effective gateway, its misbehaviours included), started at the virtual time
// the real peer started (reference-impl/trace/ipsec-simulation.ts).
import { controlEventsFrom } from '../../drivers/trace/observed-trace.ts';
import { toVirtualMs, type TraceClock } from '../../drivers/trace/trace-clock.ts';
import type { Conversation } from '../../drivers/peer/conversation.ts';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import type { IkeGatewayConfig } from '../../reference-impl/ipsec/ike/ike-events.ts';
import { unframe } from '../../reference-impl/ipsec/ike/nat-t.ts';
import { EXCHANGE } from '../../reference-impl/ipsec/isakmp/constants.ts';
import { ikeLogLevel, renderIkeSyslog } from '../../reference-impl/syslog/ike-catalogue.ts';
import { Mulberry32 } from '../../reference-impl/sim/prng.ts';
import { deviceIkeLog } from '../../reference-impl/trace/ipsec-device-log.ts';
import { espAnomalies, ikePoint, IPSEC_ROLE_RULES, isakmpEvents, type IpsecDatagram } from '../../reference-impl/trace/ipsec-events.ts';
import { simulateIke, type SimulatedIkePeer } from '../../reference-impl/trace/ipsec-simulation.ts';
import { syslogEvent } from '../../reference-impl/trace/observation-events.ts';
import { actorOf, type TraceEvent } from '../../reference-impl/trace/trace-event.ts';
import { SEVERITY_OF_LEVEL } from './expect-syslog.ts';
import { LAB_PSK, LAB_TUNNELS, type LabIpsecTransport } from './ipsec-lab.ts';
import type { DeviceLab } from './device-lab.ts';
import type { TraceChannel } from './trace-channel.ts';

/** Any seed: what it draws (cookies, nonces, SPIs) is named by role before the comparison. */
const PREDICTION_SEED = 2409;

export interface IpsecChannelOptions {
  readonly lab: DeviceLab;
  /** The device's gateways as the test's config makes them (ipsec-lab.ts deviceGateway). */
  readonly gateways: readonly IkeGatewayConfig[];
  /**
   * The logical name of a peer's address (TracedLab.nameOf), so that what a peer's IKE did is
   * placed where the prediction places it (on a physical bench the harness address is not the
   * logical one); default the address itself.
   */
  readonly nameOf?: (host: string) => string;
}

export class IpsecChannel implements TraceChannel {
  readonly name = 'IKE exchange, ESP and cleartext probes';
  readonly roles = IPSEC_ROLE_RULES;
  private readonly peers: LabIpsecTransport[] = [];
  private readonly probes: { peer: PeerTunnel; name: string }[] = [];
  private readonly dpdSilent = new Set<LabIpsecTransport>();

  constructor(private readonly o: IpsecChannelOptions) {}

  /** A peer whose IKE is observed and predicted (add it before its transport opens). */
  watch(t: LabIpsecTransport, opts: { dpdSilent?: boolean } = {}): LabIpsecTransport {
    this.peers.push(t);
    if (opts.dpdSilent) this.dpdSilent.add(t);
    return t;
  }

  /** A cleartext probe: its SCCRQs are the stimulus, any answer from the device an extra event. */
  watchProbe(peer: PeerTunnel): void {
    this.probes.push({ peer, name: `cleartext:${peer.local.host}` });
  }

  observe(clock: TraceClock, horizonMs: number): TraceEvent[] {
    const out: TraceEvent[] = [];
    for (const t of this.peers) {
      const d = wireDatagrams(t.wire, clock, this.o.nameOf?.(t.opts.local) ?? t.opts.local);
      out.push(...isakmpEvents(d, t.keys.entries), ...espAnomalies(d, t.keys.entries));
    }
    for (const p of this.probes) out.push(...controlEventsFrom(p.peer.conversation.datagrams, clock, { nameOf: () => p.name }));
    return out.filter((e) => e.t <= horizonMs);
  }

  predict(ctx: Parameters<TraceChannel['predict']>[0]): TraceEvent[] {
    const random = new Mulberry32(PREDICTION_SEED);
    const peers: SimulatedIkePeer[] = this.peers.map((t) => ({
      sendTimes: ctx.observed.filter((e) => e.at === ikePoint(ctx.nameOf(t.opts.local)) && actorOf(e) === 'harness' && e.label.startsWith('ISAKMP')).map((e) => e.t),
      address: t.opts.local,
      gateway: t.gateway,
      startMs: Math.max(0, Math.round(toVirtualMs(ctx.clock, t.startedAtReal ?? Infinity))),
      initiator: t.opts.ipsec.ikeRole === 'initiator',
      profile: t.opts.profile,
      random: random.fork(),
      // drivers/peer/ipsec/ipsec-misbehaviours.ts dpd-silent: what it sends while handling an informational is the ACK
      dropOutgoing: this.dpdSilent.has(t) ? (exchange, answering) => exchange === EXCHANGE.informational && answering === EXCHANGE.informational : undefined,
    }));
    const sim = simulateIke({ device: { address: deviceAddress(this.o.lab), gateways: this.o.gateways, random: random.fork() }, peers, horizonMs: ctx.horizonMs });
    const datagrams: IpsecDatagram[] = sim.datagrams.map((d) => ({ t: d.t, by: d.fromDevice ? 'device' : 'harness', at: ikePoint(ctx.nameOf(d.peer)), port: d.port, bytes: d.bytes }));
    const sw = syslogSwitches(this.o.lab.config);
    const peerOfCookie = new Map<string, string>();
    for (const d of sim.datagrams) {
      const at = d.port === 4500 ? 4 : 0;
      if (d.bytes.length >= at + 28) peerOfCookie.set(Buffer.from(d.bytes.subarray(at, at + 8)).toString('hex'), d.peer);
    }
    const log: TraceEvent[] = deviceIkeLog(sim.deviceActions, { gateways: this.o.gateways, tunnels: LAB_TUNNELS, peerOfCookie: (c) => peerOfCookie.get(c) })
      .filter((l) => sw[l.level])
      .map((l) => syslogEvent(SEVERITY_OF_LEVEL[l.level], l.text, l.t));
    // RFC 4303 §3.4.3 with `anti-replay-check=on` (the lab config): an ESP packet the peer sent
    // again (a misbehaviour: the same octets) is dropped by the device, which logs the drop.
    for (const t of this.peers) {
      const sent = new Set<string>();
      for (const d of t.wire.datagrams) {
        if (d.direction !== 'out' || d.src.port !== 4500 || unframe(4500, d.bytes).kind !== 'esp') continue;
        const key = Buffer.from(d.bytes).toString('hex');
        if (sent.has(key)) log.push(syslogEvent(SEVERITY_OF_LEVEL[ikeLogLevel(renderIkeSyslog('dropped', { address: t.opts.local, reason: 'ESP replayed' }))], renderIkeSyslog('dropped', { address: t.opts.local, reason: 'ESP replayed' }), toVirtualMs(ctx.clock, d.atUs / 1000)));
        sent.add(key);
      }
    }
    // A probe's own messages are the stimulus as it was applied (its retransmissions included); the device owes it nothing.
    const probes = ctx.observed.filter((e) => e.at.startsWith('cleartext:') && actorOf(e) === 'harness');
    return [...isakmpEvents(datagrams, sim.keys), ...log, ...probes];
  }

  onObservation(cb: () => void): () => void {
    const offs = this.peers.map((t) => {
      t.on('event', cb);
      return () => t.off('event', cb);
    });
    return () => offs.forEach((f) => f());
  }

  readonly secrets = (): readonly string[] => [LAB_PSK];
}

/** The transport's wire record as the device's and the harness's datagrams (the device: what came in). */
function wireDatagrams(wire: Conversation, clock: TraceClock, local: string): IpsecDatagram[] {
  return wire.datagrams.flatMap((d) => {
    const port = d.direction === 'in' ? d.dst.port : d.src.port;
    if (port !== 500 && port !== 4500) return [];
    return [{ t: toVirtualMs(clock, d.atUs / 1000), by: d.direction === 'in' ? 'device' as const : 'harness' as const, at: ikePoint(local), port, bytes: d.bytes }];
  });
}

function deviceAddress(lab: DeviceLab): string {
  return lab.routerAddress;
}

/** `syslog info|debug on|off` as the lab config says (routerConfig writes both). */
function syslogSwitches(config: string): Record<'INFO' | 'DEBUG', boolean> {
  const on = (level: string) => new RegExp(`^syslog ${level} on$`, 'm').test(config);
  return { INFO: on('info'), DEBUG: on('debug') };
}

// The oracle's answer to "which host reaches which" in a seed topology: the routers' bridges (read
// from their configs), their tunnel members established as predictBringUp() says, hosts on the
// routers' LAN ports (the topology's segments), fed to reference-impl/network predict(). A ping is
// reachable when every frame of its exchange reaches its addressee: the ARP request (broadcast),
// the ARP reply, the echo request and the echo reply (unicast, after learning). Frames are built
// from RFC 826 / RFC 792 layouts; hosts get fixed locally administered MACs (the bridges decide on
// MAC addresses only, so the values do not matter, only that they differ).
import { bridges, parseConfig } from '../../reference-impl/config/index.ts';
import { buildEthernetFrame, buildIpPacket, internetChecksum, parseMac } from '../../reference-impl/capture/ip.ts';
import { predict, type Finding, type HostSpec, type MemberSpec, type NetworkTopology, type RouterSpec, type StimulusFrame } from '../../reference-impl/network/index.ts';
import { capabilities } from '../../reference-impl/platform/index.ts';
import type { Topology } from '../../topologies/schema/index.ts';
import type { ExampleRouter } from './seed-example.ts';
import type { BringUpPrediction, PredictedEnd } from './seed-pseudowires.ts';

export interface PingPrediction {
  readonly scenario: string;
  readonly from: string;
  readonly to: string;
  /** The target's address (what `ping` is given). */
  readonly address: string;
  readonly reachable: boolean;
  /** Which frames of the exchange arrive (for the evidence). */
  readonly frames: readonly { frame: string; arrives: boolean }[];
  readonly findings: readonly Finding[];
}

const bare = (cidr: string) => cidr.replace(/\/\d+$/, '');
const hostMac = (i: number) => `02:5e:ed:00:00:${(i + 1).toString(16).padStart(2, '0')}`;
const ip4 = (s: string) => s.split('.').map(Number);
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

function arp(op: 1 | 2, srcMac: string, srcIp: string, dstMac: string, dstIp: string): Uint8Array {
  // RFC 826: Ethernet/IPv4, opcode 1 request (target MAC zero, broadcast) or 2 reply
  const target = op === 1 ? new Uint8Array(6) : parseMac(dstMac);
  const body = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, op, ...parseMac(srcMac), ...ip4(srcIp), ...target, ...ip4(dstIp)]);
  return buildEthernetFrame({ src: srcMac, dst: op === 1 ? 'ff:ff:ff:ff:ff:ff' : dstMac, etherType: 0x0806, payload: body });
}

function echo(type: 0 | 8, srcMac: string, dstMac: string, src: string, dst: string): Uint8Array {
  // RFC 792: type 8 echo request, 0 echo reply
  const icmp = Uint8Array.from([type, 0, 0, 0, 0x5e, 0xed, 0, 1]);
  const sum = internetChecksum(icmp);
  icmp[2] = sum >> 8;
  icmp[3] = sum & 0xff;
  return buildEthernetFrame({ src: srcMac, dst: dstMac, etherType: 0x0800, payload: buildIpPacket({ src, dst, protocol: 1, payload: icmp }) });
}

/** The bridged network the oracle predicts on: only routers that start (config accepted). */
export function networkOf(t: Topology, routers: readonly ExampleRouter[], bringUp: BringUpPrediction): NetworkTopology {
  const running = new Set(bringUp.routers.filter((r) => r.config.response === 'accepted').map((r) => r.name));
  const peerOf = new Map<string, { end: PredictedEnd; peer: PredictedEnd; established: boolean }>();
  for (const p of bringUp.pseudowires) {
    const [a, z] = p.ends;
    if (!running.has(a.router) || !running.has(z.router)) continue;
    peerOf.set(`${a.router}.tunnel${a.tunnel}`, { end: a, peer: z, established: p.established });
    peerOf.set(`${z.router}.tunnel${z.tunnel}`, { end: z, peer: a, established: p.established });
  }
  const specs: RouterSpec[] = routers.filter((r) => running.has(r.name)).map((r) => {
    const verdict = bringUp.routers.find((v) => v.name === r.name)!;
    const caps = capabilities(r.model, r.firmware);
    const wan = verdict.l2tpAddress ?? t.routers.find((x) => x.name === r.name)!.wan.flatMap((w) => [w.ipv4, w.ipv6]).find((a) => a?.includes('/'));
    if (wan === undefined) throw new Error(`router ${r.name}: no fixed WAN address for the prediction`);
    return {
      name: r.name,
      wanAddress: bare(wan),
      bridges: bridges(parseConfig(r.config)).map((b) => ({
        name: b.bridge,
        members: b.members.flatMap((m): MemberSpec[] => {
          if (!m.startsWith('tunnel')) return [{ kind: 'lan', name: m }];
          const pw = peerOf.get(`${r.name}.${m}`);
          if (pw === undefined) return []; // a tunnel to no running router of the topology never bridges
          return [{
            kind: 'tunnel',
            name: m,
            peer: { router: pw.peer.router, tunnel: `tunnel${pw.peer.tunnel}` },
            established: pw.established,
            // not on the wire unless established: then the simulated session's own values
            localSessionId: pw.end.layout?.localSessionId ?? pw.end.tunnel,
            ...(pw.end.layout && pw.end.layout.rxCookie.length > 0 ? { localCookie: hex(pw.end.layout.rxCookie) } : {}),
          }];
        }),
        dynamicCapacity: caps.learningTable.dynamic,
        staticCapacity: caps.learningTable.static,
        ageingMs: b.learningTimer === 'off' ? null : b.learningTimer * 1000,
        learning: b.learning,
        statics: b.statics.map((s) => ({ mac: s.mac, member: s.interface })),
      })),
    };
  });
  // a host sits on the LAN port (lanN) of the running router its segment is wired to
  const hosts: HostSpec[] = (t.hosts ?? []).flatMap((h, i) => {
    for (const r of t.routers) {
      if (!running.has(r.name)) continue;
      const lan = r.lan.find((l) => l.segment === h.segment);
      if (lan) return [{ name: h.name, mac: hostMac(i), router: r.name, port: /^lan\d+/.exec(lan.port)![0] }];
    }
    return [];
  });
  return { routers: specs, hosts };
}

/** Every `ping` scenario of the topology, predicted on `network`. */
export function predictPings(t: Topology, network: NetworkTopology): PingPrediction[] {
  return (t.scenarios ?? []).filter((s) => s.stimulus.kind === 'ping').map((s) => {
    const from = t.hosts?.find((h) => h.name === s.stimulus.from);
    const to = t.hosts?.find((h) => h.name === s.stimulus.to);
    if (!from || !to) throw new Error(`scenario ${s.name}: ping needs hosts 'from' and 'to' of the topology`);
    if (!from.ipv4?.includes('/') || !to.ipv4?.includes('/') || s.stimulus.family === 'ipv6') {
      throw new Error(`scenario ${s.name}: only IPv4 pings between fixed addresses are predicted here`);
    }
    const [a, b] = [bare(from.ipv4), bare(to.ipv4)];
    const ha = network.hosts.find((h) => h.name === from.name);
    const hb = network.hosts.find((h) => h.name === to.name);
    const address = b;
    if (!ha || !hb) {
      // a host whose segment no running router serves: only a host on the same wire answers
      const reachable = from.segment === to.segment;
      return { scenario: s.name, from: from.name, to: to.name, address, reachable, frames: [], findings: [] };
    }
    const exchange: { frame: string; stim: StimulusFrame; addressee: string }[] = [
      { frame: `ARP request ${a} -> who-has ${b}`, stim: { fromHost: ha.name, frame: arp(1, ha.mac, a, hb.mac, b) }, addressee: hb.name },
      { frame: `ARP reply ${b} -> ${a}`, stim: { fromHost: hb.name, frame: arp(2, hb.mac, b, ha.mac, a) }, addressee: ha.name },
      { frame: `ICMP echo request ${a} -> ${b}`, stim: { fromHost: ha.name, frame: echo(8, ha.mac, hb.mac, a, b) }, addressee: hb.name },
      { frame: `ICMP echo reply ${b} -> ${a}`, stim: { fromHost: hb.name, frame: echo(0, hb.mac, ha.mac, b, a) }, addressee: ha.name },
    ];
    const p = predict(network, exchange.map((e, i) => ({ ...e.stim, atMs: i * 10 })));
    const frames = exchange.map((e, i) => ({
      frame: e.frame,
      arrives: p.observations.some((o) => o.kind === 'host' && o.stimulus === i && o.host === e.addressee),
    }));
    return { scenario: s.name, from: from.name, to: to.name, address, reachable: frames.every((f) => f.arrives), frames, findings: p.findings };
  });
}

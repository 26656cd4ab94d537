// Assumption map-e-ike-ports at the IKE level: the router's IKE oracle, unchanged, on a virtual
// wire where the CE's datagrams leave from the two ports of its set that mapEIkePorts gives (what
// ipsec-sockets.ts does through the MAP-E tunnel end) and the peer is an unchanged IKE node.
// With NAT traversal on and not forced: the CE's NAT-D names its unmapped 192.0.2.5:500 (RFC 3947
// §3.2, recomputed here), the peer's names the CE at the mapped port it saw, both detect the NAT,
// float and make a UDP-encapsulated SA (RFC 3948); every datagram the peer sends goes to one of the
// CE's two ports, which the CE's sockets turn back into 500 / 4500. The namespace lab
// (tests/labs/underlay-mape-ipsec-netns.spec.ts) shows the same on the wire, with NAT-T forced.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { IkeNode } from '../../../../reference-impl/ipsec/ike/ike-node.ts';
import type { IkeAction, IkeEvent, UdpEndpoint } from '../../../../reference-impl/ipsec/ike/ike-events.ts';
import { decodeMessage } from '../../../../reference-impl/ipsec/isakmp/message.ts';
import { Mulberry32 } from '../../../../reference-impl/sim/prng.ts';
import { mapECe, mapEIkePorts, portInSet } from '../../../../reference-impl/underlay/index.ts';
import { gateway } from '../../ipsec/ike/ike-sim.ts';

const PEER = '203.0.113.2';
const CE = mapECe({ ipv6Prefix: '2001:db8:aa00::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:1::100' }, '2001:db8:aa05:1200::/56');
const NAT_T = { on: true, force: false, keepaliveS: 300 } as const;

/** RFC 3947 §3.2 with SHA-1 (the phase 1 hash of DEFAULT_PHASE1 is sha-hmac). */
function natD(icookie: Uint8Array, rcookie: Uint8Array, ipv4: string, port: number): string {
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return createHash('sha1').update(icookie).update(rcookie).update(Uint8Array.from(ipv4.split('.').map(Number))).update(p).digest('hex');
}

interface Wire {
  from: UdpEndpoint;
  to: UdpEndpoint;
  bytes: Uint8Array;
}

test('behind MAP-E the CE\'s IKE is a NAPT\'d client: NAT-D over 192.0.2.5:500, the peer answers the mapped ports, both float to ESP in UDP', () => {
  const ports = mapEIkePorts(CE);
  const toWire = new Map<number, number>([[500, ports.ike], [4500, ports.natT]]);
  const fromWire = new Map([...toWire].map(([k, v]) => [v, k as 500 | 4500]));
  const rng = new Mulberry32(19);
  const ce = new IkeNode({ gateways: [gateway(CE.ipv4, PEER, { natTraversal: NAT_T })], random: rng.fork() });
  const peer = new IkeNode({ gateways: [gateway(PEER, CE.ipv4, { natTraversal: NAT_T, autoRefresh: false })], random: rng.fork() });
  const wire: Wire[] = [];
  const done: { node: 'ce' | 'peer'; action: IkeAction }[] = [];
  const queue: { node: 'ce' | 'peer'; ev: IkeEvent }[] = [{ node: 'ce', ev: { kind: 'connect', gateway: 1 } }];
  while (queue.length) {
    const { node, ev } = queue.shift()!;
    for (const a of (node === 'ce' ? ce : peer).handle(0, ev)) {
      done.push({ node, action: a });
      if (a.kind !== 'send') continue;
      if (node === 'ce') {
        // the CE's sockets: the oracle's 500 / 4500 leave from the set's ports (the tunnel end refuses others)
        const from = { address: CE.ipv4, port: toWire.get(a.localPort)! };
        expect(portInSet(from.port, CE)).toBe(true);
        wire.push({ from, to: a.to, bytes: a.bytes });
        queue.push({ node: 'peer', ev: { kind: 'udp', localPort: a.to.port as 500 | 4500, from, bytes: a.bytes } });
      } else {
        const from = { address: PEER, port: a.localPort };
        wire.push({ from, to: a.to, bytes: a.bytes });
        const local = fromWire.get(a.to.port);
        // a datagram to any other port reaches another CE or none (RFC 7597 §8.2): lost
        if (a.to.address === CE.ipv4 && local) queue.push({ node: 'ce', ev: { kind: 'udp', localPort: local, from, bytes: a.bytes } });
      }
    }
  }
  const ups = (n: 'ce' | 'peer') => done.filter((d) => d.node === n && d.action.kind === 'ipsecSaUp').map((d) => d.action as Extract<IkeAction, { kind: 'ipsecSaUp' }>);
  expect(ups('ce'), 'the CE\'s SA').toHaveLength(1);
  expect(ups('peer'), 'the peer\'s SA').toHaveLength(1);
  expect(ups('ce')[0].sa.udpEncapsulated && ups('peer')[0].sa.udpEncapsulated, 'ESP in UDP at both ends (RFC 3948)').toBe(true);
  expect(ups('peer')[0].sa.peer, 'the peer\'s ESP goes to the CE\'s NAT-T port').toEqual({ address: CE.ipv4, port: ports.natT });

  const toCe = wire.filter((w) => w.to.address === CE.ipv4);
  expect(toCe.length).toBeGreaterThan(0);
  for (const w of toCe) expect([ports.ike, ports.natT], 'the peer sends only to the ports it saw').toContain(w.to.port);
  expect(new Set(wire.filter((w) => w.from.address === CE.ipv4).map((w) => `${w.from.port}->${w.to.port}`)), 'IKE, then NAT-T after the float').toEqual(new Set([`${ports.ike}->500`, `${ports.natT}->4500`]));

  // NAT-D in main mode messages 3 (the CE's) and 4 (the peer's): the receiver as seen, then the sender itself
  const natDs = (from: string) => wire.filter((w) => w.from.address === from && w.from.port !== ports.natT && w.from.port !== 4500).map((w) => decodeMessage(w.bytes)).flatMap((m) => (m.encrypted ? [] : [{ h: m.header, d: m.payloads.flatMap((p) => (p.kind === 'natD' ? [Buffer.from(p.data).toString('hex')] : [])) }])).filter((x) => x.d.length > 0);
  const [mm3] = natDs(CE.ipv4);
  const [mm4] = natDs(PEER);
  expect(mm3.d, 'the CE: the peer at 500, itself unmapped at 500').toEqual([natD(mm3.h.icookie, mm3.h.rcookie, PEER, 500), natD(mm3.h.icookie, mm3.h.rcookie, CE.ipv4, 500)]);
  expect(mm4.d, 'the peer: the CE at the mapped IKE port it saw, itself at 500').toEqual([natD(mm4.h.icookie, mm4.h.rcookie, CE.ipv4, ports.ike), natD(mm4.h.icookie, mm4.h.rcookie, PEER, 500)]);
});

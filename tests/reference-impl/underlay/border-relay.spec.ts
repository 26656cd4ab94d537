// A site behind MAP-E and a site behind IPIP reach each other through the border relay: the
// L2TPv3 datagram leaves the MAP-E CE from its port set (1232 under RFC 7597's example 1, not
// 1701), arrives at the IPIP site with that source port, and the answer to 1232 finds the CE by
// its PSID. An answer to 1701 is the case where the restriction matters: the relay delivers it to
// the CE that owns 1701 (PSID 0xa9), not to ours. Spoofed sources are dropped (RFC 7597 §8.1).
import { expect, test } from '@playwright/test';
import {
  BorderRelay, ceForDestination, ETHERTYPE_IPV6, ethernetFrame, l2tpSourcePort, macBytes, mapECe, neighborAdvertisement, readNd, TunnelWan, type MapERule,
} from '../../../reference-impl/underlay/index.ts';

const RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };
const CE = mapECe(RULE, '2001:db8:0012:3400::/56');
const IPIP_SITE = { ipv6: '2001:db8:f00::2', ipv4: '198.51.100.20' };
const relay = new BorderRelay({ address: RULE.brAddress, mapRules: [RULE], ipip: [{ ipv4Prefix: `${IPIP_SITE.ipv4}/32`, remote: IPIP_SITE.ipv6 }] });
const payload = Uint8Array.from({ length: 40 }, (_, i) => 0x80 + i);

/** A tunnel end whose next hop is already known (the relay's MAC), so send() gives the data frame at once. */
function resolvedEnd(cfg: ConstructorParameters<typeof TunnelWan>[0]): TunnelWan {
  const end = new TunnelWan(cfg);
  const relayMac = '02:00:00:00:ff:01';
  const ns = readNd(end.send({ dst: '203.0.113.1', srcPort: cfg.portSet ? l2tpSourcePort(cfg.portSet) : 1701, dstPort: 9, payload: new Uint8Array(0) }, 0)[0]);
  if (ns?.kind !== 'solicitation') throw new Error('expected a neighbour solicitation');
  // answer it as the relay's side of the link would
  end.receive(neighborAdvertisement(macBytes(relayMac), ns.target, ns.srcMac, ns.src), 0);
  return end;
}

const ceEnd = () => resolvedEnd({ mac: '02:00:00:00:0a:01', ipv6: CE.ceIpv6, remote: RULE.brAddress, ipv4: CE.ipv4, portSet: CE });
const ipipEnd = () => resolvedEnd({ mac: '02:00:00:00:0b:01', ipv6: IPIP_SITE.ipv6, remote: RULE.brAddress, ipv4: IPIP_SITE.ipv4 });

test.describe('border relay between a MAP-E site and an IPIP site', () => {
  test('the L2TPv3 datagram crosses with the port-set source port, and the answer to that port comes back', () => {
    const a = ceEnd();
    const b = ipipEnd();
    const srcPort = l2tpSourcePort(CE);
    expect(srcPort).toBe(1232);
    const out = a.send({ dst: IPIP_SITE.ipv4, srcPort, dstPort: 1701, payload }, 1);
    const r = relay.relay(out[0].subarray(14));
    expect(r).toMatchObject({ kind: 'forward', to: IPIP_SITE.ipv6, via: 'ipip' });
    if (r.kind !== 'forward') return;
    const got = b.receive(ethernetFrame(macBytes('02:00:00:00:0b:01'), macBytes('02:00:00:00:ff:01'), ETHERTYPE_IPV6, r.packet), 1);
    expect(got).toEqual({ kind: 'datagram', datagram: { src: CE.ipv4, dst: IPIP_SITE.ipv4, srcPort: 1232, dstPort: 1701, payload }, frames: [] });
    const back = relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, 2)[0].subarray(14));
    expect(back).toMatchObject({ kind: 'forward', to: CE.ceIpv6, via: 'map-e' });
    if (back.kind !== 'forward') return;
    expect(a.receive(ethernetFrame(macBytes('02:00:00:00:0a:01'), macBytes('02:00:00:00:ff:01'), ETHERTYPE_IPV6, back.packet), 2))
      .toEqual({ kind: 'datagram', datagram: { src: IPIP_SITE.ipv4, dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, frames: [] });
  });

  test('an answer to port 1701 of the shared address goes to the CE that owns 1701, not to ours', () => {
    const b = ipipEnd();
    const r = relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14));
    const owner = ceForDestination(RULE, CE.ipv4, 1701);
    expect(owner?.psid).toBe(0xa9);
    expect(r).toMatchObject({ kind: 'forward', via: 'map-e', to: owner?.ceIpv6 });
    expect(owner?.ceIpv6).not.toBe(CE.ceIpv6);
    // ports below 2^(16-a) = 1024 belong to no CE
    expect(relay.relay(b.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 500, payload }, 1)[0].subarray(14)))
      .toEqual({ kind: 'dropped', why: `no MAP-E rule or IPIP customer for ${CE.ipv4} port 500` });
  });

  test('sources that do not belong to the tunnel they came through are dropped (RFC 7597 §8.1)', () => {
    // the CE sends from a port of another PSID: its TunnelWan refuses, so build it as another CE would
    const other = ceForDestination(RULE, CE.ipv4, 1701)!;
    const otherEnd = resolvedEnd({ mac: '02:00:00:00:0c:01', ipv6: CE.ceIpv6, remote: RULE.brAddress, ipv4: CE.ipv4, portSet: other });
    const spoof = relay.relay(otherEnd.send({ dst: IPIP_SITE.ipv4, srcPort: 1701, dstPort: 1701, payload }, 1)[0].subarray(14));
    expect(spoof).toEqual({ kind: 'dropped', why: `source ${CE.ipv4}:1701 does not belong to MAP-E CE ${CE.ceIpv6} (RFC 7597 §8.1)` });
    const wrongTunnel = resolvedEnd({ mac: '02:00:00:00:0d:01', ipv6: '2001:db8:f00::99', remote: RULE.brAddress, ipv4: IPIP_SITE.ipv4 });
    expect(relay.relay(wrongTunnel.send({ dst: CE.ipv4, srcPort: 1701, dstPort: 1232, payload }, 1)[0].subarray(14)))
      .toEqual({ kind: 'dropped', why: `source ${IPIP_SITE.ipv4} arrived from 2001:db8:f00::99, not its IPIP tunnel end ${IPIP_SITE.ipv6}` });
  });
});

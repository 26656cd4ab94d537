// Issue 19: L2TPv3/IPsec with one site behind MAP-E. Seed 設定例4 (L2TPv3/IPsec) with rt1 a MAP-E
// CE (shared address, port set without 500, 4500 or 1701) and rt2 behind IPIP
// (topologies/seed/mape-ex4-ipsec.yaml), brought up by the real binary (`lab up --netns --key-log
// DIR --capture DIR`). The hosts ping across both ways; tshark, an independent decoder, reads the
// internet link as IKE and ESP in UDP (RFC 3948) inside IPv4 inside IPv6, no cleartext L2TP. The
// CE's IKE and NAT-T source ports are the two its rule predicts (assumption map-e-ike-ports,
// mapEIkePorts from the lab's rule), never 500 / 4500, and rt2 answers to them; the NAT-D hashes,
// recomputed here from the capture's cookies (RFC 3947 §3.2), show rt2 naming the CE at the port
// it saw and the CE never naming itself at a mapped port, so rt2 detects the NAT. With
// the routers' key log the ESP holds the L2TPv3 control connection (from the CE's L2TPv3 source
// port) and the hosts' ICMP. `lab down` leaves no namespace and no process.
import { test, expect } from '@playwright/test';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { hasProgram } from '../../drivers/hosts/index.ts';
import { loadTopology } from '../../topologies/schema/index.ts';
import { l2tpSourcePort, mapECe, mapEIkePorts, portInSet } from '../../reference-impl/underlay/index.ts';
import { expectL2tpControlInsideEsp, keyArgsFrom, tsharkRows, tsharkSummary } from './ipsec-lab-evidence.ts';
import { expectHostsIcmpInsideEsp, first, ikeAndEspInsideIpv6, runUnderlayIpsecLab } from './underlay-ipsec-lab.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOPOLOGY = 'topologies/seed/mape-ex4-ipsec.yaml';
const PEER = '203.0.113.2';

/** RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port), the hash chosen by its length (SHA-1 20, SHA-256 32 octets). */
function natD(hashHex: string, icookie: string, rcookie: string, ipv4: string, port: number): string {
  const alg = ({ 40: 'sha1', 64: 'sha256', 96: 'sha384', 128: 'sha512' } as Record<number, string>)[hashHex.length];
  if (!alg) throw new Error(`NAT-D hash of ${hashHex.length / 2} octets: no hash known`);
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return createHash(alg).update(Buffer.from(icookie, 'hex')).update(Buffer.from(rcookie, 'hex')).update(Buffer.from(ipv4.split('.').map(Number))).update(p).digest('hex');
}

test(`${path.basename(TOPOLOGY)}: L2TPv3/IPsec from behind MAP-E; IKE and ESP in UDP from the predicted ports of the CE's set, inside IPv4 inside IPv6; lab down leaves nothing`, async () => {
  test.setTimeout(240_000);
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
  for (const tool of ['ip', 'tshark', 'dumpcap', 'ping']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  const loaded = loadTopology(path.join(ROOT, TOPOLOGY));
  if (!loaded.value) throw new Error(`${TOPOLOGY} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const relay = loaded.value.links.find((l) => l.relay)!.relay!;
  // the oracle's prediction from the lab's rule: the CE's addresses, its L2TPv3 and IKE ports
  const ceRouter = loaded.value.routers.find((r) => r.map_e)!;
  const rule = relay.map_e_rules![ceRouter.map_e!.rule ?? 0];
  const ce = mapECe({ ipv6Prefix: rule.ipv6_prefix, ipv4Prefix: rule.ipv4_prefix, eaBits: rule.ea_bits, psidOffset: rule.psid_offset, brAddress: relay.address }, ceRouter.map_e!.end_user_prefix);
  const ports = mapEIkePorts(ce);
  for (const p of [500, 4500, 1701]) expect(portInSet(p, ce), `this lab's PSID does not own ${p}, so the restriction matters`).toBe(false);

  const { state, dir, pcap, keyDir } = await runUnderlayIpsecLab(TOPOLOGY);

  // the evidence, read after lab down stopped the capture (the file is complete)
  const { ike, esp } = await ikeAndEspInsideIpv6(pcap, relay.address);
  for (const r of [...ike, ...esp]) expect(new Set([r[3], r[4]]), 'between the CE\'s shared address and rt2\'s fixed one').toEqual(new Set([ce.ipv4, PEER]));
  const fromCe = (rows: string[][]) => rows.filter((r) => r[3] === ce.ipv4);
  const toCe = (rows: string[][]) => rows.filter((r) => r[4] === ce.ipv4);
  // each datagram is seen twice: on the CE's leg (its MAP address <-> the relay) and on rt2's (the relay <-> rt2's IPIP end)
  const rt2End = relay.ipip!.find((x) => x.ipv4_prefix.startsWith(PEER))!.remote;
  const legs = (rows: string[][]) => new Set(rows.map((r) => `${first(r[0])} > ${first(r[1])}`));
  expect(legs(fromCe([...ike, ...esp])), 'the CE sends from its MAP address; the relay forwards to rt2').toEqual(new Set([`${ce.ceIpv6} > ${relay.address}`, `${relay.address} > ${rt2End}`]));
  expect(legs(toCe([...ike, ...esp])), 'rt2 sends to the relay; the relay to the CE\'s MAP address').toEqual(new Set([`${rt2End} > ${relay.address}`, `${relay.address} > ${ce.ceIpv6}`]));
  // IKE: from the port standing for 500 to 500, after the float from the one standing for 4500 to 4500; rt2 answers to them
  const ceIke = fromCe(ike).map((r) => `${r[5]}->${r[6]}`);
  const rt2Ike = toCe(ike).map((r) => `${r[5]}->${r[6]}`);
  expect(ceIke.length, 'IKE from the CE').toBeGreaterThan(0);
  expect(rt2Ike.length, 'IKE answered to the CE').toBeGreaterThan(0);
  expect(new Set(ceIke), 'the CE\'s IKE ports: the predicted pair, never 500 / 4500').toEqual(new Set([`${ports.ike}->500`, `${ports.natT}->4500`]));
  expect(new Set(rt2Ike), 'rt2 answers to the ports it saw').toEqual(new Set([`500->${ports.ike}`, `4500->${ports.natT}`]));
  // ESP in UDP (RFC 3948) both ways, the CE's side on its NAT-T port
  expect(fromCe(esp).length, 'ESP from the CE').toBeGreaterThan(0);
  expect(toCe(esp).length, 'ESP to the CE').toBeGreaterThan(0);
  for (const r of fromCe(esp)) expect([r[5], r[6]]).toEqual([String(ports.natT), '4500']);
  for (const r of toCe(esp)) expect([r[5], r[6]]).toEqual(['4500', String(ports.natT)]);

  // NAT-D (RFC 3947 §3.2) in main mode messages 3 and 4: the first hash names the receiver as the
  // sender sees it, the second the sender itself. rt2 names the CE as it arrived (the mapped IKE
  // port: a NAT-T responder needs no change). The CE never names itself at a mapped port, so rt2
  // detects the NAT: its IKE believes it is on 500 (a NAPT'd client; the hash of 192.0.2.5:500 is
  // shown by tests/reference-impl/router/ipsec/map-e-ike-nat-d.spec.ts), and in this lab its own
  // hash is random besides, for the emulator carries ESP only in UDP and forces NAT-T
  // (EMULATOR_LIMITS.espOnlyInUdp, assumption nat-t-force-fakes-nat-d) at both ends.
  const natd = tsharkRows(pcap, [], 'isakmp.ike.nat_hash', ['ip.src', 'isakmp.ispi', 'isakmp.rspi', 'isakmp.ike.nat_hash']);
  await test.info().attach('nat-d rows.txt', { body: natd.map((r) => r.join('\t')).join('\n'), contentType: 'text/plain' });
  const byCe = natd.find((r) => r[0] === ce.ipv4);
  const byRt2 = natd.find((r) => r[0] === PEER);
  expect(byCe && byRt2, 'NAT-D payloads from both ends').toBeTruthy();
  const hashes = (r: string[]) => ({ h: r[3].split('|').map((x) => x.replace(/:/g, '')), ic: r[1].replace(/:/g, ''), rc: r[2].replace(/:/g, '') });
  const c = hashes(byCe!);
  const p = hashes(byRt2!);
  expect(c.h.length, 'two NAT-D payloads from the CE').toBe(2);
  expect(p.h.length, 'two NAT-D payloads from rt2').toBe(2);
  expect(c.h[0], 'the CE\'s first NAT-D: rt2 at 203.0.113.2:500').toBe(natD(c.h[0], c.ic, c.rc, PEER, 500));
  expect(p.h[0], `rt2's first NAT-D: the CE as seen, ${ce.ipv4}:${ports.ike}`).toBe(natD(p.h[0], p.ic, p.rc, ce.ipv4, ports.ike));
  for (const port of [ports.ike, ports.natT]) expect(c.h[1], `the CE's own NAT-D does not name its mapped port ${port}`).not.toBe(natD(c.h[1], c.ic, c.rc, ce.ipv4, port));

  // decrypted with the routers' key log: the L2TPv3 control connection and the hosts' ICMP inside ESP
  const keys = keyArgsFrom(keyDir);
  await test.info().attach('capture summary (decrypted).txt', { body: tsharkSummary(pcap, keys), contentType: 'text/plain' });
  expectL2tpControlInsideEsp(pcap, keys);
  // inside the CE's ESP the L2TPv3 datagram keeps 1701 at both ends (facts §6; `ipsec transport 1
  // 101 udp 1701` selects it): the port set confines only the outer UDP header, the one the
  // relay routes by; the protected inner ports are what a NAPT never sees (RFC 3948 §3.1.2). So
  // the plain-L2TPv3 source port of the set (map-e-l2tp-source-port) appears nowhere here.
  const inner = tsharkRows(pcap, keys, `esp && l2tp && ip.src == ${ce.ipv4}`, ['udp.srcport', 'udp.dstport']);
  expect(inner.length, 'the CE\'s L2TPv3 inside ESP').toBeGreaterThan(0);
  for (const r of inner) expect([r[0], r[1]], 'outer: the CE\'s NAT-T port to 4500; inner: 1701 to 1701').toEqual([`${ports.natT}|1701`, '4500|1701']);
  expect(tsharkRows(pcap, keys, `udp.port == ${l2tpSourcePort(ce)}`, ['frame.number']), 'the plain-L2TPv3 source port is not used').toEqual([]);
  expectHostsIcmpInsideEsp(pcap, keys, state);
  rmSync(dir, { recursive: true, force: true });
});

// Issue 19 "What must be shown" 1-2: seed example 1 inside an IPv6-only access service, brought up by
// the real binary (`lab up TOPOLOGY --netns --capture DIR`): IPIP at both sites (ipip-ex1.yaml), and
// MAP-E at site 1 with IPIP at site 2 (mape-ex1.yaml), the ISP's gateway / border relay a lab
// process on the internet link. The hosts ping across both ways; tshark, an independent decoder,
// reads the internet link's capture as L2TPv3 in UDP in IPv4 in IPv6 (Next Header 4) with the hosts'
// ICMP inside, only between the tunnel ends and the relay, with no expert warning; a ping bigger
// than the tunnel MTU crosses both ways as IPv6 fragments (issue 19 point 4); behind MAP-E
// the CE's L2TPv3 source port is the one the oracle predicts from the rule (RFC 7597 port set,
// assumption map-e-l2tp-source-port) and never 1701, and the relay sends to the CE's MAP address
// the rule derives. `lab down` leaves no namespace and no process naming the lab.
import { test, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasProgram, listNetns } from '../../drivers/hosts/index.ts';
import { readLabState, type LabState } from '../../drivers/lab/index.ts';
import { loadTopology } from '../../topologies/schema/index.ts';
import { l2tpSourcePort, mapECe, portInSet } from '../../reference-impl/underlay/index.ts';
import { tsharkRows } from './ipsec-lab-evidence.ts';
import { cli } from '../support/cli-binary.ts';
import { expectLabGone, labDownThroughCli } from './lab-teardown.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function ping(netns: string, to: string, count: number, deadline: number, extra: readonly string[] = []): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync('ip', ['netns', 'exec', netns, 'ping', '-n', ...extra, '-c', String(count), '-w', String(deadline), to], { encoding: 'utf8', timeout: (deadline + 5) * 1000 }) };
  } catch (e) {
    return { ok: false, out: String((e as { stdout?: string }).stdout ?? e) };
  }
}

/** The pseudowire is up once one ping crosses: each try bounded by ping's own deadline, 30 tries at most. */
function waitReachable(netns: string, to: string): boolean {
  for (let i = 0; i < 30; i++) if (ping(netns, to, 1, 1).ok) return true;
  return false;
}

const bare = (a: string) => a.replace(/\/\d+$/, '');
/** ICMP data octets of the large ping: IPv4 1428, frame 1442, tunnel packet 1540 or more. */
const BIG_PING = 1400;

for (const topology of ['topologies/seed/ipip-ex1.yaml', 'topologies/seed/mape-ex1.yaml']) {
  test(`${path.basename(topology)}: hosts ping across; the internet link holds L2TPv3 in IPv4 in IPv6, clean; lab down leaves nothing`, async () => {
    test.setTimeout(180_000);
    test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
    for (const tool of ['ip', 'tshark', 'dumpcap', 'ping']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
    const loaded = loadTopology(path.join(ROOT, topology));
    if (!loaded.value) throw new Error(`${topology} does not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    const t = loaded.value;
    const dir = mkdtempSync(path.join(tmpdir(), 'underlay-netns-'));
    const stateFile = path.join(dir, 'state.json');
    const capDir = path.join(dir, 'capture');
    const before = new Set(await listNetns());
    let state: LabState | undefined;
    try {
      const up = await cli(['lab', 'up', topology, '--netns', '--state', stateFile, '--capture', capDir], 90_000);
      expect(up.code, `lab up: ${up.err}`).toBe(0);
      state = readLabState(stateFile);
      const hosts = Object.fromEntries(state.hosts.map((h) => [h.name, h]));
      const [pc1, pc2] = [hosts.pc1, hosts.pc2];
      // behind MAP-E only the CE can dial (mape-ex1.yaml): pc1 first, so its site brings the session up
      expect(waitReachable(pc1.netns!, bare(pc2.addresses[0])), 'pc1 reaches pc2 within 30 tries').toBe(true);
      for (const [a, b] of [[pc1, pc2], [pc2, pc1]] as const) {
        const r = ping(a.netns!, bare(b.addresses[0]), 3, 30);
        expect(r.ok, `${a.name} -> ${b.name}: ${r.out}`).toBe(true);
      }
      // bigger than the tunnel MTU: the host's 1428-octet IPv4 packet (DF clear) is a 1442-octet
      // frame, whose L2TPv3 datagram in IPv4 in IPv6 exceeds the 1500-octet internet link, so each
      // tunnel end and the relay send IPv6 fragments and reassemble (RFC 2473 §7.2(b),
      // assumption tunnel-fragments-outer-ipv6)
      for (const [a, b] of [[pc1, pc2], [pc2, pc1]] as const) {
        const r = ping(a.netns!, bare(b.addresses[0]), 3, 30, ['-s', String(BIG_PING), '-M', 'dont']);
        expect(r.ok, `${a.name} -> ${b.name} with ${BIG_PING} octets: ${r.out}`).toBe(true);
      }
    } finally {
      if (state) {
        await labDownThroughCli(stateFile);
      }
    }
    await expectLabGone(state!.prefix, before, [dir]);

    // the evidence, read after lab down stopped the capture (the file is complete)
    const pcap = path.join(capDir, readdirSync(capDir).find((f) => f.startsWith('internet6'))!);
    const relay = t.links.find((l) => l.relay)!.relay!;
    const fields = ['ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'frame.protocols', 'ip.len'];
    const rows = tsharkRows(pcap, [], 'l2tp', fields);
    expect(rows.length, 'L2TPv3 on the internet link').toBeGreaterThan(0);
    // every L2TPv3 datagram is IPv4 in IPv6 (Next Header 4), from a tunnel end to the relay or back
    for (const r of rows) {
      expect(r[7], 'layers').toMatch(/^eth:ethertype:ipv6:(ipv6\.fraghdr:)?ip:udp:l2tp/);
      // a reassembled datagram's last fragment: Fragment header (44), IPv4 behind it
      expect(r[2].split('|')[0]).toBe(r[7].includes('ipv6.fraghdr') ? '44' : '4');
      expect([r[0], r[1]].map((a) => a.split('|')[0])).toContain(relay.address);
    }
    // the hosts' ICMP inside L2TPv3 (Ethernet inside), both ways
    const icmp = rows.filter((r) => /:l2tp:(eth:)?ethertype:ip:icmp/.test(r[7]));
    expect(new Set(icmp.map((r) => r[3].split('|')[1])), 'inner ICMP sources').toEqual(new Set(['192.168.100.11', '192.168.100.12']));
    const expert = execFileSync('tshark', ['-r', pcap, '-q', '-z', 'expert,warn', '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-d', 'l2tp.pw_type==0,eth'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(expert, 'tshark expert warnings').not.toMatch(/Warns|Errors/);
    // the large pings crossed as IPv6 fragments (Fragment header, Next Header 4 inside), every
    // fragment within the link MTU, and Wireshark's reassembly finds the hosts' 1428-octet ICMP
    const frags = tsharkRows(pcap, [], 'ipv6.fraghdr', ['frame.len', 'ipv6.src', 'ipv6.dst', 'ipv6.fraghdr.nxt', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.more']);
    expect(frags.length, 'IPv6 fragments on the internet link').toBeGreaterThan(0);
    for (const r of frags) {
      expect(Number(r[0]) - 14, 'IPv6 packet within the 1500-octet link MTU').toBeLessThanOrEqual(1500);
      expect(r[3], 'the fragments carry IPv4 (Next Header 4)').toBe('4');
    }
    expect(new Set(frags.flatMap((r) => [r[1], r[2]])), 'fragments from and to the relay').toContain(relay.address);
    const big = rows.filter((r) => /:l2tp:(eth:)?ethertype:ip:icmp/.test(r[7]) && r[8]?.split('|')[1] === String(BIG_PING + 28));
    expect(new Set(big.map((r) => r[3].split('|')[1])), 'large ICMP reassembled, both ways').toEqual(new Set(['192.168.100.11', '192.168.100.12']));
    await test.info().attach('fragments.txt', { body: frags.map((r) => r.join('\t')).join('\n'), contentType: 'text/plain' });
    await test.info().attach('l2tp rows.txt', { body: rows.map((r) => r.join('\t')).join('\n'), contentType: 'text/plain' });

    const ce = t.routers.find((r) => r.map_e);
    if (ce) {
      // the oracle's prediction from the lab's rule: the CE's addresses and its L2TPv3 source port
      const rule = relay.map_e_rules![ce.map_e!.rule ?? 0];
      const m = mapECe({ ipv6Prefix: rule.ipv6_prefix, ipv4Prefix: rule.ipv4_prefix, eaBits: rule.ea_bits, psidOffset: rule.psid_offset, brAddress: relay.address }, ce.map_e!.end_user_prefix);
      const port = l2tpSourcePort(m);
      expect(portInSet(1701, m), 'this lab\'s PSID does not own 1701, so the restriction matters').toBe(false);
      const fromCe = rows.filter((r) => r[0].split('|')[0] === m.ceIpv6);
      const toCe = rows.filter((r) => r[1].split('|')[0] === m.ceIpv6);
      expect(fromCe.length, 'L2TPv3 from the CE\'s MAP address').toBeGreaterThan(0);
      expect(toCe.length, 'L2TPv3 relayed to the CE\'s MAP address').toBeGreaterThan(0);
      for (const r of fromCe) expect([r[3].split('|')[0], Number(r[5])], 'CE sends from its shared address and the predicted port').toEqual([m.ipv4, port]);
      for (const r of toCe) expect([r[4].split('|')[0], Number(r[6])], 'the peer answers to that port').toEqual([m.ipv4, port]);
      expect(port).not.toBe(1701);
    }
    rmSync(dir, { recursive: true, force: true });
  });
}


// Issue 15 point 3, "NAT-T with a NAT between the sites (a Linux namespace doing masquerade)": seed
// 設定例5 with the dynamic site behind a home gateway (topologies/seed/ex5-ipsec-behind-nat.yaml).
// `lab up --netns` puts rt2's WAN on the private link `home` (a DHCP lease there) and makes the lab
// namespace masquerade `home` onto `internet` with nftables, TCP/UDP source ports mapped into
// 40000-40999 (drivers/lab/lab-nat.ts). Captured on both links from before the routers started:
//  - IKE starts on UDP 500; on `internet` rt2's packets carry the NAT's address and a translated
//    port, and rt1 answers to that address and port (never to rt2's private address);
// Two runs: `forced`, the lab's default, where the emulated router always encapsulates as with
// `force=on` and so sends a NAT-D for itself that cannot match (assumption 'nat-t-force-fakes-nat-d');
// and `as configured` (`--router-arg=--esp-plain`), where the routers follow their configs'
// `nat-traversal 1 on` and only a NAT seen in the NAT-D payloads makes them float (KNOWN DEFECT below).
//  - the NAT-D payloads (RFC 3947 §3.2), recomputed here from the cookies and the negotiated hash:
//    rt1's first NAT-D is the hash of the NAT's address and port as rt1 saw them (not rt2's own),
//    rt2's own NAT-D hashes its private address: each end can see the NAT;
//  - both float to UDP 4500 (the NAT maps 4500 to another port, and rt1 follows that one), quick
//    mode and ESP in UDP 4500 only there, decrypted with the key log into the L2TPv3 control
//    connection and the hosts' ICMP;
//  - NAT keepalives (RFC 3948 §2.3) from rt2 through the NAT's 4500 mapping, none from rt1 (not
//    behind a NAT);
//  - `lab down` leaves no namespace (the nft rules lived in the lab namespace), no process, no table.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hasProgram, listNetns, runCommand } from '../../drivers/hosts/index.ts';
import { readLabState, type LabState } from '../../drivers/lab/index.ts';
import { expectL2tpControlInsideEsp, icvGood, keyArgsFrom, tsharkRows, tsharkSummary } from './ipsec-lab-evidence.ts';
import { cli } from '../support/cli-binary.ts';
import { pingAcross } from './ping-across.ts';
import { expectLabGone, labDownThroughCli } from './lab-teardown.ts';

const TOPOLOGY = 'topologies/seed/ex5-ipsec-behind-nat.yaml';
/** the topology's port range for the NAT (links[home].nat.ports) */
const NAT_PORTS = [40000, 40999] as const;
/** RFC 3947's vendor ID (MD5 of "RFC 3947") */
const RFC3947_VID = '4a131c81070358455c5728f20e95452f';
/** IKEv1 hash algorithm attribute values (RFC 2409 App. A, 4-6 from the IANA registry) -> node names */
const IKE_HASH: Record<string, string> = { '1': 'md5', '2': 'sha1', '4': 'sha256', '5': 'sha384', '6': 'sha512' };

/** A command bounded by its own deadline (ping -w, tshark -a duration) and a kill as the backstop. */
function run(argv: string[], killMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const t = setTimeout(() => child.kill('SIGKILL'), killMs);
    child.on('close', (code) => (clearTimeout(t), resolve({ code, out })));
  });
}

const bare = (a: string) => a.replace(/\/\d+$/, '');
const wanAddress = (w: string) => w.replace(/^\[?([^\]]*?)\]?:\d+$/, '$1');
const hex = (s: string) => s.replace(/:/g, '').toLowerCase();

/** RFC 3947 §3.2: HASH(CKY-I | CKY-R | IP | Port), written out here (not the oracle's natDHash). */
function natD(alg: string, ispi: string, rspi: string, address: string, port: number): string {
  const ip = Buffer.from(address.split('.').map(Number));
  const p = Buffer.alloc(2);
  p.writeUInt16BE(port);
  return createHash(alg).update(Buffer.from(hex(ispi), 'hex')).update(Buffer.from(hex(rspi), 'hex')).update(ip).update(p).digest('hex');
}

interface Mode {
  name: string;
  routerArgs: string[];
  /** each router's own NAT-D is the real hash of its address (not forced: RFC 3947 §3.2) */
  realOwnNatD: boolean;
  knownDefect?: string;
}

const MODES: Mode[] = [
  { name: 'forced encapsulation (the lab default)', routerArgs: [], realOwnNatD: false },
  {
    name: 'NAT-T as configured (--esp-plain)', routerArgs: ['--router-arg=--esp-plain'], realOwnNatD: true,
    // this run found that an aggressive-mode responder ignored the NAT-D of message 3 (RFC 3947 §3.2;
    // fixed in reference-impl/ipsec/ike/phase1.ts recvAM3): quick mode was refused with NO-PROPOSAL-CHOSEN
  },
];

/** this run's work directory: kept for inspection when a run ends other than expected, removed otherwise */
let workDir: string | undefined;
test.afterEach(() => {
  const info = test.info();
  if (workDir && info.status === info.expectedStatus) rmSync(workDir, { recursive: true, force: true });
  workDir = undefined;
});

for (const mode of MODES) test(`設定例5 behind a NAT, ${mode.name} (\`lab up ex5-ipsec-behind-nat.yaml --netns\`): IKE on 500, NAT-D sees the masquerade, both float to 4500 and follow the translated ports, ESP in UDP 4500 carries L2TPv3 and the hosts' ping, NAT keepalives from the NATed side; lab down leaves nothing`, async () => {
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces, nftables and packet capture in them');
  test.fail(mode.knownDefect !== undefined, `KNOWN DEFECT: ${mode.knownDefect ?? ''}`);
  for (const tool of ['ip', 'nft', 'tshark', 'dumpcap', 'dnsmasq', 'dhclient']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  test.setTimeout(180_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-nat-t-'));
  workDir = dir;
  const stateFile = path.join(dir, 'lab-state.json');
  const keyDir = path.join(dir, 'keys');
  const capDir = path.join(dir, 'capture');
  const before = new Set(await listNetns());
  let state: LabState | undefined;
  let natAddress = '';
  let keepaliveWatch = { code: null as number | null, out: '' };
  try {
    const up = await cli(['lab', 'up', TOPOLOGY, '--netns', '--state', stateFile, '--key-log', keyDir, '--capture', capDir, ...mode.routerArgs], 90_000);
    await test.info().attach('lab up output.txt', { body: up.out + up.err, contentType: 'text/plain' });
    expect(up.code, up.err).toBe(0);
    state = readLabState(stateFile);
    // lab up says which address the NAT masquerades as (the lab's address on `internet`)
    natAddress = /NAT: link home \([^)]*\) masqueraded onto \S+ as (\S+),/.exec(up.out + up.err)?.[1] ?? '';
    expect(natAddress, 'lab up reports the NAT').toMatch(/^198\.51\.100\.\d+$/);
    const [h1, h2] = state.hosts;
    const pings: string[] = [];
    for (const [a, b] of [[h1, h2], [h2, h1]] as const) {
      const p = await pingAcross(a.netns, bare(b.addresses[0]));
      pings.push(`${a.name} -> ${b.name} (exit ${p.code})\n${p.out}`);
      expect(p.code, `${a.name} pings ${b.name}: ${p.out}`).toBe(0);
    }
    await test.info().attach('ping.txt', { body: pings.join('\n'), contentType: 'text/plain' });
    // rt2's NAT keepalives every 30 s (its config): wait for the first one to pass the NAT, seen on
    // `internet` (tshark stops at the first match or after 45 s)
    keepaliveWatch = await run(['ip', 'netns', 'exec', state.prefix + 'lab', 'tshark', '-i', 'w0', '-c', '1', '-a', 'duration:45', '-f', `udp and src host ${natAddress} and dst port 4500 and udp[4:2] = 9`], 60_000);
  } finally {
    if (state || existsSync(stateFile)) {
      await labDownThroughCli(stateFile);
    }
  }
  // lab down: no namespace (the NAT's rules lived in the lab namespace), no process, no nft table of ours here
  await expectLabGone(state!.prefix, before, [dir]);
  expect((await runCommand(['nft', 'list', 'tables'])).stdout, 'no NAT table in our own namespace').not.toContain('l2lab_nat');

  const rt1 = wanAddress(state!.routers.find((r) => r.name === 'rt1')!.wan[0]);
  const lease = wanAddress(state!.routers.find((r) => r.name === 'rt2')!.wan[0]);
  const internet = path.join(capDir, 'internet.pcapng');
  const home = path.join(capDir, 'home.pcapng');
  await test.info().attach('internet.pcapng', { path: internet, contentType: 'application/vnd.tcpdump.pcap' });
  await test.info().attach('home.pcapng', { path: home, contentType: 'application/vnd.tcpdump.pcap' });
  await test.info().attach('internet capture summary (not decrypted).txt', { body: tsharkSummary(internet), contentType: 'text/plain' });
  await test.info().attach('home capture summary (not decrypted).txt', { body: tsharkSummary(home), contentType: 'text/plain' });
  const udp = (file: string, filter: string) => tsharkRows(file, [], `${filter} && !icmp`, ['frame.number', 'ip.src', 'udp.srcport', 'ip.dst', 'udp.dstport']).map(([f, s, sp, d, dp]) => ({ f: Number(f), s, sp: Number(sp), d, dp: Number(dp) }));

  // on `internet`: rt2's private address never appears, nothing in clear L2TP, only IKE and ESP between rt1 and the NAT
  expect(tsharkRows(internet, [], `ip.addr == ${lease}`, ['frame.number']), `rt2's private address ${lease} never on the internet link`).toEqual([]);
  expect(tsharkRows(internet, [], 'udp.port == 1701 || l2tp', ['frame.number']), 'no cleartext L2TP on the internet link').toEqual([]);
  const between = `ip.addr == ${rt1} && ip.addr == ${natAddress}`;
  expect(tsharkRows(internet, [], `${between} && !(isakmp || esp || udpencap)`, ['frame.number', '_ws.col.Protocol', '_ws.col.Info']), 'nothing but IKE and ESP between rt1 and the NAT').toEqual([]);

  // IKE starts on 500: rt2 sends from LEASE:500 (home), the NAT forwards it from NAT:P500 (internet), P500 translated
  const home500 = udp(home, `isakmp && ip.src == ${lease} && udp.dstport == 500`);
  expect(home500.length, 'rt2 starts IKE on UDP 500').toBeGreaterThan(0);
  expect(home500[0].sp, 'from its own port 500').toBe(500);
  const out500 = udp(internet, `isakmp && ip.src == ${natAddress} && udp.dstport == 500`);
  expect(out500.length, 'the first ISAKMP packet reaches rt1 on port 500').toBeGreaterThan(0);
  const p500 = out500[0].sp;
  expect(p500 >= NAT_PORTS[0] && p500 <= NAT_PORTS[1], `masquerade translated source port 500 to ${p500}`).toBe(true);
  const back500 = udp(internet, `isakmp && ip.src == ${rt1} && udp.srcport == 500`);
  expect(back500.length, 'rt1 answers on 500').toBeGreaterThan(0);
  for (const r of back500) expect(`${r.d}:${r.dp}`, `rt1's reply on 500 (frame ${r.f}) goes to the NAT's mapping`).toBe(`${natAddress}:${p500}`);

  // NAT-D (RFC 3947 §3.2), recomputed: aggressive mode messages 2 (rt1) and 3 (rt2) carry [peer's, own]
  const keys = keyArgsFrom(keyDir);
  const rows = tsharkRows(internet, keys, `isakmp.exchangetype == 4 && isakmp.ike.nat_hash`, ['ip.src', 'isakmp.ispi', 'isakmp.rspi', 'isakmp.ike.nat_hash', 'isakmp.ike.attr.hash_algorithm']);
  const msg2 = rows.find((r) => r[0] === rt1);
  const msg3 = rows.find((r) => r[0] === natAddress);
  expect(msg2 && msg3, 'NAT-D payloads in aggressive mode messages 2 and 3').toBeTruthy();
  const alg = IKE_HASH[msg2![4].split('|')[0]];
  expect(alg, `the negotiated hash (${msg2![4]}) is one we can recompute`).toBeDefined();
  const [ispi, rspi] = [msg2![1], msg2![2]];
  const d2 = msg2![3].split('|').map(hex);
  const d3 = msg3![3].split('|').map(hex);
  expect(d2[0], "rt1's first NAT-D: the NAT's address and port as rt1 saw them").toBe(natD(alg, ispi, rspi, natAddress, p500));
  expect(d2[0], '... which is not what rt2 is (so rt2 learns it is behind a NAT)').not.toBe(natD(alg, ispi, rspi, lease, 500));
  // message 3 may be hashed over the ports before or after the float (the emulator: after)
  const either = (a: string) => [natD(alg, ispi, rspi, a, 500), natD(alg, ispi, rspi, a, 4500)];
  expect(either(rt1), "rt2's first NAT-D: rt1 as rt2 sees it (no NAT on rt1's side)").toContain(d3[0]);
  if (mode.realOwnNatD) {
    expect(d2.slice(1), "rt1's own NAT-D: its address, port 500").toContain(natD(alg, ispi, rspi, rt1, 500));
    expect(d3.slice(1).filter((h) => either(lease).includes(h)).length, "rt2's own NAT-D: its private address").toBeGreaterThan(0);
  }
  const natPorts = [p500, ...new Set(udp(internet, `ip.src == ${natAddress} && udp.dstport == 4500`).map((r) => r.sp))];
  for (const p of natPorts) expect(d3.slice(1), `rt1 cannot match rt2's own NAT-D to ${natAddress}:${p} (so rt1 sees the NAT)`).not.toContain(natD(alg, ispi, rspi, natAddress, p));
  const vids = tsharkRows(internet, [], `isakmp.exchangetype == 4 && ip.src == ${natAddress}`, ['isakmp.vid_bytes']).flatMap((r) => r[0].split('|').map(hex));
  expect(vids, 'rt2 offers RFC 3947 NAT-T (its vendor ID)').toContain(RFC3947_VID);

  // both float to 4500: rt2 from LEASE:4500 (home) is NAT:P4500 on internet; rt1 answers there; quick mode and ESP only there
  const home4500 = udp(home, `ip.src == ${lease} && udp.srcport == 4500`);
  expect(home4500.length, 'rt2 floats to its port 4500').toBeGreaterThan(0);
  const out4500 = udp(internet, `ip.src == ${natAddress} && udp.dstport == 4500`);
  expect(out4500.length, 'rt1 is reached on 4500').toBeGreaterThan(0);
  const p4500 = out4500[0].sp;
  expect(p4500 >= NAT_PORTS[0] && p4500 <= NAT_PORTS[1] && p4500 !== p500, `the NAT maps 4500 to ${p4500} (another mapping than 500's ${p500})`).toBe(true);
  for (const r of out4500) expect(r.sp, `frame ${r.f}: one mapping for rt2's 4500`).toBe(p4500);
  const back4500 = udp(internet, `ip.src == ${rt1} && udp.srcport == 4500`);
  expect(back4500.length, 'rt1 sends from 4500').toBeGreaterThan(0);
  for (const r of back4500) expect(`${r.d}:${r.dp}`, `rt1's packet on 4500 (frame ${r.f}) goes to the NAT's 4500 mapping`).toBe(`${natAddress}:${p4500}`);
  expect(out500.every((r) => r.f < out4500[0].f), 'after the float nothing more to port 500').toBe(true);
  expect(tsharkRows(internet, keys, 'isakmp.exchangetype == 32 && !(udp.port == 4500)', ['frame.number']), 'quick mode only on 4500').toEqual([]);
  expect(tsharkRows(internet, [], 'esp && !(udp.port == 4500)', ['frame.number']), 'ESP only inside UDP 4500').toEqual([]);

  // decrypted with the key log: L2TPv3 control connection and session, then the hosts' ICMP, ICV good
  expectL2tpControlInsideEsp(internet, keys);
  const [a1, a2] = state!.hosts.map((h) => bare(h.addresses[0]));
  const icmp = (src: string, dst: string, type: number) =>
    tsharkRows(internet, keys, `esp && l2tp && eth && ip.src == ${src} && ip.dst == ${dst} && icmp.type == ${type}`, ['esp.icv_good']).filter((r) => icvGood(r[0])).length;
  await test.info().attach('internet capture summary (decrypted).txt', { body: tsharkSummary(internet, keys), contentType: 'text/plain' });
  for (const [src, dst] of [[a1, a2], [a2, a1]]) {
    expect(icmp(src, dst, 8), `echo requests ${src} -> ${dst} inside L2TPv3 inside ESP`).toBeGreaterThanOrEqual(3);
    expect(icmp(dst, src, 0), `echo replies ${dst} -> ${src} inside L2TPv3 inside ESP`).toBeGreaterThanOrEqual(3);
  }

  // NAT keepalives (RFC 3948 §2.3: one 0xFF octet in UDP 4500): rt2's pass its NAT mapping; rt1 sends none
  await test.info().attach('keepalive watch.txt', { body: keepaliveWatch.out, contentType: 'text/plain' });
  const kas = udp(internet, 'udp.port == 4500 && udp.length == 9');
  expect(kas.length, `a NAT keepalive within 45 s of the pings (watch: ${keepaliveWatch.out.trim().split('\n').pop() ?? ''})`).toBeGreaterThan(0);
  for (const k of kas) expect(`${k.s}:${k.sp} -> ${k.d}:${k.dp}`, `keepalive frame ${k.f} from rt2 through the NAT's 4500 mapping`).toBe(`${natAddress}:${p4500} -> ${rt1}:4500`);
});

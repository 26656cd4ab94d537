// L2TPv3 inside IPv6-only access services (issue 19; seed: L2TPv3 works "in IPIP tunnelling and
// map-e tunnel environments" — IPIPトンネリング、map-eトンネル環境下): seed example 1 with site 1
// behind an IPIP tunnel (topologies/seed/ipip-ex1.yaml) and behind MAP-E (mape-ex1.yaml), the
// device under test as rt1. The oracle speaks first: does the device's platform accept rt1's config
// (reference-impl/config; a refusal must come with the oracle's error lines), and what goes on the
// internet link — the underlay oracle (reference-impl/underlay) derives rt1's tunnel end, its IPv4
// address inside the tunnel, the L2TPv3 source port (the MAP-E port set, RFC 7597) and how a frame
// bigger than the tunnel MTU is carried (RFC 2473 §7.2(b): IPv6 fragments). An accepted config runs
// in network namespaces (`lab up --netns`, the ISP's gateway / border relay a lab process): the
// pseudowire comes up, the hosts ping across both ways (also beyond the tunnel MTU), and tshark's
// reading of the internet link is compared with the prediction.
//
// Tier: a lab of five namespaces and a relay per test does not fit the default run's 180 s budget,
// so this area runs in the `--full-matrix` tier only (one device per support-table band); in the
// default run each test is skipped with that reason.
import { test, expect, needsCapability } from './fixtures.ts';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hasProgram, listNetns, NamespaceHost } from '../drivers/hosts/index.ts';
import { labDown, labUp, type LabState } from '../drivers/lab/index.ts';
import { processStartTime } from '../drivers/lab/lab-state.ts';
import { attachCliTranscript, attachOracleComparison } from '../reports/allure/attachments.ts';
import { recordDeviceResponse } from '../reports/allure/test-metadata.ts';
import { l2tpTunnels, parseConfig } from '../reference-impl/config/index.ts';
import { l2tpSourcePort, mapECe, tunnelEntry } from '../reference-impl/underlay/index.ts';
import type { Topology } from '../topologies/schema/index.ts';
import { selectionFromEnv } from './support/devices.ts';
import { RouterConsole, waitForEstablished } from './support/lab-console.ts';
import { predictConfig } from './support/oracle-config.ts';
import { expectConfigRefusedAtStart } from './support/config-refusal.ts';
import { deviceAsRouter, type DeviceExample } from './support/seed-example.ts';

const UNDERLAYS = [
  { id: 'ipip-ex1', title: 'seed example 1, site 1 behind IPIP', file: 'topologies/seed/ipip-ex1.yaml', kind: 'ipip' },
  { id: 'mape-ex1', title: 'seed example 1, site 1 behind MAP-E', file: 'topologies/seed/mape-ex1.yaml', kind: 'map-e' },
] as const;
const DEVICE_ROLE = 'rt1';
const ROOT = path.resolve(import.meta.dirname, '..');
const READY_TIMEOUT_MS = 20_000;
const ESTABLISH_TIMEOUT_MS = 30_000;
/** ICMP data octets of the large ping: a 1428-octet IPv4 packet, a 1442-octet frame on the LAN. */
const BIG_PING = 1400;
/** The IPv6 link MTU of the lab's internet (assumption underlay-link-mtu). */
const LINK_MTU = 1500;
export const FULL_MATRIX_ONLY = 'runs in the --full-matrix tier (l2tpv3-conformance run --full-matrix): a namespace lab per test does not fit the default run\'s 180 s budget';

const secretsOf = (configs: readonly string[]) =>
  configs.flatMap((c) => l2tpTunnels(parseConfig(c)).flatMap((v) => (v.tunnelAuth.password ? [v.tunnelAuth.password.reveal()] : [])));

/** What the underlay oracle says rt1's L2TPv3 looks like on the internet link. */
interface Encapsulation {
  /** rt1's IPv6 tunnel end (IPIP: its customer entry at the gateway; MAP-E: the MAP address). */
  readonly tunnelEnd: string;
  readonly relay: string;
  /** rt1's IPv4 source inside the tunnel. */
  readonly innerSource: string;
  readonly sourcePort: number;
  /** How the large ping's datagram is carried: IPv6 fragments (count, first fragment's length). */
  readonly largeFrame: { fragments: number; firstLength: number } | 'whole';
}

function predictEncapsulation(t: Topology, rt1Config: string): Encapsulation {
  const relay = t.links.find((l) => l.relay)?.relay;
  if (!relay) throw new Error(`${t.name}: no relay link`);
  const local = l2tpTunnels(parseConfig(rt1Config)).find((v) => v.endpointAddress)?.endpointAddress?.local;
  const r1 = t.routers.find((r) => r.name === DEVICE_ROLE)!;
  let tunnelEnd: string;
  let innerSource: string;
  let sourcePort = 1701;
  if (r1.map_e) {
    const rule = relay.map_e_rules![r1.map_e.rule ?? 0];
    const ce = mapECe({ ipv6Prefix: rule.ipv6_prefix, ipv4Prefix: rule.ipv4_prefix, eaBits: rule.ea_bits, psidOffset: rule.psid_offset, brAddress: relay.address }, r1.map_e.end_user_prefix);
    tunnelEnd = ce.ceIpv6;
    innerSource = ce.ipv4;
    sourcePort = l2tpSourcePort(ce);
  } else {
    const c = relay.ipip?.find((x) => local !== undefined && x.ipv4_prefix.split('/')[0] === local);
    if (!c || !local) throw new Error(`${t.name}: rt1's L2TPv3 local address ${local ?? '(none)'} has no IPIP customer entry at the gateway`);
    tunnelEnd = c.remote;
    innerSource = local;
  }
  // IPv4 20 + UDP 8 + L2TPv3 over UDP 8 (header, session ID; no cookie in these configs) + the frame
  const outcome = tunnelEntry(20 + 8 + 8 + 14 + BIG_PING + 28, false, LINK_MTU);
  const largeFrame = outcome.kind === 'fragmented' ? { fragments: outcome.fragments, firstLength: outcome.fragmentLengths[0] } : 'whole' as const;
  return { tunnelEnd, relay: relay.address, innerSource, sourcePort, largeFrame };
}

test.describe('L2TPv3 over IPv6-only access (IPIP, MAP-E)', { tag: '@underlay' }, () => {
  for (const u of UNDERLAYS) {
    test(`${u.title}: the device as ${DEVICE_ROLE}; refused as the oracle says, or hosts ping across (beyond the tunnel MTU too) with the encapsulation the underlay oracle predicts`, async ({ device, feature }) => {
      // the underlay's matrix column (the control and frames areas over it fill it too), the area a parameter
      const documented = await feature(`over-${u.kind}`, { area: 'seed-examples', example: u.id, role: DEVICE_ROLE });
      test.skip(!selectionFromEnv().fullMatrix, FULL_MATRIX_ONLY);
      needsCapability(device, 'netnsLab');
      test.setTimeout(150_000);
      const example = deviceAsRouter(path.join(ROOT, u.file), DEVICE_ROLE, device);
      try {
        const secrets = secretsOf(example.routers.map((r) => r.config));
        for (const r of example.routers.filter((x) => x.name !== DEVICE_ROLE)) {
          expect(predictConfig(r.config, r.model, r.firmware).response, `the topology's own ${r.name} is accepted by its platform`).toBe('accepted');
        }
        const mine = example.routers.find((r) => r.name === DEVICE_ROLE)!;
        const config = predictConfig(mine.config, device.model, device.firmware);
        if (config.response === 'refused') {
          await expectConfigRefusedAtStart({ role: DEVICE_ROLE, config: mine.config, predicted: config.errors, documented, device, secrets });
          return;
        }
        const predicted = predictEncapsulation(example.topology, mine.config);
        await test.info().attach('oracle prediction.json', { body: JSON.stringify(predicted, null, 2), contentType: 'application/json' });
        test.skip(process.getuid?.() !== 0, 'needs root: network namespaces and packet capture in them');
        for (const tool of ['ip', 'ping', 'socat', 'tshark', 'dumpcap']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
        await runInLab(example, predicted, device.defects, secrets);
      } finally {
        example.dispose();
      }
    });
  }
});


/** tshark's rows of a capture: one array of fields per frame (all occurrences, `|`-joined). */
function tshark(file: string, filter: string, fields: readonly string[]): string[][] {
  const args = ['-r', file, '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-d', 'l2tp.pw_type==0,eth', '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

async function runInLab(example: DeviceExample, predicted: Encapsulation, defects: readonly string[], secrets: string[]): Promise<void> {
  const info = test.info();
  const stateFile = path.join(example.dir, 'lab-state.json');
  const capDir = path.join(example.dir, 'capture');
  let state: LabState | undefined;
  const consoles: RouterConsole[] = [];
  const pings: Record<string, boolean | 'partial loss'> = {};
  const transcript: string[] = [];
  try {
    state = await labUp(example.file, { mode: 'netns', stateFile, captureDir: capDir, readyTimeoutMs: READY_TIMEOUT_MS, routerArgs: defects.flatMap((d) => ['--defect', d]) });
    consoles.push(...(await Promise.all(state.routers.map((r) => RouterConsole.open(r)))));
    // behind MAP-E only the CE dials (assumption map-e-ce-dials): rt1's tunnel 1 comes up from rt1
    const up = await waitForEstablished(consoles, [{ router: 'rt1', tunnel: 1 }, { router: 'rt2', tunnel: 1 }], ESTABLISH_TIMEOUT_MS);
    await info.attach('show status l2tp.txt', { body: consoles.map((c) => `${c.router}> show status l2tp\n${c.lastOutput.join('\n')}`).join('\n\n'), contentType: 'text/plain' });
    expect(up.ok, 'the pseudowire is established at both ends').toBe(true);
    const [pc1, pc2] = ['pc1', 'pc2'].map((n) => state!.hosts.find((h) => h.name === n)!);
    const addr = (h: typeof pc1) => h.addresses[0].replace(/\/\d+$/, '');
    for (const [a, b] of [[pc1, pc2], [pc2, pc1]] as const) {
      const host = NamespaceHost.attach(a.netns!, a.iface);
      const r = await host.ping(addr(b), { count: 3, waitSeconds: 2 });
      transcript.push(`# ${a.name} -> ${b.name}\n${r.output.trim()}`);
      pings[`${a.name} -> ${b.name}`] = r.received === r.transmitted ? true : r.received === 0 ? false : 'partial loss';
      const big = await host.exec(['ping', '-n', '-s', String(BIG_PING), '-M', 'dont', '-c', '3', '-W', '2', '-i', '0.2', addr(b)], 20_000);
      const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(big.stdout);
      transcript.push(`# ${a.name} -> ${b.name}, ${BIG_PING} octets, DF clear\n${big.stdout.trim()}`);
      pings[`${a.name} -> ${b.name} (${BIG_PING} octets)`] = m !== null && m[1] === m[2] ? true : m !== null && m[2] === '0' ? false : 'partial loss';
    }
    await info.attach('ping.txt', { body: transcript.join('\n\n'), contentType: 'text/plain' });
  } finally {
    for (const c of consoles) await c.close();
    if (state) {
      await attachCliTranscript('router logs.txt', state.routers.map((r) => `== ${r.name} (${r.model} ${r.firmware})\n${readLog(r.log)}`).join('\n'), secrets);
      await labDown(state, { stateFile });
      const prefix = state.prefix;
      expect.soft((await listNetns()).filter((n) => n.startsWith(prefix)), `no namespace ${prefix}* remains`).toEqual([]);
      for (const p of state.processes) expect.soft(processStartTime(p.pid), `${p.role} (pid ${p.pid}) has ended`).toBeUndefined();
    }
  }

  // ---- the verdict: the internet link as tshark reads it, against the prediction
  const pcap = path.join(capDir, 'internet6.pcapng');
  await info.attach('internet6.pcapng', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
  const rows = tshark(pcap, `l2tp && ipv6.src == ${predicted.tunnelEnd}`, ['ipv6.dst', 'ip.src', 'udp.srcport', 'frame.protocols']);
  const frags = tshark(pcap, `ipv6.fraghdr && ipv6.src == ${predicted.tunnelEnd}`, ['frame.len', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.ident']);
  // fragments per datagram (by Identification) and the first fragment's IPv6 length
  const perDatagram = new Map<string, number>();
  for (const f of frags) perDatagram.set(f[2], (perDatagram.get(f[2]) ?? 0) + 1);
  const one = (xs: number[]) => (new Set(xs).size === 1 ? xs[0] : [...new Set(xs)].sort((a, b) => a - b).join(', '));
  const expertWarnings = tshark(pcap, '_ws.expert.severity >= 4194304', ['frame.number']).length;
  const distinct = (xs: string[]) => [...new Set(xs)].sort();
  const observedEncapsulation = {
    tunnelEnd: rows.length > 0 ? predicted.tunnelEnd : '(no L2TPv3 from the predicted tunnel end)',
    relay: distinct(rows.map((r) => r[0].split('|')[0])).join(', '),
    innerSource: distinct(rows.map((r) => r[1].split('|')[0])).join(', '),
    sourcePort: distinct(rows.map((r) => r[2].split('|')[0])).map(Number).join(', '),
    layers: distinct(rows.map((r) => r[3].replace(/:l2tp.*$/, ':l2tp'))),
    largeFrame: frags.length === 0 ? 'whole' : { fragments: one([...perDatagram.values()]), firstLength: one(frags.filter((f) => f[1] === '0').map((f) => Number(f[0]) - 14)) },
    fragmentsWithinMtu: frags.every((f) => Number(f[0]) - 14 <= LINK_MTU),
    expertWarnings,
  };
  const predictedView = {
    ...predicted,
    sourcePort: String(predicted.sourcePort),
    layers: ['eth:ethertype:ipv6:ip:udp:l2tp', ...(predicted.largeFrame === 'whole' ? [] : ['eth:ethertype:ipv6:ipv6.fraghdr:ip:udp:l2tp'])].sort(),
    fragmentsWithinMtu: true,
    expertWarnings: 0,
  };
  const observedView = { ...observedEncapsulation, sourcePort: String(observedEncapsulation.sourcePort) };
  const encapsulationOk = await attachOracleComparison({ what: 'encapsulation on the internet link', predicted: predictedView, observed: observedView });
  const pingsOk = await attachOracleComparison({ what: 'pings across (reachable)', predicted: Object.fromEntries(Object.keys(pings).map((k) => [k, true])), observed: pings });
  await recordDeviceResponse('accepted', encapsulationOk && pingsOk);
  expect(pingsOk, 'every ping across answered, the large ones too').toBe(true);
  expect(encapsulationOk, 'the internet link carries rt1\'s L2TPv3 as the underlay oracle predicts').toBe(true);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
}

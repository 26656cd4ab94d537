// Issue 15 (the tester peer plays the far end of an L2TPv3/IPsec tunnel "so a single physical RTX
// can be tested"): `run --lab BENCH --grep @ipsec` against an emulated RTX1210 posing as the bench
// device. The bench has loopback addresses of its own (127.0.40.1 its WAN, 127.0.40.2-4 the
// harness's peers: UDP 500/4500 bound there, never the suites' IKE slots 127.0.30-31.x). Both
// @ipsec tests run the hardware way (config pushed over SSH with its journal, tester peers' IKE on
// the harness addresses, the config rolled back after) and pass; the bench shows its own config
// again; the lab PSK appears in no output file, journal or console line. With a defect @ipsec kills
// injected into the posing router, the same bench run fails. The preflight checks the IKE ports
// (drivers/preflight/ike-binds.ts) on the harness addresses the @ipsec tests take.
import { test, expect } from '@playwright/test';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ikeBinds } from '../../drivers/preflight/ike-binds.ts';
import { runPreflight } from '../../drivers/preflight/preflight.ts';
import { LAB_PSK } from '../../suites/support/ipsec-lab.ts';
import { benchConfig, startBench, type Bench } from './helpers/bench.ts';
import { runCli } from './helpers/cli-process.ts';

const WAN = '127.0.40.1';
const PEERS = ['127.0.40.2', '127.0.40.3', '127.0.40.4'];
const IPSEC_SPEC = 'classname="ipsec.spec.ts"';

test.skip(process.getuid?.() !== 0, 'not root: the bench\'s IKE and the tester peers\' bind UDP 500 and 4500');
// one bench at a time: both benches bind UDP 500/4500 on 127.0.40.x
test.describe.configure({ mode: 'serial' });

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** The @ipsec test cases of the run's JUnit report. */
function ipsecCases(out: string): string[] {
  return readFileSync(path.join(out, 'junit.xml'), 'utf8').split('<testcase ').slice(1).filter((c) => c.includes(IPSEC_SPEC));
}

async function benchRun(b: Bench, out: string) {
  const r = await runCli(['run', '--lab', b.inventory, '--grep', '@ipsec', '--out', out, '--no-allure', '--display', 'list'], 200_000, b.env);
  await test.info().attach('run output', { body: r.stdout + r.stderr, contentType: 'text/plain' });
  return r;
}

test('run --lab --grep @ipsec on a bench: both tests pass on the physical path, the config is rolled back, the PSK appears nowhere', async () => {
  test.setTimeout(240_000);
  const b = await startBench('bench-ipsec', { wan: WAN, peerAddresses: PEERS });
  try {
    const before = await benchConfig(b);
    const out = path.join(b.dir, 'out');
    const r = await benchRun(b, out);
    expect(r.code, r.stdout.slice(-3000) + r.stderr.slice(-2000)).toBe(0);
    const cases = ipsecCases(out);
    expect(cases, 'both @ipsec tests are in the report').toHaveLength(2);
    for (const c of cases) {
      expect(c, c.slice(0, 200)).not.toContain('<skipped');
      expect(c, c.slice(0, 200)).not.toContain('<failure');
      // judged by the whole trace at the physical device's tolerance (time scale 1)
      expect(c, c.slice(0, 200)).toMatch(/name="trace verdict" value="traces agree: \d+ events matched[^"]*time scale 1 /);
    }
    // the IPsec lines went out through the config push (journaled), the key masked in its log
    const pushLogs = filesUnder(out).filter((f) => path.basename(f) === 'config-push-log.txt').map((f) => readFileSync(f, 'utf8'));
    expect(pushLogs.length, 'each test attached its push log').toBeGreaterThanOrEqual(2);
    for (const log of pushLogs) {
      expect(log).toContain('tunnel encapsulation l2tpv3');
      expect(log).toMatch(/ipsec ike pre-shared-key 1 text \S+/);
      expect(log).toContain(`ipsec ike local address 1 ${WAN}`);
    }
    // rolled back: the bench's own config, no journal left
    expect(await benchConfig(b)).toBe(before);
    expect(filesUnder(b.journalDir).filter((f) => f.endsWith('.rollback.json'))).toEqual([]);
    // the lab PSK: in no output file, journal, or line of the run's console
    for (const f of [...filesUnder(out), ...filesUnder(b.journalDir)]) expect(readFileSync(f).toString('latin1').includes(LAB_PSK), `${f} contains the PSK`).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(LAB_PSK);
  } finally {
    await b.stop();
  }
});

test('the same bench run fails when the bench device carries a defect @ipsec kills (esp-replay-not-checked)', async () => {
  test.setTimeout(240_000);
  const b = await startBench('bench-ipsec-defect', { wan: WAN, peerAddresses: PEERS, defects: ['esp-replay-not-checked'] });
  try {
    const before = await benchConfig(b);
    const out = path.join(b.dir, 'out');
    const r = await benchRun(b, out);
    expect(r.code, 'conformance failures (exit 1)').toBe(1);
    const failed = ipsecCases(out).filter((c) => c.includes('<failure'));
    expect(failed.map((c) => /name="([^"]*)"/.exec(c)?.[1] ?? '')).toEqual([expect.stringContaining('main mode, quick mode')]);
    // a failing test is rolled back all the same
    expect(await benchConfig(b)).toBe(before);
    expect(r.stdout + r.stderr).not.toContain(LAB_PSK);
  } finally {
    await b.stop();
  }
});

test('the preflight checks the bench\'s IKE ports on the harness addresses @ipsec takes, and names one it cannot bind', async () => {
  const device = (peerAddresses: readonly string[]) => ({ kind: 'physical' as const, role: 'bench', access: { inventory: 'bench.yaml', wan: { address: WAN, l2tpPort: 1701 }, harness: { peerAddresses, syslog: { address: '127.0.0.1', port: 5514 } } } });
  // three harness addresses: the @ipsec tests run (testerIke), so 500 and 4500 on each are checked
  expect(ikeBinds([device(PEERS)]).map((b) => `${b.address}:${b.port}`)).toEqual(PEERS.flatMap((a) => [`${a}:500`, `${a}:4500`]));
  // two: the @ipsec tests skip with the capability's reason, nothing of IKE is bound or checked
  expect(ikeBinds([device(PEERS.slice(0, 2))])).toEqual([]);
  const busy = createSocket('udp4');
  await new Promise<void>((resolve) => busy.bind(4500, PEERS[1], resolve));
  try {
    const r = await runPreflight({ devices: [], binds: ikeBinds([device(PEERS)]), journalDir: path.join(tmpdir(), 'bench-ipsec-preflight-none') });
    expect(r.ok).toBe(false);
    expect(r.harnessErrors).toEqual([`tester peer's IKE (bench, the @ipsec tests) cannot bind ${PEERS[1]}:4500: ${PEERS[1]}:4500 is in use by another process (another run, an IKE daemon such as charon)`]);
  } finally {
    busy.close();
  }
});

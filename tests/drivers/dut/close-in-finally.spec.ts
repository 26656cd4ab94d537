// A lab's close() rolls the device back whatever failed before it (DESIGN.md "Hardware is
// precious"; issue 16 point 1). First with a stand-in device under test (a unit test of
// DeviceLab.close and runCloseSteps): every step before the device's own close is made to throw in
// turn, and each time the device is still closed and the error names the step that failed. Then
// for real: an emulated RTX1210 posing as a bench device (tests/suites/helpers/bench.ts), driven
// the hardware way (config pushed over SSH with a journal); its tester peer's close throws, and
// `show config` on the bench still reads the config it had before the test. And the emulated device:
// the same failing peer close, and its router process is still stopped.
import { test, expect } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliSession } from '../../../drivers/cli/session.ts';
import { CloseStepError, runCloseSteps } from '../../../drivers/dut/close-steps.ts';
import type { DeviceUnderTest, DutStartOptions, DutStartResult } from '../../../drivers/dut/device-under-test.ts';
import { EMULATED_CAPABILITIES, type EmulatedDut } from '../../../drivers/dut/emulated-dut.ts';
import { openDut } from '../../../drivers/dut/open-dut.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';
import { bindUdpHere } from '../../../drivers/hosts/udp-bind.ts';
import type { PeerTunnel } from '../../../drivers/peer/peer-tunnel.ts';
import { DeviceLab } from '../../../drivers/dut/device-lab.ts';
import type { SuiteDevice } from '../../../suites/support/devices.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, BENCH_USER, benchConfig, startBench } from '../../suites/helpers/bench.ts';

const DEVICE: SuiteDevice = { model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'emulated', role: 'stand-in', defects: [] };

/** A device under test that only records what was asked of it (close: its rollback). */
class RecordingDut implements DeviceUnderTest {
  readonly identity = { role: 'stand-in', model: 'RTX1210', firmware: 'Rev.14.01.26' };
  readonly timeScale = 10;
  readonly capabilities = EMULATED_CAPABILITIES;
  readonly wan = { address: '127.0.0.1', port: 1701 };
  readonly syslogBind = { address: '127.0.0.1', port: 0 };
  readonly peerCount = Number.POSITIVE_INFINITY;
  readonly savedConfigFile = undefined;
  readonly console = undefined;
  readonly trace: string[] = [];
  running = false;
  constructor(private readonly calls: string[]) {}
  readonly wanConfigAddress = '127.0.0.1';
  peerAddress(peer: number | string): string {
    return String(peer);
  }
  peerSocket(peer: number | string): { address: string; port: number } {
    return { address: String(peer), port: 1701 };
  }
  peerBound(): void {}
  binder() {
    return bindUdpHere;
  }
  start(_o: DutStartOptions): Promise<DutStartResult> {
    this.running = true;
    return Promise.resolve({ kind: 'accepted' });
  }
  adminCli(): Promise<CliSession> {
    return Promise.reject(new Error('no CLI on the stand-in'));
  }
  close(): Promise<void> {
    this.calls.push('rollback');
    this.running = false;
    return Promise.resolve();
  }
}

/** A peer stand-in whose close records itself and throws when told to. */
function standInPeer(n: number, calls: string[], fails: boolean): PeerTunnel {
  return {
    local: { host: `127.0.0.${n + 1}`, port: 1701 },
    close: () => {
      calls.push(`peer ${n}`);
      return fails ? Promise.reject(new Error(`peer ${n} socket already gone`)) : Promise.resolve();
    },
  } as unknown as PeerTunnel;
}

/** The steps of DeviceLab.close that run before the device's rollback, and how to make each throw. */
const EARLIER: { step: RegExp; arm: (lab: DeviceLab, calls: string[]) => void }[] = [
  { step: /^close peer 1 /, arm: (lab, calls) => lab.peers.splice(0, 1, standInPeer(1, calls, true)) },
  { step: /^close peer 2 /, arm: (lab, calls) => lab.peers.splice(1, 1, standInPeer(2, calls, true)) },
];

async function standInLab(calls: string[]): Promise<{ lab: DeviceLab; dut: RecordingDut }> {
  const dut = new RecordingDut(calls); // one ordered record of peers and device
  const lab = await DeviceLab.around(DEVICE, dut, { tunnels: [{ n: 1, peer: '127.0.0.2' }, { n: 2, peer: '127.0.0.3' }] });
  lab.peers.push(standInPeer(1, calls, false), standInPeer(2, calls, false));
  return { lab, dut };
}

for (const [i, e] of EARLIER.entries()) {
  test(`DeviceLab.close: step ${i + 1} before the rollback throws (${String(e.step)}); the device is still rolled back and the error names the step`, async () => {
    const info = test.info();
    const calls: string[] = [];
    const { lab, dut } = await standInLab(calls);
    await dut.start({ config: lab.config });
    e.arm(lab, calls);
    const err = await lab.close(info).then(() => undefined, (x: unknown) => x);
    expect(err, 'close() reports the failed step').toBeInstanceOf(CloseStepError);
    expect((err as CloseStepError).step).toMatch(e.step);
    expect(calls, 'every peer closed, then the device rolled back').toEqual(['peer 1', 'peer 2', 'rollback']);
    expect(dut.running).toBe(false);
  });
}

test('DeviceLab.close: both peers and the syslog listener fail; the device is rolled back, the evidence attached, and one AggregateError names all three', async () => {
    const info = test.info();
  const calls: string[] = [];
  const { lab } = await standInLab(calls);
  lab.peers.splice(0, 2, standInPeer(1, calls, true), standInPeer(2, calls, true));
  const realClose = lab.syslog.close.bind(lab.syslog);
  lab.syslog.close = () => {
    realClose();
    throw new Error('syslog socket gone');
  };
  const err = await lab.close(info).then(() => undefined, (x: unknown) => x);
  expect(err).toBeInstanceOf(AggregateError);
  const steps = (err as AggregateError).errors.map((x: CloseStepError) => x.step);
  expect(steps).toEqual([expect.stringMatching(/^close peer 1 /), expect.stringMatching(/^close peer 2 /), 'close the syslog listener']);
  expect((err as Error).message).toContain('syslog socket gone');
  expect(calls).toEqual(['peer 1', 'peer 2', 'rollback']);
  expect(info.attachments.map((a) => a.name)).toContain('peer-conversation.pcap');
});

test('runCloseSteps: each step before the last is made to throw in turn; the last (the rollback) runs every time', async () => {
  const names = ['peers', 'router stop', 'syslog', 'lan', 'rollback'];
  for (let bad = 0; bad < names.length - 1; bad++) {
    const ran: string[] = [];
    const steps = names.map((name, k) => ({ name, run: () => {
      ran.push(name);
      if (k === bad) throw new Error(`${name} broke`);
    } }));
    const err = await runCloseSteps('lab', steps).then(() => undefined, (x: unknown) => x);
    expect(ran, `with ${names[bad]} throwing`).toEqual(names);
    expect((err as CloseStepError).step).toBe(names[bad]);
    expect((err as Error).message).toBe(`${names[bad]}: ${names[bad]} broke`);
  }
  await expect(runCloseSteps('lab', names.map((name) => ({ name, run: () => undefined })))).resolves.toBeUndefined();
});

test('a bench device (an emulated RTX1210 posing as one): its peer\'s close throws, and the bench still shows the config it had before the test', async () => {
  const info = test.info();
  test.setTimeout(120_000);
  const bench = await startBench('dut-close');
  try {
    const before = await benchConfig(bench);
    const device: SuiteDevice = {
      model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'physical', role: 'bench', defects: [],
      access: {
        inventory: bench.inventory,
        ssh: { host: bench.ssh.host, port: bench.ssh.port, user: BENCH_USER, passwordEnv: 'BENCH_RTX_PASSWORD', adminPasswordEnv: 'BENCH_RTX_ADMIN_PASSWORD' },
        wan: { address: '127.0.0.1', l2tpPort: bench.l2tpPort },
        harness: { peerAddresses: ['127.0.0.2', '127.0.0.3'], syslog: { address: '127.0.0.1', port: await freeUdpPort() } },
      },
    };
    const pushLog: string[] = [];
    const journalDir = mkdtempSync(path.join(tmpdir(), 'dut-close-journal-'));
    const dut = await openDut(device, { timeScale: 10, journalDir, log: (l) => pushLog.push(l), env: bench.env });
    expect(dut.timeScale, 'a bench runs in real time').toBe(1);
    const lab = await DeviceLab.around(device, dut, { tunnels: [{ n: 1, peer: '127.0.0.2' }] });
    await lab.startRouter();
    expect(await benchConfig(bench), 'the test\'s config is on the bench').toContain(`tunnel endpoint address 127.0.0.1 127.0.0.2`);
    const peer = await lab.peer('127.0.0.2', { role: 'responder' });
    const realClose = peer.close.bind(peer);
    peer.close = async (o) => {
      await realClose(o);
      throw new Error('peer close failed after its socket closed');
    };
    const err = await lab.close(info, [BENCH_PASSWORD, BENCH_ADMIN]).then(() => undefined, (x: unknown) => x);
    expect((err as CloseStepError).step).toMatch(/^close peer 1 /);
    expect(await benchConfig(bench), 'rolled back: show config as before the test').toBe(before);
    expect(pushLog.join('\n')).toMatch(/rollback verified/);
    expect(pushLog.join('\n')).not.toContain(BENCH_PASSWORD);
    expect(dut.trace, 'the device\'s trace holds the same push and rollback lines').toEqual(pushLog);
  } finally {
    await bench.stop();
  }
});

test('an emulated device: its peer\'s close throws, and the router process is still stopped (its config goes with it)', async () => {
  const info = test.info();
  test.setTimeout(60_000);
  const device: SuiteDevice = { model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'emulated', role: 'emulated', defects: [] };
  const dut = await openDut(device, { timeScale: 10, journalDir: mkdtempSync(path.join(tmpdir(), 'dut-close-emulated-')), log: () => undefined });
  const lab = await DeviceLab.around(device, dut, { tunnels: [{ n: 1, peer: '127.0.0.2' }] });
  await lab.startRouter();
  expect(dut.running, 'the router runs').toBe(true);
  const pid = (dut as EmulatedDut).router?.pid;
  expect(pid, 'the router process').toBeDefined();
  const peer = await lab.peer('127.0.0.2', { role: 'responder' });
  const realClose = peer.close.bind(peer);
  peer.close = async (o) => {
    await realClose(o);
    throw new Error('peer close failed after its socket closed');
  };
  const err = await lab.close(info).then(() => undefined, (x: unknown) => x);
  expect((err as CloseStepError).step).toMatch(/^close peer 1 /);
  expect(dut.running, 'the device was closed after the failed step').toBe(false);
  expect(() => process.kill(pid!, 0), 'the router process has ended').toThrow();
});

// learnDevice (drivers/learn/learn.ts) against an emulated RTX posing as a bench device: whatever
// throws once the probe config is pushed, the device gets its own config back and no journal is
// left; an unreachable device is a LearnLabError naming the address, with no secret in it.
import { test, expect } from '@playwright/test';
import { existsSync, readdirSync } from 'node:fs';
import { learnDevice, LearnLabError, type LearnTarget } from '../../../drivers/learn/learn.ts';
import type { ConfigDevice } from '../../../drivers/config/push.ts';
import { sshCliSession } from '../../../drivers/dut/router-cli.ts';
import { parseShowStatusL2tp } from '../../../suites/support/lab-console.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';
import { BENCH_ADMIN, BENCH_PASSWORD, BENCH_USER, benchConfig, startBench, type Bench } from '../../suites/helpers/bench.ts';

function target(b: Bench, syslogPort: number, over: Partial<LearnTarget> = {}): LearnTarget {
  const device: ConfigDevice = {
    name: 'bench', address: `${b.ssh.host}:${b.ssh.port}`, restartService: true,
    session: () => sshCliSession({ host: b.ssh.host, port: b.ssh.port, user: BENCH_USER, password: BENCH_PASSWORD, adminPassword: BENCH_ADMIN }),
  };
  return {
    role: 'bench', device, wan: { address: '127.0.0.1', l2tpPort: b.l2tpPort }, peerAddress: '127.0.0.2', syslog: { address: '127.0.0.1', port: syslogPort },
    journalDir: b.journalDir, secrets: [BENCH_PASSWORD, BENCH_ADMIN], parseShowStatus: parseShowStatusL2tp, ...over,
  };
}

const journals = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.json')) : []);

test.describe('learnDevice', () => {
  test.describe.configure({ timeout: 90_000 });

  test('a probe that throws after the push: the config is rolled back and no journal stays', async () => {
    const b = await startBench('learn-rb');
    try {
      const before = await benchConfig(b);
      const t = target(b, await freeUdpPort(), {
        filterProbe: {
          lines: (n) => [`bridge member bridge1 lan1 tunnel${n}`], probed: ['ethernet'], expected: ['ethernet'], stageOf: () => undefined,
          // read once the session is up, between the push and the rollback
          get frame(): Uint8Array {
            throw new Error('planted failure while building the probe frame');
          },
        },
      });
      await expect(learnDevice(t)).rejects.toThrow('planted failure');
      expect(await benchConfig(b)).toBe(before);
      expect(journals(b.journalDir)).toEqual([]);
    } finally {
      await b.stop();
    }
  });

  test('an unreachable device is a LearnLabError naming its address, without a secret', async () => {
    const b = await startBench('learn-unr');
    await b.stop();
    const t = target(b, await freeUdpPort());
    const e = await learnDevice(t).then(() => undefined, (x: unknown) => x);
    expect(e).toBeInstanceOf(LearnLabError);
    const m = (e as Error).message;
    expect(m).toContain(`${b.ssh.host}:${b.ssh.port}`);
    for (const s of [BENCH_PASSWORD, BENCH_ADMIN]) expect(m).not.toContain(s);
  });
});

// The IPv6-only access service a worker builds for devices behind IPIP / MAP-E
// (drivers/dut/underlay-isp.ts): closed, it leaves no namespace and no process; its owner killed
// (a worker SIGKILLed mid-run), its relay and socket brokers end with it (setpriv --pdeathsig) and
// the next service built on this host removes the namespaces the dead owner left, by their names
// (our prefix and the dead owner's pid), and nothing else.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createNetns, deleteNetns, hasProgram, listNetns } from '../../../drivers/hosts/index.ts';
import { UnderlayIsp } from '../../../drivers/dut/underlay-isp.ts';
import { processStartTime } from '../../../drivers/lab/lab-state.ts';
import { markedProcesses, noneLeft } from '../../suites/helpers/marked-processes.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

test.describe('underlay ISP lifetime', () => {
  test.skip(process.getuid?.() !== 0, 'network namespaces need root');
  for (const tool of ['ip', 'setpriv']) test.skip(!hasProgram(tool), `${tool} is not installed`);

  test('close() leaves nothing; a killed owner leaves no process, and the next ISP removes its namespaces (only those)', async () => {
    test.setTimeout(120_000);
    // closed normally
    const own = await UnderlayIsp.open('map-e');
    const ownNames = Object.values(own.names);
    const ownPids = [own.relayPid, own.routerSide.pid, own.peerSide.pid];
    expect((await listNetns()).filter((n) => ownNames.includes(n)).sort()).toEqual([...ownNames].sort());
    await own.close();
    expect((await listNetns()).filter((n) => ownNames.includes(n))).toEqual([]);
    for (const pid of ownPids) expect(processStartTime(pid!), `pid ${pid}`).toBeUndefined();

    // an owner killed with SIGKILL
    const mark = `L2TPV3_ISP_KILL_${process.pid}_${Date.now()}`;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/drivers/dut/helpers/hold-underlay-isp.ts'), 'ipip'], { cwd: ROOT, env: { ...process.env, [mark]: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    // a namespace that only looks like a leftover: a live owner's (ours) must survive the sweep
    const decoy = 'l2u1m-r'; // owner pid 1: alive
    let line = '';
    let names: Record<string, string> = {};
    try {
      const ready = await new Promise<{ names: Record<string, string>; pids: number[] }>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ready line: ${line}`)), 60_000);
        child.stdout.on('data', (b: Buffer) => {
          line += b.toString();
          const l = line.split('\n').find((x) => x.startsWith('{'));
          if (!l) return;
          clearTimeout(t);
          resolve(JSON.parse(l) as { names: Record<string, string>; pids: number[] });
        });
        child.stderr.on('data', (b: Buffer) => (line += b.toString()));
        child.once('exit', (c) => (clearTimeout(t), reject(new Error(`holder exited (${c}): ${line}`))));
      });
      names = ready.names;
      expect(markedProcesses(mark).length, 'the holder, its relay and its two brokers carry the mark').toBeGreaterThanOrEqual(4);
      child.kill('SIGKILL');
      expect(await noneLeft(mark, 10_000), 'processes of the killed owner still running').toEqual([]);
      expect((await listNetns()).filter((n) => Object.values(names).includes(n)).sort(), 'namespaces stay until a sweep').toEqual(Object.values(names).sort());
      await createNetns(decoy);
      const next = await UnderlayIsp.open('ipip');
      try {
        const left = await listNetns();
        expect(left.filter((n) => Object.values(names).includes(n)), 'the dead owner\'s namespaces are gone').toEqual([]);
        expect(left, 'a live owner\'s namespace is kept').toContain(decoy);
      } finally {
        await next.close();
      }
    } finally {
      child.kill('SIGKILL');
      await deleteNetns(decoy);
      for (const n of Object.values(names)) await deleteNetns(n);
    }
  });
});

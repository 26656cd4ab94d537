// `lab down` as containerlab users type it (issue 17): the topology as argument or `-t`, and
// `destroy` for `down`; the topology is checked against what the state file says is running.
import { test, expect } from '@playwright/test';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../suites/helpers/cli-process.ts';
import { processStartTime } from '../../drivers/lab/lab-state.ts';

const EX1 = 'topologies/seed/ex1-two-sites.yaml';

/** Running (a zombie waiting for its reaper has ended). */
function alive(pid: number): boolean {
  return processStartTime(pid) !== undefined;
}

test('lab destroy -t TOPOLOGY stops the lab; another topology is refused and leaves it running', async () => {
  test.setTimeout(120_000);
  const state = path.join(mkdtempSync(path.join(tmpdir(), 'cli-lab-alias-')), 'state.json');
  const up = await runCli(['lab', 'deploy', '-t', EX1, '--state', state], 90_000);
  expect(up.code, up.stderr).toBe(0);
  const pids = (JSON.parse(readFileSync(state, 'utf8')) as { processes: { pid: number }[] }).processes.map((p) => p.pid);
  try {
    expect(pids.length).toBe(2);
    const wrong = await runCli(['lab', 'down', 'topologies/seed/ex3-ipv6-underlay.yaml', '--state', state], 60_000);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(`the lab in ${state} runs ${EX1}, not topologies/seed/ex3-ipv6-underlay.yaml`);
    expect(pids.every(alive)).toBe(true);
    const down = await runCli(['lab', 'destroy', '-t', EX1, '--state', state], 60_000);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toMatch(/down: 2 processes, 0 namespaces removed/);
    expect(pids.filter(alive)).toEqual([]);
  } finally {
    for (const p of pids.filter(alive)) process.kill(p, 'SIGTERM');
  }
});

// `lab up` / `lab down` (issue 8, "What must be shown" 5): seed example 1 with --netns; the real
// `ip netns exec <pc1> ping -c 3 -W 2 <pc2>` crosses the emulated L2VPN (captured on the lab's WAN
// bridge and decoded by the oracle: L2TPv3 data between the routers' config addresses); `lab down`
// leaves no namespace, link or process of ours. Also: loopback mode, and lab down's restraint.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Capture } from '../../../drivers/capture/index.ts';
import { hasProgram, listLinks, listNetns } from '../../../drivers/hosts/index.ts';
import { labDown, readLabState, type LabState } from '../../../drivers/lab/index.ts';
import { processStartTime } from '../../../drivers/lab/lab-state.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const EX1 = 'topologies/seed/ex1-two-sites.yaml';
const isRoot = process.getuid?.() === 0;

/** Runs `lab ARGS...` as its own process (the CLI module), bounded. */
function lab(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/run-ts.mjs'), path.join(ROOT, 'tests/drivers/lab/run-lab-cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

async function sshBanner(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port });
    const t = setTimeout(() => (s.destroy(), reject(new Error(`no SSH banner from ${host}:${port} within 5 s`))), 5000);
    s.once('data', (d) => (clearTimeout(t), s.destroy(), resolve(d.toString())));
    s.once('error', (e) => (clearTimeout(t), reject(e)));
  });
}

function assertNothingLeft(state: LabState, rootLinksBefore: string[], rootLinksAfter: string[], namespacesAfter: string[]): void {
  expect(namespacesAfter.filter((n) => n.startsWith(state.prefix))).toEqual([]);
  // no new interface in the root namespace (ours were never there; none leaked)
  expect(rootLinksAfter.filter((l) => !rootLinksBefore.includes(l))).toEqual([]);
  for (const p of state.processes) expect(processStartTime(p.pid), `${p.role} pid ${p.pid}`).toBeUndefined();
  expect(existsSync(state.tempDir)).toBe(false);
}

test.describe('lab up --netns with seed example 1', () => {
  test.skip(!isRoot, 'network namespaces need root');
  for (const tool of ['ip', 'ping', 'socat']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);

  test('pc1 pings pc2 through the emulated L2VPN; lab down leaves no namespace, veth or process of ours', async () => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'l2lab-test-'));
    const stateFile = path.join(dir, 'state.json');
    const linksBefore = await listLinks();
    let state: LabState | undefined;
    let wan: Capture | undefined;
    try {
      const up = lab('up', EX1, '--netns', '--state', stateFile);
      expect(up.code, up.err).toBe(0);
      state = readLabState(stateFile);
      // how to reach each: printed
      const pc1 = state.hosts.find((h) => h.name === 'pc1')!;
      const pc2 = state.hosts.find((h) => h.name === 'pc2')!;
      expect(up.out).toContain(`host pc1: ip netns exec ${pc1.netns}`);
      for (const r of state.routers) {
        expect(up.out).toContain(`ssh -p ${r.ssh.port} USER@127.0.0.1`);
        expect(await sshBanner(r.ssh.host, r.ssh.port)).toMatch(/^SSH-2\.0-/);
        expect(r.consolePty && existsSync(r.consolePty)).toBe(true);
      }
      expect(state.routers.map((r) => r.wan)).toEqual([['198.51.100.1:1701'], ['198.51.100.2:1701']]);
      // watch the "internet" between the routers while the hosts ping
      wan = await Capture.start({ netns: `${state.prefix}lab`, iface: 'w0', filter: 'udp port 1701' });
      // the pseudowire may still be coming up: bounded single-probe pings until one answer
      for (let i = 0; i < 15; i++) if (spawnSync('ip', ['netns', 'exec', pc1.netns, 'ping', '-c', '1', '-W', '1', '192.168.100.12']).status === 0) break;
      const ping = spawnSync('ip', ['netns', 'exec', pc1.netns, 'ping', '-c', '3', '-W', '2', '192.168.100.12'], { encoding: 'utf8', timeout: 30_000 });
      expect(ping.stdout, ping.stdout + ping.stderr).toMatch(/3 packets transmitted, 3 received/);
      // pc2 answered from its own namespace (the reply's source)
      expect(pc2.addresses).toEqual(['192.168.100.12/24']);
      await wan.stop();
      const file = wan.writePcap(test.info().outputPath('wan-internet.pcap'));
      await test.info().attach('wan-internet.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
      const data = wan.decode().filter((p) => p.kind === 'data');
      // the frames crossed as L2TPv3 over UDP 1701 between the configured WAN addresses, both ways
      expect(data.some((p) => p.src === '198.51.100.1' && p.dst === '198.51.100.2')).toBe(true);
      expect(data.some((p) => p.src === '198.51.100.2' && p.dst === '198.51.100.1')).toBe(true);
      expect(data.every((p) => p.dstPort === 1701 && p.transport === 'udp')).toBe(true);
    } finally {
      await wan?.stop();
      const down = lab('down', '--state', stateFile);
      if (state) {
        expect(down.code, down.err).toBe(0);
        expect(down.out).toMatch(new RegExp(`lab ${state.id} down: 4 processes, 5 namespaces removed`));
        assertNothingLeft(state, linksBefore, await listLinks(), await listNetns());
        expect(existsSync(stateFile)).toBe(false);
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('lab up (loopback, no root needed): both routers answer SSH and bind distinct loopback UDP endpoints; lab down stops them', async () => {
  test.setTimeout(90_000);
  const dir = mkdtempSync(path.join(tmpdir(), 'l2lab-test-'));
  const stateFile = path.join(dir, 'state.json');
  try {
    const up = lab('up', EX1, '--state', stateFile);
    expect(up.code, up.err).toBe(0);
    const state = readLabState(stateFile);
    expect(state.mode).toBe('loopback');
    expect(state.namespaces).toEqual([]);
    const wans = state.routers.flatMap((r) => r.wan);
    expect(new Set(wans).size).toBe(2);
    for (const w of wans) expect(w).toMatch(/^127\.0\.0\.\d+:\d+$/);
    for (const r of state.routers) expect(await sshBanner(r.ssh.host, r.ssh.port)).toMatch(/^SSH-2\.0-/);
    // a second `lab up` on the same state file refuses instead of orphaning the first lab
    const again = lab('up', EX1, '--state', stateFile);
    expect(again.code).toBe(3); // a lab error (cli/exit-codes.ts)
    expect(again.err).toMatch(/is already up according to .*state\.json: run 'lab down/);
    const down = lab('down', '--state', stateFile);
    expect(down.code, down.err).toBe(0);
    for (const p of state.processes) expect(processStartTime(p.pid)).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('lab down signals only processes that are still ours (same pid and start time) and only namespaces with its prefix', async () => {
  const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const pid = bystander.pid!;
    await new Promise((r) => bystander.once('spawn', r));
    const state: LabState = {
      version: 1, id: 'f0f0f0', prefix: 'l2lab-f0f0f0-', mode: 'netns', topology: EX1, tempDir: '/nonexistent/l2lab-f0f0f0-x', createdAt: '',
      // the pid is live but its start time is not the one recorded: a reused pid, not ours
      processes: [{ role: 'router rt1', pid, startTime: '1' }],
      namespaces: ['someone-elses-ns'],
      routers: [], hosts: [],
    };
    const r = await labDown(state);
    expect(r.processes).toEqual([{ role: 'router rt1', pid, result: 'not ours' }]);
    expect(r.namespaces).toEqual([]);
    expect(processStartTime(pid)).toBeDefined();
  } finally {
    bystander.kill('SIGKILL');
  }
});

test('bad input: an unknown action, a missing topology, a missing state file are one-line errors', () => {
  const bad = lab('sideways');
  expect(bad.code).not.toBe(0);
  const missing = lab('up', 'topologies/seed/no-such.yaml', '--state', path.join(tmpdir(), `l2lab-none-${process.pid}.json`));
  expect(missing.code).toBe(2); // an input error (cli/exit-codes.ts)
  expect(missing.err).toMatch(/lab up: TOPOLOGY topologies\/seed\/no-such\.yaml: cannot read \(no such file\)/);
  expect(missing.err).not.toMatch(/\n\s+at /); // no stack trace
  const down = lab('down', '--state', path.join(tmpdir(), `l2lab-none-${process.pid}.json`));
  expect(down.code).toBe(2);
  expect(down.err).toMatch(/no lab state file at .*\(is a lab up\? give --state FILE\)/);
});

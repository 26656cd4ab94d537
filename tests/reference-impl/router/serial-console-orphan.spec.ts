// A router's serial console is a socat pty pair; when the router is SIGKILLed (a killed test, lab
// down's last resort) the socat must end with it, not stay behind holding two ptys.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRouterCold } from '../../../drivers/lab/router-spare.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';

const haveSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
const haveSetpriv = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;

/** Live (not zombie) processes whose parent is `ppid`. */
function childrenOf(ppid: number): { pid: number; cmd: string }[] {
  const out: { pid: number; cmd: string }[] = [];
  for (const p of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[1]) === ppid && f[0] !== 'Z') out.push({ pid: Number(p), cmd: readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
};

test('a SIGKILLed router takes its console\'s socat with it', async () => {
  test.skip(!haveSocat, 'socat is not installed (it makes the pty pair)');
  test.skip(!haveSetpriv, 'util-linux setpriv is not installed (it ties socat to the router)');
  const dir = mkdtempSync(path.join(tmpdir(), 'console-orphan-'));
  const config = path.join(dir, 'r.conf');
  writeFileSync(config, 'ip lan1 address 192.168.100.1/24\n');
  const router = await startRouterCold(['--model', 'RTX1210', '--firmware', '14.01.26', '--config', config, '--ssh', '127.0.0.1:0', '--wan', '127.0.0.1', '--l2tp-port', String(await freeUdpPort()), '--console-pty', path.join(dir, 'console')]);
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const t = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 20_000);
      router.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        if (out.includes('"ready"')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    const socat = childrenOf(router.pid!).find((c) => c.cmd.includes('socat'));
    expect(socat, 'the router runs its console\'s socat').toBeDefined();
    router.kill('SIGKILL');
    await expect.poll(() => alive(socat!.pid), { timeout: 10_000, message: 'socat ended with its router' }).toBe(false);
  } finally {
    router.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

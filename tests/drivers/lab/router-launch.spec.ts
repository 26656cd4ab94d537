// How labs start emulated routers (drivers/lab/router-launch.ts): from the cached bundle of the
// router entry by default, through tsx on request or when the bundle cannot be built. The bundled
// router must be the same `router` command: same --list-defects, same usage errors and exit
// codes, same ready line, and the same SSH CLI (login prompt, show config, errors, a live change).
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { CODE_CACHE_LOADER, routerLaunch, routerBundleRecipe, type RouterLaunch } from '../../../drivers/lab/router-launch.ts';
import { BenchRouter } from '../../../bench/router/processes.ts';
import { freeUdpPort } from '../../../drivers/dut/router-process.ts';

const USER = 'launch';
const PASSWORD = 'launch-login-only';
const ADMIN_PASSWORD = 'launch-admin-only';
const CONFIG = [`login user ${USER} ${PASSWORD}`, `administrator password ${ADMIN_PASSWORD}`, 'ip lan1 address 192.168.100.1/24', 'syslog notice on', ''].join('\n');

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'router-launch-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

const both = async (): Promise<RouterLaunch[]> => [await routerLaunch({ runner: 'bundle' }), await routerLaunch({ runner: 'tsx' })];

function runOnce(l: RouterLaunch, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(l.argv[0], [...l.argv.slice(1), ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the default launch is the bundle of the router entry, in the cache under node_modules/.cache', async () => {
  const l = await routerLaunch();
  test.skip(process.env.L2TPV3_ROUTER_RUNNER === 'tsx', 'L2TPV3_ROUTER_RUNNER=tsx is set');
  expect(l.runner).toBe('bundle');
  expect(l.note).toBeUndefined();
  // node, the code-cache loader, the CommonJS bundle in the cache
  expect(l.argv).toHaveLength(3);
  expect(l.argv[1]).toBe(CODE_CACHE_LOADER);
  expect(l.argv[2].startsWith(routerBundleRecipe().cacheDir + path.sep)).toBe(true);
  expect(l.argv[2].endsWith('.cjs')).toBe(true);
  expect((await routerLaunch()).argv).toEqual(l.argv); // reused, not rebuilt
});

test('bundle and tsx: the same --list-defects and the same usage error with exit code 2', async () => {
  const [bundle, tsx] = await both();
  const defects = [runOnce(bundle, ['--list-defects']), runOnce(tsx, ['--list-defects'])];
  expect(defects[0].status).toBe(0);
  // issue 6: at least 25 named defects
  expect(defects[0].stdout.trim().split('\n').length).toBeGreaterThanOrEqual(25);
  expect(defects[0]).toEqual(defects[1]);
  const usage = [runOnce(bundle, ['--model', 'RTX1210']), runOnce(tsx, ['--model', 'RTX1210'])];
  expect(usage[0].status).toBe(2);
  expect(usage[0].stderr).toContain('l2tpv3-conformance router: router needs --model, --firmware, --config and --ssh');
  expect(usage[0]).toEqual(usage[1]);
  const cfg = path.join(dir, 'empty.conf');
  writeFileSync(cfg, '\n');
  const unknownModel = ['--model', 'RTX9999', '--firmware', '14.01.26', '--config', cfg, '--ssh', '127.0.0.1:0'];
  const refused = [runOnce(bundle, unknownModel), runOnce(tsx, unknownModel)];
  expect(refused[0].status).toBe(2);
  // the seed's support table has no RTX9999: refused before anything listens
  expect(refused[0].stderr).toContain("--model: unknown model 'RTX9999' (known models:");
  expect(refused[0]).toEqual(refused[1]);
});

/** Logs in, runs each line and returns what the session printed after each (up to its next prompt). */
function session(port: number, lines: string[], ms = 20_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const c = new ssh2.Client();
    const timer = setTimeout(() => (c.end(), reject(new Error(`SSH session on ${port} not done in ${ms} ms`))), ms);
    c.on('error', (e) => (clearTimeout(timer), reject(e)));
    c.on('ready', () =>
      c.shell((err, stream) => {
        if (err) return reject(err);
        const outs: string[] = [];
        let buf = '';
        let next = 0;
        stream.on('data', (d: Buffer) => {
          buf += d.toString();
          // a prompt (facts §3.1/§3.2): `> `, `# ` or the administrator's `Password: `
          if (!/([>#] |Password: )$/.test(buf)) return;
          outs.push(buf);
          buf = '';
          if (next === lines.length) {
            clearTimeout(timer);
            c.end();
            return resolve(outs);
          }
          stream.write(lines[next++] + '\r');
        });
      }),
    );
    c.connect({ host: '127.0.0.1', port, username: USER, password: PASSWORD, readyTimeout: ms, tryKeyboard: false });
  });
}

test('bundle and tsx: the same ready line and the same SSH CLI session', async () => {
  test.setTimeout(90_000);
  const transcripts: string[][] = [];
  const readies: unknown[] = [];
  for (const launch of await both()) {
    const router = await BenchRouter.start({ model: 'RTX1210', firmware: '14.01.26', config: CONFIG, wan: '127.0.0.1', l2tpPort: await freeUdpPort(), launch }, 60_000);
    try {
      readies.push({ ...router.ready, ssh: { ...router.ready.ssh, port: 0 }, l2tp: router.ready.l2tp.map((a) => ({ ...a, port: 0 })) });
      transcripts.push(await session(router.ready.ssh.port, ['show config', 'no such command', 'administrator', ADMIN_PASSWORD, 'ip lan1 address 192.168.200.1/24', 'show config']));
    } finally {
      await router.stop();
    }
  }
  // `show config`'s header carries the wall-clock report date: the one line allowed to differ
  const [bundled, tsx] = transcripts.map((t) => t.map((o) => o.replace(/^# Reporting Date: .*$/m, '# Reporting Date: (now)')));
  expect(bundled[0]).toMatch(/> $/); // the user prompt (facts §3.2)
  expect(bundled[1]).toContain('ip lan1 address 192.168.100.1/24');
  expect(bundled[3]).toMatch(/Password: $/);
  expect(bundled[4]).toMatch(/# $/);
  expect(bundled[6]).toContain('ip lan1 address 192.168.200.1/24'); // the live change is in show config
  expect(bundled[6]).not.toContain('192.168.100.1/24');
  expect(bundled).toEqual(tsx);
  expect(readies[0]).toEqual(readies[1]);
});

test('a bundle that cannot be built falls back to tsx with a one-line note', async () => {
  const recipe = { ...routerBundleRecipe(path.join(dir, 'cache')), entrySource: "import { nothing } from './no-such-file.ts';\nconsole.log(nothing);\n" };
  const notes: string[] = [];
  const l = await routerLaunch({ recipe, warn: (n) => notes.push(n) });
  expect(l.runner).toBe('tsx');
  expect(l.argv.slice(1)).toEqual([path.resolve(import.meta.dirname, '../../../bin/l2tpv3-conformance.mjs'), 'router']);
  expect(l.note).toMatch(/^note: router bundle not built \(.*no-such-file\.ts.*\); starting emulated routers through tsx/);
  expect(l.note).not.toContain('\n');
  expect(notes.length).toBeLessThanOrEqual(1); // once per process
});

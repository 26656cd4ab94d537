// Bench (b), issue 6 point 6: a lab of one emulated router per revision band of the seed's support
// table (supportBands(): 24 routers, each at its band's sample revision), all spawned at once; the
// time until every router's SSH prompt answers (an ssh2 client logs in with a password, opens a
// shell and waits for the `>` prompt, facts §3.1) and the routers' total RSS at that moment.
import path from 'node:path';
import ssh2 from 'ssh2';
import { supportBands } from '../../reference-impl/platform/capabilities.ts';
import { formatRevision } from '../../reference-impl/platform/revision.ts';
import { freeUdpPort } from '../../drivers/dut/router-process.ts';
import { routerLaunch, type RouterRunner } from '../../drivers/lab/router-launch.ts';
import { BenchRouter, mb, verdict } from './processes.ts';

export const BAND_LAB_TARGETS = { allPromptsMs: 20_000, totalRssBytes: 3 * 1024 ** 3 } as const;
const BOUND_MS = 90_000;
const USER = 'bench';
// A throwaway login for this loopback lab only; never printed.
const PASSWORD = 'bench-login-only';

/** One L2TPv3 tunnel bridged with lan1 (seed example 1's shape), and a login user for SSH. */
function labConfig(): string {
  return [
    `login user ${USER} ${PASSWORD}`,
    'ip bridge1 address 192.168.100.1/24',
    'bridge member bridge1 lan1 tunnel1',
    'tunnel select 1',
    ' tunnel encapsulation l2tpv3-raw',
    ' tunnel endpoint address 127.0.0.1 127.0.0.250',
    ' l2tp always-on off',
    ' tunnel enable 1',
    'l2tp service on l2tpv3',
    '',
  ].join('\n');
}

/** Logs in over SSH, opens a shell and resolves with the ms until the `>` prompt (bounded). */
function promptAnswers(port: number, ms: number): Promise<{ client: ssh2.Client; atMs: number }> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let seen = '';
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`no '>' prompt on SSH port ${port} within ${ms} ms (got ${JSON.stringify(seen.slice(-80))})`));
    }, ms);
    client.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`SSH to port ${port}: ${e.message}`));
    });
    client.on('ready', () => {
      client.shell((err, stream) => {
        if (err) {
          clearTimeout(timer);
          return reject(new Error(`SSH shell on port ${port}: ${err.message}`));
        }
        stream.on('data', (d: Buffer) => {
          seen += d.toString();
          if (/> ?$/.test(seen)) {
            clearTimeout(timer);
            resolve({ client, atMs: performance.now() });
          }
        });
      });
    });
    client.connect({ host: '127.0.0.1', port, username: USER, password: PASSWORD, readyTimeout: ms, tryKeyboard: false });
  });
}

export async function benchBandLab(log: (line: string) => void, opts: { runner?: RouterRunner } = {}): Promise<boolean> {
  const bands = supportBands();
  // before the clock starts, as `lab up` does: one build (or cache hit) for all routers
  const tb = performance.now();
  const launch = await routerLaunch({ runner: opts.runner, warn: (l) => log(`  ${l}`) });
  const buildMs = performance.now() - tb;
  const tag = opts.runner === 'tsx' ? "b'" : 'b';
  log(`(${tag}) a lab of ${bands.length} emulated routers, one per band of the seed's support table, started at once; SSH login until every '>' prompt answers`);
  log(launch.runner === 'bundle'
    ? `  routers run from the cached bundle of the router entry (${launch.built ? 'built' : 'reused'} in ${Math.round(buildMs)} ms, before the clock starts): ${path.basename(launch.argv[1])}`
    : `  routers run through tsx (${opts.runner === 'tsx' ? '--tsx: the old path, for comparison' : 'the bundle could not be built'})`);
  const ports: number[] = [];
  for (let i = 0; i < bands.length; i++) ports.push(await freeUdpPort());
  const routers: (BenchRouter | undefined)[] = [];
  const clients: ssh2.Client[] = [];
  try {
    const t0 = performance.now();
    const results = await Promise.allSettled(
      bands.map(async (b, i) => {
        const firmware = b.sampleRevision === 'any' ? 'any' : formatRevision(b.sampleRevision);
        const r = await BenchRouter.start({ model: b.model, firmware, config: labConfig(), wan: '127.0.0.1', l2tpPort: ports[i], launch }, BOUND_MS);
        routers[i] = r;
        const readyMs = performance.now() - t0;
        const left = Math.max(1000, BOUND_MS - readyMs);
        const p = await promptAnswers(r.ready.ssh.port, left);
        clients.push(p.client);
        return { label: `${b.model} ${b.bandText || '(no band text)'} (${firmware === 'any' ? 'any revision' : firmware})`, readyMs, promptMs: p.atMs - t0, pid: r.pid };
      }),
    );
    const allMs = performance.now() - t0;
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${bands[i].model} ${bands[i].bandText}: ${(r.reason as Error).message}`] : []));
    let rss = 0;
    let peak = 0;
    for (const r of routers) {
      if (!r) continue;
      const m = r.memory();
      rss += m.rss;
      peak += m.peak;
    }
    for (const v of ok) log(`  ${v.label.padEnd(48)} pid ${v.pid}: ready ${Math.round(v.readyMs)} ms, prompt ${Math.round(v.promptMs)} ms`);
    for (const f of failed) log(`  FAILED ${f}`);
    const slowest = Math.max(...ok.map((v) => v.promptMs));
    log(`  prompts answering: ${ok.length}/${bands.length}; last prompt at ${Math.round(slowest)} ms (all settled at ${Math.round(allMs)} ms)`);
    log(`  total RSS of the ${routers.filter(Boolean).length} router processes: ${mb(rss)} now (sum of their peaks ${mb(peak)})`);
    const timeMet = failed.length === 0 && slowest <= BAND_LAB_TARGETS.allPromptsMs;
    const memMet = rss <= BAND_LAB_TARGETS.totalRssBytes;
    log(verdict(`time until all ${bands.length} SSH prompts answer`, failed.length === 0 ? `${(slowest / 1000).toFixed(1)} s` : `${failed.length} never answered`, `<= ${BAND_LAB_TARGETS.allPromptsMs / 1000} s`, timeMet));
    log(verdict('total RSS', mb(rss), `<= ${(BAND_LAB_TARGETS.totalRssBytes / 1024 ** 3).toFixed(0)} GB`, memMet));
    return timeMet && memMet;
  } finally {
    for (const c of clients) c.end();
    await Promise.all(routers.map((r) => r?.stop()));
  }
}

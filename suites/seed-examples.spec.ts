// The seed's examples 1-3 end to end with Linux hosts (seed: L2TPv3の設定例 【設定例1】【設定例2】
// 【設定例3】; issue 9 "Feature areas"). The device under test takes rt1's role (the site-1 router,
// the hub of example 2) in a copy of the seed topology, keeping rt1's config. The oracle speaks
// first: does the device's platform accept that config (reference-impl/config), which pseudowires
// come up (reference-impl/control, simulated) and which host reaches which (reference-impl/network).
// A refused config is an expected refusal: the emulated router must refuse it at start with the
// oracle's error lines. An accepted one runs in network namespaces (`lab up --netns`): real Linux
// hosts ping through the emulated routers (kernel ARP + ICMP) and every ping scenario must come
// out as predicted; the lab is taken down whatever happens, and nothing of it may remain.
import { needsCapability, test, expect } from './fixtures.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hasProgram, listNetns, NamespaceHost } from '../drivers/hosts/index.ts';
import { labDown, labUp, type LabState } from '../drivers/lab/index.ts';
import { processStartTime } from '../drivers/lab/lab-state.ts';
import { attachCliTranscript, attachOracleComparison } from '../reports/allure/attachments.ts';
import { recordDeviceResponse } from '../reports/allure/test-metadata.ts';
import { l2tpTunnels, parseConfig } from '../reference-impl/config/index.ts';
import type { Topology } from '../topologies/schema/index.ts';
import { isEstablished, RouterConsole, waitForEstablished, type TunnelStatus } from './support/lab-console.ts';
import { expectConfigRefusedAtStart } from './support/config-refusal.ts';
import { deviceAsRouter, type DeviceExample } from './support/seed-example.ts';
import { predictBringUp, type BringUpPrediction } from './support/seed-pseudowires.ts';
import { networkOf, predictPings, type PingPrediction } from './support/seed-reachability.ts';

const EXAMPLES = [
  { id: 'ex1-two-sites', title: 'seed example 1 (two sites)', file: 'topologies/seed/ex1-two-sites.yaml' },
  { id: 'ex2-three-sites-hub', title: 'seed example 2 (three sites, hub)', file: 'topologies/seed/ex2-three-sites-hub.yaml' },
  { id: 'ex3-ipv6-underlay', title: 'seed example 3 (IPv6 underlay)', file: 'topologies/seed/ex3-ipv6-underlay.yaml' },
] as const;
/** The role the device plays: the site-1 router of examples 1 and 3, the hub of example 2. */
const DEVICE_ROLE = 'rt1';
const ROOT = path.resolve(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;
/** Bounds (wall clock): a router start, and the tunnels coming up once the routers run. */
const READY_TIMEOUT_MS = 20_000;
const ESTABLISH_TIMEOUT_MS = 15_000;

/** Tunnel passwords of the configs: never shown in evidence. */
const secretsOf = (configs: readonly string[]) =>
  configs.flatMap((c) => l2tpTunnels(parseConfig(c)).flatMap((v) => (v.tunnelAuth.password ? [v.tunnelAuth.password.reveal()] : [])));

/** What the topology's own scenarios say, for comparison with the oracle (written for its own models). */
function scenarioExpectations(t: Topology): { pseudowiresEstablished?: number; pings: Record<string, boolean> } {
  const pings: Record<string, boolean> = {};
  let pseudowiresEstablished: number | undefined;
  for (const s of t.scenarios ?? []) {
    for (const e of s.expect) {
      if (s.stimulus.kind === 'bring-up' && e.kind === 'pseudowires-established') pseudowiresEstablished = e.count ?? t.pseudowires.length;
      if (s.stimulus.kind === 'ping' && (e.kind === 'reachable' || e.kind === 'unreachable')) pings[s.name] = e.kind === 'reachable';
    }
  }
  return { ...(pseudowiresEstablished !== undefined ? { pseudowiresEstablished } : {}), pings };
}

function oracleView(bringUp: BringUpPrediction, pings: readonly PingPrediction[]) {
  return {
    routers: bringUp.routers.map((r) => ({ name: r.name, model: r.model, firmware: r.firmware, config: r.config.response, errors: r.config.errors })),
    pseudowires: Object.fromEntries(bringUp.pseudowires.map((p) => [p.name, p.established])),
    pings: pings.map((p) => ({ scenario: p.scenario, from: p.from, to: p.to, reachable: p.reachable, frames: p.frames, findings: p.findings.map((f) => f.message) })),
  };
}

test.describe('seed examples 1-3 end to end', { tag: '@examples' }, () => {
  for (const ex of EXAMPLES) {
    test(`${ex.title}: the device as ${DEVICE_ROLE}; refused, or Linux hosts ping as the oracle predicts`, async ({ device, feature, timeScale }) => {
      const documented = await feature('seed-examples', { example: ex.id, role: DEVICE_ROLE });
      needsCapability(device, 'netnsLab');
      const example = deviceAsRouter(path.join(ROOT, ex.file), DEVICE_ROLE, device);
      try {
        // ---- the oracle first
        const bringUp = predictBringUp(example.topology, example.routers);
        const pings = predictPings(example.topology, networkOf(example.topology, example.routers, bringUp));
        const secrets = secretsOf(example.routers.map((r) => r.config));
        await test.info().attach('oracle prediction.json', { body: JSON.stringify(oracleView(bringUp, pings), null, 2), contentType: 'application/json' });
        for (const r of bringUp.routers.filter((x) => x.name !== DEVICE_ROLE)) {
          expect(r.config.response, `the topology's own ${r.name} (${r.model} ${r.firmware}) is accepted by its platform: ${r.config.errors.join('; ')}`).toBe('accepted');
        }
        const mine = bringUp.routers.find((r) => r.name === DEVICE_ROLE)!;
        if (mine.config.response === 'refused') {
          await expectConfigRefusedAtStart({ role: DEVICE_ROLE, config: example.routers.find((r) => r.name === DEVICE_ROLE)!.config, predicted: mine.config.errors, documented, device, secrets });
          return;
        }
        // the topology's scenarios were written for its own models: with the device accepted, the oracle must agree with them
        const scenarios = scenarioExpectations(example.topology);
        const predictedScenarios = {
          ...(scenarios.pseudowiresEstablished !== undefined ? { pseudowiresEstablished: bringUp.pseudowires.filter((p) => p.established).length } : {}),
          pings: Object.fromEntries(pings.map((p) => [p.scenario, p.reachable])),
        };
        expect(predictedScenarios, 'the oracle agrees with the topology\'s scenarios').toEqual(scenarios);

        // ---- the lab
        test.skip(!isRoot, 'needs root: network namespaces');
        for (const tool of ['ip', 'ping', 'socat']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
        await runInLab(example, bringUp, pings, device.defects, secrets, timeScale);
      } finally {
        example.dispose();
      }
    });
  }
});


async function runInLab(example: DeviceExample, bringUp: BringUpPrediction, pings: readonly PingPrediction[], defects: readonly string[], secrets: string[], timeScale: number): Promise<void> {
  const info = test.info();
  const stateFile = path.join(example.dir, 'lab-state.json');
  const started = Date.now();
  const timing: Record<string, number> = {};
  let state: LabState | undefined;
  const consoles: RouterConsole[] = [];
  try {
    state = await labUp(example.file, {
      mode: 'netns', stateFile, readyTimeoutMs: READY_TIMEOUT_MS,
      // the device's injected defects, and the run's time scale (as the other areas' routers):
      // lab up passes router arguments to every router of the lab
      routerArgs: [...defects.flatMap((d) => ['--defect', d]), '--time-scale', String(timeScale)],
    });
    timing.labUpMs = Date.now() - started;
    const lab = state;
    // ---- pseudowires: as predicted, read on both ends' consoles
    const ends = [...new Set(bringUp.pseudowires.flatMap((p) => p.ends.map((e) => e.router)))];
    consoles.push(...(await Promise.all(lab.routers.filter((r) => ends.includes(r.name)).map((r) => RouterConsole.open(r)))));
    const wanted = bringUp.pseudowires.filter((p) => p.established).flatMap((p) => p.ends.map((e) => ({ router: e.router, tunnel: e.tunnel })));
    const { status } = await waitForEstablished(consoles, wanted, ESTABLISH_TIMEOUT_MS);
    timing.establishedMs = Date.now() - started;
    await info.attach('show status l2tp.txt', { body: consoles.map((c) => `${c.router}> show status l2tp\n${c.lastOutput.join('\n')}`).join('\n\n'), contentType: 'text/plain' });
    const upAt = (router: string, tunnel: number): boolean => isEstablished((status.get(router) ?? ([] as TunnelStatus[])).find((s) => s.tunnel === tunnel));
    const observedPw = Object.fromEntries(bringUp.pseudowires.map((p) => [p.name, p.ends.every((e) => upAt(e.router, e.tunnel))]));
    const predictedPw = Object.fromEntries(bringUp.pseudowires.map((p) => [p.name, p.established]));
    expect(await attachOracleComparison({ what: 'pseudowires established', predicted: predictedPw, observed: observedPw }), 'pseudowires as the oracle predicts').toBe(true);

    // ---- every ping scenario, from the real hosts
    const observedPings: Record<string, boolean | 'partial loss'> = {};
    const transcript: string[] = [];
    for (const p of pings) {
      const h = lab.hosts.find((x) => x.name === p.from);
      if (!h) throw new Error(`the lab made no host ${p.from}`);
      const r = await NamespaceHost.attach(h.netns, h.iface).ping(p.address, { count: 3, waitSeconds: p.reachable ? 2 : 1 });
      transcript.push(`# ${p.scenario}: ${p.from} -> ${p.to} (${p.address}), predicted ${p.reachable ? 'reachable' : 'unreachable'}\n${r.output.trim()}`);
      // reachable: every echo answered; unreachable: none
      observedPings[p.scenario] = r.received === r.transmitted ? true : r.received === 0 ? false : 'partial loss';
    }
    timing.pingsMs = Date.now() - started;
    await info.attach('ping.txt', { body: transcript.join('\n\n'), contentType: 'text/plain' });
    const worked = await attachOracleComparison({
      what: 'ping scenarios (reachable)',
      predicted: Object.fromEntries(pings.map((p) => [p.scenario, p.reachable])),
      observed: observedPings,
    });
    await recordDeviceResponse('accepted', worked);
    expect(worked, 'every ping scenario reachable/unreachable as the oracle predicts (partial loss counts as neither)').toBe(true);
  } finally {
    for (const c of consoles) await c.close();
    if (state) {
      const logs = state.routers.map((r) => `== ${r.name} (${r.model} ${r.firmware})\n${readLog(r.log)}`).join('\n');
      await attachCliTranscript('router logs.txt', logs, secrets);
      await info.attach('lab state.json', { body: JSON.stringify(state, null, 2), contentType: 'application/json' });
      await labDown(state, { stateFile });
      timing.labDownMs = Date.now() - started;
      await info.attach('timing.json', { body: JSON.stringify(timing), contentType: 'application/json' });
      // nothing left behind (soft: a failure above keeps its own message)
      const prefix = state.prefix;
      expect.soft((await listNetns()).filter((n) => n.startsWith(prefix)), `no namespace ${prefix}* remains`).toEqual([]);
      for (const p of state.processes) expect.soft(processStartTime(p.pid), `${p.role} (pid ${p.pid}) has ended`).toBeUndefined();
    }
  }
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
}

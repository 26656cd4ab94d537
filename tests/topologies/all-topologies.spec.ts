// Issue 5, point 4: every committed topology passes `topology check` (schema, references,
// addressing, findings, platform) and every router config passes the config validator for its
// model and revision; and there is one topology per configuration example of the seed.
import { test, expect } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkConfigText, configPlatform } from '../../reference-impl/config/index.ts';
import { checkTopologyFile, PLATFORM_OPTIONS } from '../../cli/topology.ts';
import { loadTopology } from '../../topologies/schema/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SEED = readFileSync('/work/shared/reference/yamaha-l2tpv3-l2vpn.ja.txt', 'utf8');
const topologyFiles = ['seed', 'scale'].flatMap((dir) =>
  readdirSync(path.join(ROOT, 'topologies', dir)).filter((f) => f.endsWith('.yaml')).map((f) => path.join('topologies', dir, f)));

test('there is a topology for each configuration example of the seed', () => {
  const names = topologyFiles.map((f) => path.basename(f, '.yaml'));
  // seed: L2TPv3の設定例 / L2TPv3/IPsecの設定例: 設定例1..8; タグVLAN (two figures); L2MS; the 設定例2 注意点
  for (const prefix of ['ex1-', 'ex2-three', 'ex2-full-mesh', 'ex3-', 'ex4-', 'ex5-', 'ex6-', 'ex7-', 'ex8-', 'tagvlan1-', 'tagvlan2-', 'l2ms-', 'scale-']) {
    expect(names.some((n) => n.startsWith(prefix)), prefix).toBe(true);
  }
});

for (const file of topologyFiles) {
  test(`topology check passes: ${file}`, () => {
    const report = checkTopologyFile(path.join(ROOT, file));
    expect(report.diagnostics.map((d) => `${d.file}:${d.line}:${d.column}: ${d.message}`)).toEqual([]);
    expect(report.summary).toMatch(/: ok \(/);
  });

  test(`every router config passes config check for its model: ${file}`, () => {
    const r = loadTopology(path.join(ROOT, file), PLATFORM_OPTIONS);
    expect(r.configs.length).toBe(r.value!.routers.length);
    const refusalsDeclared = (r.value!.expected_findings ?? []).some((f) => f.kind === 'tunnel-limit-exceeded');
    for (const c of r.configs) {
      const issues = checkConfigText(c.text, configPlatform(c.model, c.firmware)).issues;
      if (refusalsDeclared) {
        // the negative scale case: the only refusals are the tunnel limit the file declares
        expect(issues.length).toBeGreaterThan(0);
        expect(issues.every((i) => i.rule === 'too-many-l2tpv3-tunnels')).toBe(true);
      } else {
        expect(issues.map((i) => `${c.file}:${i.line}: ${i.message} (${i.detail})`), c.router).toEqual([]);
      }
    }
  });
}

test('each seed topology cites a section title that the seed really has', () => {
  for (const file of topologyFiles.filter((f) => f.includes('/seed/'))) {
    const source = loadTopology(path.join(ROOT, file)).value!.source;
    const title = /【[^】]+】/.exec(source)?.[0] ?? /L2TPv3と(タグVLANの併用|L2MS)/.exec(source)?.[0];
    expect(title, file).toBeTruthy();
    expect(SEED.includes(title!), `${file}: ${title}`).toBe(true);
  }
});

test('the full mesh is found to loop, through all three routers; the hub topology is not', () => {
  const mesh = loadTopology(path.join(ROOT, 'topologies/seed/ex2-full-mesh-loop.yaml'));
  expect(mesh.findings.map((f) => [f.kind, f.nodes])).toEqual([['bridge-loop', ['rt1', 'rt2', 'rt3']]]);
  expect(loadTopology(path.join(ROOT, 'topologies/seed/ex2-three-sites-hub.yaml')).findings).toEqual([]);
});

test('L2TPv3/IPsec examples use `l2tpv3`, plain ones `l2tpv3-raw` (facts §1.2), in topology and config alike', () => {
  for (const file of topologyFiles.filter((f) => f.includes('/seed/'))) {
    const r = loadTopology(path.join(ROOT, file));
    const ipsec = /ex[4-8]-/.test(file);
    for (const pw of r.value!.pseudowires) expect(pw.encapsulation, file).toBe(ipsec ? 'l2tpv3' : 'l2tpv3-raw');
    for (const c of r.configs.filter((x) => x.text.includes('tunnel select'))) {
      expect(c.text, c.file).toContain(ipsec ? ' tunnel encapsulation l2tpv3\n' : ' tunnel encapsulation l2tpv3-raw\n');
    }
  }
});

test('documentation and private address ranges only', () => {
  const doc = /^(192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|192\.168\.|10\.|2001:db8:)/i;
  for (const file of topologyFiles) {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/\b(?:\d{1,3}\.){3}\d{1,3}\b|\b2001:[0-9a-f:]+/gi)) expect(m[0], file).toMatch(doc);
  }
});

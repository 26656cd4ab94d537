// `l2tpv3-conformance topology check`: exit codes, output form, config errors mapped into the
// topology file, no secret in any output.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topologyCommand } from '../../cli/topology.ts';
import { UsageError } from '../../cli/args.ts';
import { VALID, edit, where } from '../topologies/schema/fixture.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await topologyCommand(argv), out, err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

function tempFile(name: string, text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'topology-cli-')), name);
  writeFileSync(file, text);
  return file;
}

test('valid topology: exit 0, one ok line, nothing on stderr', async () => {
  const r = await run(['check', path.join(ROOT, 'topologies/seed/ex1-two-sites.yaml')]);
  expect(r.code).toBe(0);
  // stderr holds only the warnings for real RTX commands the checker does not model (e.g. ip route)
  for (const line of r.err) expect(line).toMatch(/: warning: not modelled, not checked \(/);
  expect(r.out.join('\n')).toMatch(/ex1-two-sites\.yaml: ok \(2 routers, 1 pseudowires, 3 scenarios\)$/);
});

test('invalid topology: exit 1, file:line:column errors on stderr', async () => {
  const text = edit(VALID, '    model: RTX830', '    modle: RTX830');
  const file = tempFile('bad.yaml', text);
  const r = await run(['check', file]);
  expect(r.code).toBe(1);
  expect(r.err).toContain(`${file}:${where(text, 'modle')}: routers[1].modle: unknown key 'modle'`);
});

test('an error in an inline config points at its line and column in the topology file', async () => {
  // keepalive interval 1..600 (facts §1.1, CR §16.4): 700 is out of range
  const text = edit(VALID, '       l2tp keepalive use on 60 3', '       l2tp keepalive use on 700 3');
  const file = tempFile('inline.yaml', text);
  const r = await run(['check', file]);
  expect(r.code).toBe(1);
  const [line] = where(text, 'l2tp keepalive use on 700').split(':');
  expect(r.err.join('\n')).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+: routers\\.rt1\\.config: Error: Parameter out of range`, 'm'));
});

test('a config refused for the model is an error (L2TPv3 tunnels over the RTX830 limit of 1)', async () => {
  const text = edit(VALID, '      bridge member bridge1 lan1 tunnel1\n      l2tp service on l2tpv3\n',
    '      tunnel select 1\n       tunnel encapsulation l2tpv3-raw\n      tunnel select 2\n       tunnel encapsulation l2tpv3-raw\n');
  const r = await run(['check', tempFile('over.yaml', text)]);
  expect(r.code).toBe(1);
  expect(r.err.join('\n')).toMatch(/routers\.rt2\.config: Error: Parameter out of range .*RTX830/);
});

test('secrets in a refused config never reach the output', async () => {
  const secret = 'S3cret-that-is-far-too-long-for-the-32-char-limit';
  const text = edit(VALID, '       l2tp keepalive use on 60 3', `       l2tp tunnel auth on ${secret}`);
  const r = await run(['check', tempFile('secret.yaml', text)]);
  expect(r.code).toBe(1);
  expect(r.err.length).toBeGreaterThan(0);
  expect([...r.out, ...r.err].join('\n')).not.toContain(secret);
});

test('negative cases pass and say what they expect', async () => {
  const r = await run(['check', path.join(ROOT, 'topologies/seed/ex2-full-mesh-loop.yaml'), path.join(ROOT, 'topologies/scale/scale-rtx830-over-limit.yaml')]);
  expect(r.err.filter((l) => !/: warning: not modelled, not checked \(/.test(l))).toEqual([]);
  expect(r.code).toBe(0);
  expect(r.out.join('\n')).toContain('expected finding bridge-loop');
  expect(r.out.join('\n')).toContain('expected finding tunnel-limit-exceeded');
  expect(r.out.join('\n')).toContain('expected config refusal');
});

test('unknown model and revision come from the platform matrix', async () => {
  const text = edit(VALID, 'model: RTX830', 'model: RTX999');
  const file = tempFile('model.yaml', text);
  const r = await run(['check', file]);
  expect(r.code).toBe(1);
  expect(r.err.join('\n')).toContain(`${file}:${where(text, 'RTX999')}: routers[1].model: unknown model 'RTX999'; the seed's support table knows: `);
});

test('inventory: coverage of the topology roles is checked', async () => {
  const ok = await run(['check', path.join(ROOT, 'topologies/seed/ex4-ipsec-fixed-fixed.yaml'), '--inventory', path.join(ROOT, 'topologies/labs/emulated-two-sites.yaml')]);
  expect(ok.code).toBe(0);
  const bad = await run(['check', path.join(ROOT, 'topologies/seed/ex1-two-sites.yaml'), '--inventory', path.join(ROOT, 'topologies/labs/emulated-two-sites.yaml')]);
  expect(bad.code).toBe(1);
  expect(bad.err.join('\n')).toContain("role 'site2' needs a RTX1210, the inventory gives a RTX830");
});

test('usage errors (exit 2 in main): no verb, unknown verb, no file, missing file', async () => {
  await expect(topologyCommand([])).rejects.toThrow(UsageError);
  await expect(topologyCommand(['chek', 'x.yaml'])).rejects.toThrow(/unknown topology subcommand 'chek'; did you mean 'check'\?/);
  await expect(topologyCommand(['check'])).rejects.toThrow(/missing FILE\.\.\./);
  // A missing input is a usage/input error (cli/exit-codes.ts), refused before anything is checked.
  await expect(topologyCommand(['check', '/nonexistent/t.yaml'])).rejects.toThrow('FILE /nonexistent/t.yaml: cannot read (no such file)');
});

test('--json: one document on stdout with every diagnostic, exit code as in text mode', async () => {
  const ok = await run(['check', path.join(ROOT, 'topologies/seed/ex1-two-sites.yaml'), '--json']);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out.join('\n')) as unknown).toMatchObject({ ok: true, files: [{ ok: true, diagnostics: [] }] });
  const file = tempFile('bad.yaml', edit(VALID, 'model: RTX1210', 'model: RTX9999'));
  const bad = await run(['check', file, '--json']);
  expect(bad.code).toBe(1);
  expect(bad.err).toEqual([]);
  const doc = JSON.parse(bad.out.join('\n')) as { ok: boolean; files: { ok: boolean; diagnostics: { message: string }[] }[] };
  expect(doc.ok).toBe(false);
  expect(doc.files[0].diagnostics.map((d) => d.message).join('\n')).toContain('RTX9999');
});

test('every `topology check` example of its --help runs clean from the checkout (the README quotes them)', async () => {
  const { TOPOLOGY_COMMAND } = await import('../../cli/topology.ts');
  const examples = TOPOLOGY_COMMAND.subcommands!.flatMap((s) => s.examples ?? []).filter((e) => !e.includes('*'));
  expect(examples.some((e) => e.includes('--inventory'))).toBe(true);
  for (const e of examples) {
    const argv = e.split(/\s+/).slice(2); // drop `l2tpv3-conformance topology`
    const r = await run(argv.map((a) => (a.endsWith('.yaml') ? path.join(ROOT, a) : a)));
    expect(r.code, `${e}\n${r.err.join('\n')}`).toBe(0);
  }
});

test('config lines the checker does not model are warnings (exit 0), errors with --strict, and listed in --json', async () => {
  const file = path.join(ROOT, 'topologies/seed/ex1-two-sites.yaml');
  const plain = await run(['check', file]);
  expect(plain.code).toBe(0);
  expect(plain.err.join('\n')).toMatch(/rt1\.conf:\d+:\d+: routers\.rt1\.config: warning: not modelled, not checked \(ip route: /);
  const strict = await run(['check', file, '--strict']);
  expect(strict.code).toBe(1);
  expect(strict.err.join('\n')).toMatch(/routers\.rt1\.config: (?!warning)\S.*\(ip route: /);
  expect(strict.out).toEqual([]);
  const json = await run(['check', file, '--json']);
  const doc = JSON.parse(json.out.join('\n')) as { files: { notModelled: { key: string; message: string }[] }[] };
  expect(doc.files[0].notModelled.map((d) => d.key)).toContain('routers.rt1.config');
  expect(doc.files[0].notModelled.length).toBe(plain.err.length);
});

// Issue 16, "`topology check --inventory` accepts `not-an-ip`, `10.999.1.1`, duplicate peers, a
// peer equal to the WAN and unset password variables, prints "ok" next to errors, and has no
// one-router topology": the inventory is checked as strictly as a topology, each mistake an error
// at its position, and no `ok` line is printed while the inventory has errors.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { topologyCommand } from '../../cli/topology.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TOPOLOGY = path.join(ROOT, 'topologies/labs/single-router-bench.topology.yaml');
const INVENTORY = path.join(ROOT, 'topologies/labs/single-router-bench.yaml');
const ENV = { LAB_BENCH_PASSWORD: 'x', LAB_BENCH_ADMIN_PASSWORD: 'y' };

async function check(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    return { code: await topologyCommand(['check', ...argv]), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

function inventoryWith(edit: (text: string) => string): string {
  const text = edit(`name: bench
devices:
  - role: bench
    kind: physical
    model: RTX1210
    firmware: Rev.14.01.26
    ssh: { host: 192.0.2.11, user: lab, password_env: LAB_BENCH_PASSWORD, admin_password_env: LAB_BENCH_ADMIN_PASSWORD }
    wan: { address: 192.0.2.11 }
harness:
  peer_addresses: [192.0.2.100, 192.0.2.101]
  syslog: { address: 192.0.2.100, port: 5514 }
`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'inventory-check-')), 'bench.yaml');
  writeFileSync(file, text);
  return file;
}

test('the one-router bench topology and its inventory check clean when the password variables are set', async () => {
  const r = await check([TOPOLOGY, '--inventory', INVENTORY], ENV);
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/single-router-bench\.topology\.yaml: ok \(1 routers, 1 pseudowires, 1 scenarios\)/);
});

const MISTAKES: { what: string; edit: (t: string) => string; message: RegExp }[] = [
  { what: 'a WAN address that is not an IP', edit: (t) => t.replace('wan: { address: 192.0.2.11 }', 'wan: { address: not-an-ip }'), message: /:8:\d+: devices\[0\]\.wan\.address: 'not-an-ip' is not an IP address/ },
  { what: 'a peer address out of range', edit: (t) => t.replace('[192.0.2.100, 192.0.2.101]', '[192.0.2.100, 10.999.1.1]'), message: /:10:\d+: harness\.peer_addresses\[1\]: '10\.999\.1\.1' is not an IP address/ },
  { what: 'an ssh host that is neither address nor name', edit: (t) => t.replace('host: 192.0.2.11', 'host: 10.999.1.1'), message: /devices\[0\]\.ssh\.host: '10\.999\.1\.1' is neither an IP address nor a host name/ },
  { what: 'duplicate peers', edit: (t) => t.replace('[192.0.2.100, 192.0.2.101]', '[192.0.2.100, 192.0.2.100]'), message: /harness\.peer_addresses\[1\]: duplicate peer address 192\.0\.2\.100 \(also harness\.peer_addresses\[0\]\)/ },
  { what: 'a peer equal to the WAN', edit: (t) => t.replace('[192.0.2.100, 192.0.2.101]', '[192.0.2.100, 192.0.2.11]'), message: /harness\.peer_addresses\[1\]: 192\.0\.2\.11 is the WAN address of device 'bench'/ },
  { what: 'a syslog address that is not an IP', edit: (t) => t.replace('address: 192.0.2.100, port', 'address: collector, port'), message: /harness\.syslog\.address: 'collector' is not an IP address/ },
];

for (const m of MISTAKES) {
  test(`inventory with ${m.what}: an error at its position, exit 1, no ok line`, async () => {
    const r = await check([TOPOLOGY, '--inventory', inventoryWith(m.edit)], ENV);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(m.message);
    expect(r.out).not.toMatch(/: ok\b/);
    expect(r.err).toContain('not checked against');
  });
}

test('an unset password variable is an error naming it (never a value), and no ok line', async () => {
  const r = await check([TOPOLOGY, '--inventory', INVENTORY], { LAB_BENCH_PASSWORD: 'set-pw-value-91', LAB_BENCH_ADMIN_PASSWORD: undefined });
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/single-router-bench\.yaml:\d+:\d+: devices\[0\]\.ssh\.admin_password_env: environment variable LAB_BENCH_ADMIN_PASSWORD is not set/);
  expect(r.err).not.toContain('LAB_BENCH_PASSWORD is not set');
  expect(r.err + r.out).not.toContain('set-pw-value-91');
  expect(r.out).not.toMatch(/: ok\b/);
});

test('two devices reached at one address: one router cannot play two roles', async () => {
  const file = inventoryWith((t) => t.replace('harness:', `  - role: second
    kind: physical
    model: RTX1210
    firmware: Rev.14.01.26
    ssh: { host: 192.0.2.11, user: lab, password_env: LAB_BENCH_PASSWORD }
    wan: { address: 192.0.2.12 }
harness:`));
  const r = await check([TOPOLOGY, '--inventory', file], ENV);
  expect(r.code).toBe(1);
  expect(r.err).toMatch(/devices\[1\]\.ssh\.host: devices\[0\] is reached at the same 192\.0\.2\.11 port 22: one router cannot play two roles/);
});

// Lab inventories: the committed ones are valid; mistakes give positions; secrets are refused by key.
import { test, expect } from '@playwright/test';
import path from 'node:path';
import { formatDiagnostic, loadInventory, parseInventory } from '../../topologies/schema/index.ts';
import { where } from './schema/fixture.ts';

const LABS = path.resolve(import.meta.dirname, '../../topologies/labs');

for (const f of ['emulated-two-sites.yaml', 'example-physical.yaml']) {
  test(`committed inventory ${f} is valid`, () => {
    expect(loadInventory(path.join(LABS, f)).diagnostics.map(formatDiagnostic)).toEqual([]);
  });
}

const BASE = `name: lab
devices:
  - role: site1
    kind: physical
    model: RTX1210
    firmware: Rev.14.01.26
    ssh: { host: 192.0.2.11, user: lab, password_env: LAB_PW }
`;

test('an inline password is refused by its key, and its value is never echoed', () => {
  const text = BASE.replace('password_env: LAB_PW', 'password: hunter2-lab');
  const out = parseInventory(text, 'inv.yaml').diagnostics.map(formatDiagnostic);
  expect(out).toContain(`inv.yaml:${where(text, 'password:')}: devices[0].ssh.password: unknown key 'password': secrets are never written in these files; name the environment variable that holds it (e.g. password_env)`);
  expect(out.join('\n')).not.toContain('hunter2');
});

test('a physical device without ssh or serial cannot be reached', () => {
  const text = BASE.replace('    ssh: { host: 192.0.2.11, user: lab, password_env: LAB_PW }\n', '');
  expect(parseInventory(text, 'inv.yaml').diagnostics.map(formatDiagnostic)).toEqual(['inv.yaml:3:5: devices[0]: a physical device needs ssh or serial access']);
});

test('env var names and serial device paths are checked', () => {
  const text = `${BASE}    serial: { device: ttyUSB0, baud: 4800 }\n`.replace('password_env: LAB_PW', 'password_env: lab-pw');
  const out = parseInventory(text, 'inv.yaml').diagnostics.map(formatDiagnostic);
  expect(out).toEqual([
    `inv.yaml:${where(text, 'lab-pw')}: devices[0].ssh.password_env: 'lab-pw' is not an environment variable name (A-Z, 0-9, _)`,
    `inv.yaml:${where(text, 'ttyUSB0')}: devices[0].serial.device: 'ttyUSB0' is not a device path (/dev/...)`,
    `inv.yaml:${where(text, '4800')}: devices[0].serial.baud: baud must be one of 9600, 19200, 38400, 57600, 115200 (set-serial-baudrate, CR §56.3.10)`,
  ]);
});

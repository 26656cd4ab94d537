// `show environment` read by the harness (drivers/config/identity.ts) and compared with the
// inventory (drivers/preflight/preflight.ts): the layout of the RTX1200 sample (facts §3.9,
// SHOW_ENVIRONMENT_ASSUMPTION), an output without the fields is a clear error, and a firmware or
// model that differs from the inventory is said with both values.
import { test, expect } from '@playwright/test';
import { DeviceIdentityError, identityFolder, parseShowEnvironment, sameDevice } from '../../../drivers/config/identity.ts';
import { identityMismatches } from '../../../drivers/preflight/preflight.ts';

// the shape of [FAKENOS]'s RTX1200 sample (facts §3.9), values of our own
const SAMPLE = [
  'RTX1210 BootROM Ver.1.04',
  'RTX1210 Rev.14.01.41 (Thu Dec  2 11:38:41 2021)',
  '  main:  RTX1210 ver=00 serial=S4K123456 MAC-Address=00:a0:de:01:02:03 MAC-Address=00:a0:de:01:02:04',
  'CPU:   1%(5sec)   1%(1min)   1%(5min)    Memory: 20% used',
];

test('model, firmware and serial from the sample layout', () => {
  expect(parseShowEnvironment(SAMPLE, '192.0.2.11:22')).toEqual({ model: 'RTX1210', firmware: 'Rev.14.01.41', serial: 'S4K123456', address: '192.0.2.11:22' });
});

test('an output without a revision line or a serial is a clear error naming what is missing', () => {
  expect(() => parseShowEnvironment(['% Error: unknown command'], 'a', 'bench show environment')).toThrow(DeviceIdentityError);
  expect(() => parseShowEnvironment(['% Error: unknown command'], 'a', 'bench show environment')).toThrow("bench show environment: no 'MODEL Rev.X.Y.Z' line (first line: '% Error: unknown command')");
  expect(() => parseShowEnvironment(SAMPLE.filter((l) => !l.includes('serial=')), 'a')).toThrow("no 'serial=' field (model RTX1210 Rev.14.01.41)");
});

test('the inventory against the device: firmware and model differences said with both values; Rev. prefix and case do not matter', () => {
  const id = parseShowEnvironment(SAMPLE, 'a');
  expect(identityMismatches({ model: 'RTX1210', firmware: 'Rev.14.01.26' }, id)).toEqual([
    "the inventory says firmware Rev.14.01.26; the device runs Rev.14.01.41 (show environment, serial S4K123456): fix the inventory or the bench's firmware",
  ]);
  expect(identityMismatches({ model: 'rtx1210', firmware: '14.01.41' }, id)).toEqual([]);
  expect(identityMismatches({ model: 'RTX830', firmware: 'Rev.14.01.41' }, id)[0]).toBe('the inventory says model RTX830; the device says RTX1210 (show environment, serial S4K123456)');
});

test('one device: model, serial and address equal; its journal folder is named by model and serial', () => {
  const a = parseShowEnvironment(SAMPLE, '192.0.2.11:22');
  expect(sameDevice(a, { ...a, firmware: 'Rev.14.01.42' })).toBe(true); // upgraded since: still the device
  expect(sameDevice(a, { ...a, address: '192.0.2.12:22' })).toBe(false);
  expect(sameDevice(a, { ...a, serial: 'S4K999999' })).toBe(false);
  expect(identityFolder({ model: 'RTX1210', serial: 'S4K/../x' })).toBe('RTX1210_S4K_.._x');
});

// Which learned profile a device of `run --lab` is predicted with (issue 16 point 3): only a
// physical device takes one, the newest for its model and firmware; the suites' one helper
// (deviceControlProfile) lays its values over the default profile; a bad file or folder is a named
// input error before any test (exit 2), never a silent fallback to the defaults.
import { test, expect } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_CONTROL_PROFILE } from '../../reference-impl/control/control-profile.ts';
import { controlProfileFor } from '../../reference-impl/control/profile-variants.ts';
import { PROFILE_FORMAT, type FirmwareProfileFile } from '../../drivers/learn/profile-file.ts';
import { learnedControlOverrides, learnedDifferences } from '../../drivers/learn/profile-lookup.ts';
import { LabSelectionError, withLearnedProfiles, type SuiteDevice } from '../../suites/support/devices.ts';
import { deviceControlProfile } from '../../suites/support/device-profile.ts';
import { runCli } from './helpers/cli-process.ts';
import { profilesDirOf } from '../../cli/run.ts';

function profileFile(dir: string, name: string, model: string, firmware: string, control: Record<string, unknown>, learnedAt = '2026-12-07T00:00:00Z'): string {
  const p = { format: PROFILE_FORMAT, learnedAt, role: 'x', device: { model, firmware, serial: 'S1', address: 'h:22' }, control, syslog: { observed: [], predicted: [] }, assumptions: [] };
  const file = path.join(dir, name);
  writeFileSync(file, JSON.stringify(p));
  return file;
}

const physical: SuiteDevice = { model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'physical', role: 'bench', defects: [] };
const emulated: SuiteDevice = { model: 'RTX1210', firmware: 'Rev.14.01.26', kind: 'emulated', role: 'emu', defects: [] };
const otherFirmware: SuiteDevice = { ...physical, role: 'old', firmware: 'Rev.14.01.20' };

test('only a physical device of the same model and firmware takes the learned profile, and the predictions use its values', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'learned-select-'));
  const file = profileFile(dir, 'a.json', 'RTX1210', 'Rev.14.01.26', { cookieLength: 8, receiveWindow: 4 });
  const [bench, emu, old] = withLearnedProfiles([physical, emulated, otherFirmware], dir);
  expect(bench.learned).toEqual({ file, learnedAt: '2026-12-07T00:00:00Z', control: { cookieLength: 8, receiveWindow: 4 } });
  expect(emu.learned).toBeUndefined();
  expect(old.learned).toBeUndefined();
  expect(deviceControlProfile(bench)).toEqual({ ...DEFAULT_CONTROL_PROFILE, cookieLength: 8 });
  expect(deviceControlProfile(old)).toEqual(DEFAULT_CONTROL_PROFILE);
  // an emulated variant still predicts with its variant
  expect(deviceControlProfile({ ...emulated, profile: 'sequencing' })).toEqual(controlProfileFor('sequencing'));
  // what a run prints: only the values that differ from the defaults
  expect(learnedDifferences(bench.learned!.control)).toEqual(['cookieLength=8']);
});

test('a learned file with a key learn mode does not settle, an impossible value or an invalid combination is refused, naming the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'learned-bad-'));
  const base = (control: Record<string, unknown>) => ({ format: PROFILE_FORMAT, learnedAt: 'x', role: 'r', device: { model: 'RTX1210', firmware: 'Rev.14.01.26', serial: 'S', address: 'a' }, control, syslog: { observed: [], predicted: [] }, assumptions: [] }) as unknown as FirmwareProfileFile;
  expect(() => learnedControlOverrides(base({ retransmitInitialMs: 1 }), 'p.json')).toThrow(/p\.json: control\.retransmitInitialMs is not a value learn mode settles/);
  expect(() => learnedControlOverrides(base({ cookieLength: 5 }), 'p.json')).toThrow(/p\.json: control\.cookieLength has an impossible value 5/);
  expect(() => learnedControlOverrides(base({ receiveWindow: 0 }), 'p.json')).toThrow(/p\.json: .*receiveWindow must be 1\.\.65535/);
  const file = profileFile(dir, 'bad.json', 'RTX1210', 'Rev.14.01.26', { dataSequencing: 2 });
  expect(() => withLearnedProfiles([physical], dir)).toThrow(LabSelectionError);
  expect(() => withLearnedProfiles([physical], dir)).toThrow(new RegExp(`${file.replace(/[.]/g, '\\.')}: .*dataSequencing needs l2ssOffered 1`));
  expect(() => withLearnedProfiles([physical], path.join(dir, 'missing'))).toThrow(/--profiles: .*missing is not a folder/);
});

test('run --profiles: a folder that is not there, or no --lab, is a usage error (exit 2) before anything runs', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'learned-usage-'));
  const missing = await runCli(['run', '--lab', 'topologies/labs/emulated-two-sites.yaml', '--profiles', path.join(dir, 'nope'), '--out', path.join(dir, 'out')], 60_000);
  expect(missing.code, missing.stderr).toBe(2);
  expect(missing.stderr).toContain('--profiles:');
  const noLab = await runCli(['run', '--profiles', dir, '--out', path.join(dir, 'out')], 60_000);
  expect(noLab.code, noLab.stderr).toBe(2);
  expect(noLab.stderr).toContain('--profiles needs --lab');
});

test("--profiles: the default is profiles/ beside the inventory when it exists; 'none' turns learned profiles off", () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'learned-default-'));
  const lab = path.join(dir, 'bench.yaml');
  expect(profilesDirOf(undefined, lab)).toBeUndefined();
  mkdirSync(path.join(dir, 'profiles'));
  expect(profilesDirOf(undefined, lab)).toBe(path.join(dir, 'profiles'));
  expect(profilesDirOf('none', lab)).toBeUndefined();
  expect(profilesDirOf(undefined, undefined)).toBeUndefined();
  expect(profilesDirOf(dir, lab)).toBe(dir);
});

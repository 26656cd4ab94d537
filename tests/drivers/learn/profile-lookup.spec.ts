// Looking up a learned profile by model and firmware (drivers/learn/profile-lookup.ts): the newest
// matching file wins, other models/firmwares and non-profile files are not taken, and learned
// values that make no valid control profile are a clear error.
import { test, expect } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PROFILE_FORMAT, type FirmwareProfileFile } from '../../../drivers/learn/profile-file.ts';
import { learnedControlOverrides, learnedProfileFor, readProfileFolder } from '../../../drivers/learn/profile-lookup.ts';

function profile(model: string, firmware: string, learnedAt: string, control: FirmwareProfileFile['control']): FirmwareProfileFile {
  return { format: PROFILE_FORMAT, learnedAt, role: 'bench', device: { model, firmware, serial: 'S', address: 'a:22' }, control, syslog: { observed: [], predicted: [] }, assumptions: [] };
}

test('the newest profile of the model and firmware is found; others and non-profiles are not', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'learn-lookup-'));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify(profile('RTX1210', 'Rev.14.01.26', '2026-12-01T00:00:00Z', { cookieLength: 4 })));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify(profile('RTX1210', 'Rev.14.01.26', '2026-12-05T00:00:00Z', { cookieLength: 8 })));
  writeFileSync(path.join(dir, 'c.json'), JSON.stringify(profile('RTX1210', 'Rev.14.01.41', '2026-12-06T00:00:00Z', { cookieLength: 0 })));
  writeFileSync(path.join(dir, 'd.json'), JSON.stringify(profile('RTX830', 'Rev.15.02.22', '2026-12-06T00:00:00Z', { cookieLength: 0 })));
  writeFileSync(path.join(dir, 'notes.json'), '{"hello": 1}');
  const found = learnedProfileFor(dir, 'rtx1210', '14.01.26');
  expect(found?.file).toBe(path.join(dir, 'b.json'));
  expect(learnedControlOverrides(found!.profile)).toEqual({ cookieLength: 8 });
  expect(learnedProfileFor(dir, 'RTX1210', 'Rev.14.01.27')).toBeUndefined();
  expect(readProfileFolder(dir).errors).toEqual([expect.stringContaining('notes.json')]);
});

test('learned values that make no valid control profile are refused, naming the file', () => {
  expect(() => learnedControlOverrides(profile('RTX1210', 'Rev.14.01.26', 'x', { dataSequencing: 2, l2ssOffered: 0 }), 'p.json')).toThrow(/p\.json: .*dataSequencing needs l2ssOffered 1/);
});

// Finding the learned profile of a device (issue 16 point 3, "`run --lab` uses a learned profile for
// that model and firmware when one exists"): a folder of profile files (`profile learn --out`), the
// newest one for the model and firmware the device said it runs, and its control values as
// ControlProfile overrides, checked by the control profile's own validation so a bad file is a
// clear error before any prediction uses it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONTROL_PROFILE, validateControlProfile, type ControlProfile } from '../../reference-impl/control/control-profile.ts';
import { ProfileFileError, readProfile, type FirmwareProfileFile } from './profile-file.ts';

const normRev = (r: string) => r.trim().replace(/^Rev\./i, '');

/** Every profile file in `dir` (`*.json`), with the files that are not profiles named (not thrown). */
export function readProfileFolder(dir: string): { profiles: { file: string; profile: FirmwareProfileFile }[]; errors: string[] } {
  const profiles: { file: string; profile: FirmwareProfileFile }[] = [];
  const errors: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = join(dir, name);
    try {
      profiles.push({ file, profile: readProfile(file) });
    } catch (e) {
      if (e instanceof ProfileFileError) errors.push(e.message);
      else throw e;
    }
  }
  return { profiles, errors };
}

/** The newest profile learned from this model at this firmware, if any. */
export function learnedProfileFor(dir: string, model: string, firmware: string): { file: string; profile: FirmwareProfileFile } | undefined {
  const mine = readProfileFolder(dir).profiles.filter(({ profile: p }) => p.device.model.toUpperCase() === model.toUpperCase() && normRev(p.device.firmware) === normRev(firmware));
  return mine.sort((a, b) => a.profile.learnedAt.localeCompare(b.profile.learnedAt)).pop();
}

/** The control-profile fields learn mode settles (FirmwareProfileFile.control), each with the values it may take. */
const LEARNED_FIELDS: Record<keyof FirmwareProfileFile['control'], (v: unknown) => boolean> = {
  cookieLength: (v) => v === 0 || v === 4 || v === 8,
  l2ssOffered: (v) => v === 0 || v === 1,
  dataSequencing: (v) => v === 0 || v === 1 || v === 2,
  receiveWindow: (v) => Number.isInteger(v),
  vendorName: (v) => typeof v === 'string',
  ackStyle: (v) => v === 'explicit' || v === 'zlb',
};

/**
 * The learned control values as overrides of the default profile (validated whole). Only the fields
 * learn mode settles are taken: a file is input, and a hand-edited key (say retransmitInitialMs) must
 * not reach the predictions unnoticed, so an unknown key or a value of the wrong kind is an error.
 */
export function learnedControlOverrides(p: FirmwareProfileFile, where = 'profile'): Partial<ControlProfile> {
  const control: Record<string, unknown> = p.control ?? {};
  if (typeof control !== 'object' || Array.isArray(control)) throw new ProfileFileError(`${where}: control is not an object`);
  const overrides: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(control)) {
    const ok = Object.hasOwn(LEARNED_FIELDS, key) ? LEARNED_FIELDS[key as keyof typeof LEARNED_FIELDS] : undefined;
    if (!ok) throw new ProfileFileError(`${where}: control.${key} is not a value learn mode settles (known: ${Object.keys(LEARNED_FIELDS).join(', ')})`);
    if (!ok(value)) throw new ProfileFileError(`${where}: control.${key} has an impossible value ${JSON.stringify(value)}`);
    overrides[key] = value;
  }
  try {
    validateControlProfile({ ...DEFAULT_CONTROL_PROFILE, ...overrides });
  } catch (e) {
    throw new ProfileFileError(`${where}: ${(e as Error).message}`);
  }
  return overrides as Partial<ControlProfile>;
}

/** The learned values that differ from the default profile, `field=value` each (what a run prints). */
export function learnedDifferences(overrides: Partial<ControlProfile>): string[] {
  return Object.entries(overrides)
    .filter(([k, v]) => DEFAULT_CONTROL_PROFILE[k as keyof ControlProfile] !== v)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

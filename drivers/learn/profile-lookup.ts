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

/** The learned control values as overrides of the default profile (validated whole). */
export function learnedControlOverrides(p: FirmwareProfileFile, where = 'profile'): Partial<ControlProfile> {
  const overrides: Partial<ControlProfile> = { ...p.control };
  try {
    validateControlProfile({ ...DEFAULT_CONTROL_PROFILE, ...overrides });
  } catch (e) {
    throw new ProfileFileError(`${where}: ${(e as Error).message}`);
  }
  return overrides;
}

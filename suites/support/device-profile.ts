// The firmware control profile the suites predict a device with (issue 16 point 3: "`run --lab`
// uses a learned profile for that model and firmware when one exists"). One place answers it for
// every prediction: an emulated device runs its profile variant (controlProfileFor), a physical
// device whose model and firmware were learned (`profile learn`, a file in `run --profiles DIR`)
// runs the default profile with the learned values over it. Every suite and trace channel asks
// deviceControlProfile, never controlProfileFor directly, so a learned value cannot reach one
// oracle prediction and miss another. (Attaching the learned file to a device: devices.ts.)
import { validateControlProfile, type ControlProfile } from '../../reference-impl/control/control-profile.ts';
import { controlProfileFor } from '../../reference-impl/control/profile-variants.ts';
import type { SuiteDevice } from './devices.ts';

/** The control profile the oracle predicts this device with. */
export function deviceControlProfile(device: Pick<SuiteDevice, 'profile' | 'learned'>): ControlProfile {
  const base = controlProfileFor(device.profile);
  if (device.learned === undefined) return base;
  const p: ControlProfile = { ...base, ...device.learned.control };
  validateControlProfile(p);
  return p;
}

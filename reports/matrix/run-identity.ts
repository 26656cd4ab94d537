// Who ran and on what (issue 16 point 6): the harness's version and git commit, whether the run
// drove hardware, and each device's model, firmware and serial — as read from the device
// (`show environment`, by the preflight) for a physical device, as configured for an emulated one.
// matrix.json/html/md, the Allure environment and JUnit all print it from this one record.

export interface RunDeviceIdentity {
  readonly role: string;
  readonly kind: 'emulated' | 'physical';
  readonly model: string;
  readonly firmware: string;
  /** physical: from `show environment`; emulated: `emulated` */
  readonly serial: string;
  /** physical: where the harness reached it (host:port) */
  readonly address?: string;
  /** 'device': read from the device itself; 'inventory': as the lab says (an emulated device) */
  readonly source: 'device' | 'inventory';
  /** how fast the device's protocol timers ran: 1 for a physical device (real time) */
  readonly timeScale: number;
  /** physical: the learned firmware profile (`profile learn`) the suites predicted it with (`run --profiles`) */
  readonly learnedProfile?: string;
}

export interface RunIdentity {
  readonly harness: { readonly version: string; readonly commit: string };
  /** true when any device of the run is physical */
  readonly hardware: boolean;
  readonly devices: readonly RunDeviceIdentity[];
}

/** How `run` hands the identity to the suites' Playwright process (the Allure environment is written there). */
export const RUN_IDENTITY_ENV = 'L2TPV3_RUN_IDENTITY';

export function readRunIdentityEnv(env: NodeJS.ProcessEnv = process.env): RunIdentity | undefined {
  const text = env[RUN_IDENTITY_ENV];
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as RunIdentity;
    return v && typeof v.hardware === 'boolean' && Array.isArray(v.devices) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The time-scale statement: real time for physical devices, N x for emulated ones. */
export function timeScaleText(id: RunIdentity): string {
  const scales = [...new Set(id.devices.filter((d) => d.kind === 'emulated').map((d) => d.timeScale))];
  const emulated = scales.length ? `${scales.join(', ')} (emulated devices: timers ${scales.join(', ')}x faster)` : '';
  if (!id.hardware) return emulated || 'n/a';
  return emulated ? `real time (physical devices); ${emulated}` : '1 (real time: hardware run)';
}

/** One line per device: `site1: RTX1210 Rev.14.01.26 serial S1234 at 192.0.2.11:22 (physical, read from the device)`. */
export function deviceLine(d: RunDeviceIdentity): string {
  return `${d.role}: ${d.model} ${d.firmware} serial ${d.serial}${d.address ? ` at ${d.address}` : ''} (${d.kind}, ${d.source === 'device' ? 'read from the device' : 'as configured'})${d.learnedProfile ? `; predicted with the learned profile ${d.learnedProfile}` : ''}`;
}

/** Key/value pairs for the Allure environment widget and JUnit properties. */
export function identityProperties(id: RunIdentity): Record<string, string> {
  const out: Record<string, string> = {
    harnessVersion: id.harness.version,
    harnessCommit: id.harness.commit,
    run: id.hardware ? 'hardware (physical devices)' : 'emulated',
    timeScale: timeScaleText(id),
  };
  for (const d of id.devices) {
    out[`device.${d.role}`] = `${d.model} ${d.firmware} serial ${d.serial}${d.address ? ` at ${d.address}` : ''} (${d.kind})`;
    if (d.learnedProfile) out[`learnedProfile.${d.role}`] = d.learnedProfile;
  }
  return out;
}

// Who a device is, as it says itself: model, firmware revision and serial number read from
// `show environment`, plus the address the harness reached it at. Journals are keyed by it
// (journal.ts), the preflight compares it with the inventory (drivers/preflight/), and the
// reports print it (issue 16 points 6 and 7).
//
// The harness's own reading of the output, written independently of the emulated router's
// (DESIGN.md: drivers share no code with reference-impl/router/).

import type { CliSession } from '../cli/session.ts';

export interface DeviceIdentity {
  /** as the device prints it, e.g. `RTX1210` */
  model: string;
  /** `Rev.14.01.26` form */
  firmware: string;
  serial: string;
  /** where the harness reached it: `host:port` of its CLI */
  address: string;
}

/**
 * ASSUMPTION (facts §3.9: `show environment` appears only as a sample, "inferred real"): the
 * output holds a line `MODEL Rev.X.Y.Z (build date)` and, on the `main:` line, `serial=SERIAL`
 * (the [FAKENOS] RTX1200 sample's layout). A device that prints neither is a clear preflight
 * error naming what was missing, never a guess.
 */
export const SHOW_ENVIRONMENT_ASSUMPTION = {
  revisionLine: /^\s*(\S+)\s+Rev\.(\d+\.\d+\.\d+)\b/,
  serial: /\bserial=(\S+)/,
} as const;

export class DeviceIdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceIdentityError';
  }
}

/** Read model, firmware and serial from `show environment` output lines. */
export function parseShowEnvironment(lines: readonly string[], address: string, where = 'show environment'): DeviceIdentity {
  const a = SHOW_ENVIRONMENT_ASSUMPTION;
  let rev: RegExpExecArray | null = null;
  let serial: RegExpExecArray | null = null;
  for (const l of lines) {
    rev ??= a.revisionLine.exec(l);
    serial ??= a.serial.exec(l);
  }
  const first = lines.find((l) => l.trim() !== '') ?? '(no output)';
  if (!rev) throw new DeviceIdentityError(`${where}: no 'MODEL Rev.X.Y.Z' line (first line: '${first.slice(0, 80)}')`);
  if (!serial) throw new DeviceIdentityError(`${where}: no 'serial=' field (model ${rev[1]} Rev.${rev[2]})`);
  return { model: rev[1], firmware: `Rev.${rev[2]}`, serial: serial[1], address };
}

/** `show environment` over an open session (user or administrator level). */
export async function readIdentity(s: CliSession, address: string, where = 'show environment'): Promise<DeviceIdentity> {
  const r = await s.run('show environment');
  return parseShowEnvironment(r.lines, address, where);
}

/** The journal folder of a device: `<model>_<serial>` in file-name characters. */
export function identityFolder(id: Pick<DeviceIdentity, 'model' | 'serial'>): string {
  return `${id.model}_${id.serial}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

/** One device: model, serial and address all equal (the firmware may have been upgraded since). */
export function sameDevice(a: DeviceIdentity, b: DeviceIdentity): boolean {
  return a.model === b.model && a.serial === b.serial && a.address === b.address;
}

export function describeIdentity(id: DeviceIdentity): string {
  return `${id.model} ${id.firmware} serial ${id.serial} at ${id.address}`;
}

// The preflight of a bench run (issue 16 point 7): before any test, for every physical device —
// credentials set, device reachable, identity and firmware as the inventory says (read from the
// device: `show environment`), its rollback journal restored (only its own, only when the run
// that wrote it is dead) — and for the harness: its peer and syslog addresses bindable. Any
// failure stops the run as a lab error (exit 3) before a test runs, so a setup mistake never
// enters the matrix history as a device regression.

import { describeIdentity, identityFolder, type DeviceIdentity } from '../config/identity.ts';
import { journalFiles } from '../config/journal.ts';
import { deviceIdentity, openAdmin, recoverOn, type ConfigDevice } from '../config/push.ts';
import { checkUdpBind, type BindTarget } from './bind-check.ts';

export interface PreflightDevice {
  role: string;
  /** what the inventory says the device is (`Rev.14.01.26` form) */
  claimed: { model: string; firmware: string };
  /** how to reach it; undefined when setup problems (below) already rule it out */
  device?: ConfigDevice;
  /** problems found before connecting (an unset password variable), one line each, no secret */
  setupProblems: readonly string[];
}

export interface PreflightOptions {
  devices: readonly PreflightDevice[];
  /** harness addresses the run binds (tester peers, syslog collector) */
  binds: readonly BindTarget[];
  journalDir: string;
  log?: (line: string) => void;
}

export interface DevicePreflight {
  role: string;
  claimed: { model: string; firmware: string };
  /** as the device said, when it could be read */
  identity?: DeviceIdentity;
  /** a journal of this device was restored before the first test */
  restored: boolean;
  errors: string[];
}

export interface PreflightReport {
  ok: boolean;
  devices: DevicePreflight[];
  harnessErrors: string[];
  /** journals of devices not in this run, left in place (said, not touched) */
  otherJournals: string[];
}

const normRev = (r: string) => r.trim().replace(/^Rev\./i, '');

/** What the inventory says against what the device said; one line per difference. */
export function identityMismatches(claimed: { model: string; firmware: string }, id: DeviceIdentity): string[] {
  const out: string[] = [];
  if (claimed.model.toUpperCase() !== id.model.toUpperCase()) out.push(`the inventory says model ${claimed.model}; the device says ${id.model} (show environment, serial ${id.serial})`);
  if (normRev(claimed.firmware) !== normRev(id.firmware)) out.push(`the inventory says firmware ${claimed.firmware}; the device runs ${id.firmware} (show environment, serial ${id.serial}): fix the inventory or the bench's firmware`);
  return out;
}

async function checkDevice(d: PreflightDevice, o: PreflightOptions): Promise<DevicePreflight> {
  const log = o.log ?? (() => undefined);
  const r: DevicePreflight = { role: d.role, claimed: d.claimed, restored: false, errors: [...d.setupProblems] };
  // a journal written before journals named their device cannot be placed: said, never restored
  const legacy = journalFiles(o.journalDir).filter((f) => f.folder === undefined && f.role === d.role);
  for (const f of legacy) r.errors.push(`journal ${f.path} names no device (written by an older harness): restore ${d.role} by hand, then delete the file`);
  if (!d.device || r.errors.length) return r;
  let s;
  try {
    s = await openAdmin(d.device);
  } catch (e) {
    r.errors.push(`not reachable at ${d.device.address ?? '?'}: ${(e as Error).message}`);
    return r;
  }
  try {
    r.identity = await deviceIdentity(s, d.device);
    r.errors.push(...identityMismatches(d.claimed, r.identity));
    // the device's own journal, whatever else is wrong: a dirty bench is restored first
    r.restored = await recoverOn(s, r.identity, d.device, o.journalDir, log);
  } catch (e) {
    r.errors.push(s.redactor.mask((e as Error).message));
  } finally {
    await s.close().catch(() => undefined);
  }
  return r;
}

/** Run every check (none stops the others: the report lists all problems at once). */
export async function runPreflight(o: PreflightOptions): Promise<PreflightReport> {
  const devices: DevicePreflight[] = [];
  for (const d of o.devices) devices.push(await checkDevice(d, o));
  const harnessErrors: string[] = [];
  const seen = new Set<string>();
  for (const b of o.binds) {
    const key = `${b.address}|${b.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const err = await checkUdpBind(b);
    if (err) harnessErrors.push(err);
  }
  const mine = new Set(devices.flatMap((d) => (d.identity ? [identityFolder(d.identity)] : [])));
  const roles = new Set(o.devices.map((d) => d.role));
  const otherJournals = journalFiles(o.journalDir)
    .filter((f) => (f.folder === undefined ? !roles.has(f.role) : !mine.has(f.folder)))
    .map((f) => f.path);
  return { ok: devices.every((d) => d.errors.length === 0) && harnessErrors.length === 0, devices, harnessErrors, otherJournals };
}

/** The report as lines for the terminal: one per device, then every problem. */
export function preflightLines(r: PreflightReport): string[] {
  const out: string[] = [];
  for (const d of r.devices) {
    const who = d.identity ? describeIdentity(d.identity) : `${d.claimed.model} ${d.claimed.firmware} (not read)`;
    out.push(`preflight ${d.role}: ${who}: ${d.errors.length ? 'FAILED' : 'ok'}${d.restored ? ' (restored from the journal a dead run left)' : ''}`);
    for (const e of d.errors) out.push(`  ${d.role}: ${e}`);
  }
  for (const e of r.harnessErrors) out.push(`preflight harness: ${e}`);
  for (const f of r.otherJournals) out.push(`preflight: journal ${f} is of a device not in this run: left in place`);
  return out;
}

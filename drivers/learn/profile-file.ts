// The firmware profile file `profile learn` writes (JSON): who the device is, what it chose and
// printed during the probes, and the verdict on each named assumption the probes touched. `control`
// holds the learned values in ControlProfile terms (reference-impl/control/control-profile.ts), so
// a later `run --lab` can start its prediction from them for that model and firmware.
import { readFileSync, writeFileSync } from 'node:fs';
import type { ControlProfile } from '../../reference-impl/control/control-profile.ts';
import { judge, predictedSyslog, type AssumptionVerdict } from './judge.ts';
import type { LearnObservations } from './observations.ts';

export const PROFILE_FORMAT = 'l2tpv3-conformance/firmware-profile@1';

export interface FirmwareProfileFile {
  format: typeof PROFILE_FORMAT;
  /** ISO time of the run (given by the caller: this module reads no clock) */
  learnedAt: string;
  role: string;
  device: { model: string; firmware: string; serial: string; address: string };
  /** learned control-profile values (only those the probes settled) */
  control: Partial<Pick<ControlProfile, 'cookieLength' | 'l2ssOffered' | 'dataSequencing' | 'receiveWindow' | 'vendorName' | 'ackStyle'>>;
  /** measured, not a profile value: the device's first retransmission interval (ms) */
  retransmitMs?: number;
  session?: LearnObservations['session'];
  sessionError?: string;
  syslog: { observed: string[]; predicted: string[] };
  refusedCommand?: LearnObservations['refused'];
  showStatusL2tp?: { lines: string[] };
  assumptions: AssumptionVerdict[];
}

export function buildProfile(role: string, o: LearnObservations, learnedAt: string): FirmwareProfileFile {
  const s = o.session;
  const c = o.control;
  return {
    format: PROFILE_FORMAT, learnedAt, role,
    device: { model: o.identity.model, firmware: o.identity.firmware, serial: o.identity.serial, address: o.identity.address },
    control: {
      ...(s ? { cookieLength: s.cookieLength as 0 | 4 | 8, l2ssOffered: s.l2ss as 0 | 1, dataSequencing: s.dataSequencing as 0 | 1 | 2 } : {}),
      ...(c?.receiveWindow !== undefined ? { receiveWindow: c.receiveWindow } : {}),
      ...(typeof c?.vendorName === 'string' ? { vendorName: c.vendorName } : {}),
      ...(c?.ackStyle ? { ackStyle: c.ackStyle } : {}),
    },
    ...(c?.retransmitMs !== undefined ? { retransmitMs: c.retransmitMs } : {}),
    ...(s ? { session: s } : { sessionError: o.sessionError }),
    syslog: { observed: o.syslogLines, predicted: predictedSyslog(o).map((p) => p.line) },
    ...(o.refused ? { refusedCommand: o.refused } : {}),
    ...(o.showStatus ? { showStatusL2tp: { lines: o.showStatus.lines } } : {}),
    assumptions: judge(o),
  };
}

export function writeProfile(file: string, p: FirmwareProfileFile): void {
  writeFileSync(file, JSON.stringify(p, null, 2) + '\n');
}

export class ProfileFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileFileError';
  }
}

/** Reads a profile file back, with a clear error for anything else. */
export function readProfile(file: string): FirmwareProfileFile {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ProfileFileError(`${file}: not a JSON firmware profile: ${(e as Error).message}`);
  }
  const p = v as Partial<FirmwareProfileFile>;
  if (p?.format !== PROFILE_FORMAT) throw new ProfileFileError(`${file}: format is not ${PROFILE_FORMAT}`);
  if (typeof p.device?.model !== 'string' || typeof p.device.firmware !== 'string') throw new ProfileFileError(`${file}: no device model/firmware`);
  return p as FirmwareProfileFile;
}

/** The terminal report: one line per assumption, refuted ones first said plainly. */
export function profileLines(p: FirmwareProfileFile): string[] {
  const out = [`learned ${p.role}: ${p.device.model} ${p.device.firmware} serial ${p.device.serial} at ${p.device.address}`];
  for (const a of p.assumptions) out.push(`  ${a.verdict.padEnd(10)} ${a.id}: ${a.verdict === 'refuted' ? `assumed ${a.assumed}; the device: ${a.observed}` : a.observed}`);
  const count = (v: string) => p.assumptions.filter((a) => a.verdict === v).length;
  const refuted = p.assumptions.filter((a) => a.verdict === 'refuted').map((a) => a.id);
  out.push(`confirmed ${count('confirmed')}, refuted ${count('refuted')}${refuted.length ? ` (${refuted.join(', ')})` : ''}, not probed ${count('not-probed')}`);
  return out;
}

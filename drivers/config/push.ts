// Push, verify, roll back: read the running config (`show config`), plan the commands that make
// the wanted change, journal the snapshot, apply, read back and verify; later roll back to the
// snapshot and verify again. DESIGN.md "Hardware is precious": a push whose rollback could not
// be done (a secret the device hides and the lab does not know) is refused before any change.

import { CliCommandInterruptedError, CliTimeoutError, CliTransportError, type CliError } from '../cli/errors.ts';
import type { CliSession } from '../cli/session.ts';
import { readIdentity, type DeviceIdentity } from './identity.ts';
import { deviceJournals, journalOwner, journalPath, JournalRefusedError, ownerState, removeJournal, writeJournal, type JournalRecord } from './journal.ts';
import { ConfigPlanError, desiredConfig, planChange, type PlannedCommand } from './plan.ts';
import { readConfig, unmask, type Setting } from './settings.ts';

export interface ConfigDevice {
  /** names the journal file: letters, digits, `.`, `_`, `-` */
  name: string;
  /** a new, not yet connected CLI session to the device */
  session(): CliSession;
  /**
   * The config the lab loaded into the device, secrets in clear. `show config` may show secrets
   * as `*` (facts §3.4); restoring such a line takes its value from here.
   */
  knownConfig?: string;
  /** where the harness reaches it (`host:port`): part of its identity, with model and serial (identity.ts) */
  address?: string;
  /**
   * Pushes restart a running L2TP service around the change (plan.ts restartService): the suites
   * set it, so the device starts from the state their prediction assumes.
   */
  restartService?: boolean;
  /** the device's own log of every push, verify and restore (e.g. attached to the test), besides PushOptions.log; secrets masked */
  log?: (line: string) => void;
}

/** Both logs of a push: the caller's (PushOptions.log) and the device's (ConfigDevice.log). */
function pushLog(device: ConfigDevice, opts: Pick<PushOptions, 'log'>): (line: string) => void {
  return (line) => {
    opts.log?.(line);
    device.log?.(line);
  };
}

export interface PushOptions {
  /** where rollback journals live (one file per device) */
  journalDir: string;
  /** 'merge' (default): the lines change only the settings they name; 'replace': they are the whole config */
  mode?: 'merge' | 'replace';
  /** progress lines for a log; secrets masked */
  log?: (line: string) => void;
  /** test seam: runs after each acknowledged command, once the journal counts it */
  afterCommand?: (applied: number, planned: number) => Promise<void> | void;
}

export class ConfigVerifyError extends Error {
  constructor(
    readonly device: string,
    /** the commands still needed, secrets masked */
    readonly remaining: readonly string[],
    what: string,
  ) {
    super(`${device}: ${what} did not verify: still needed: ${remaining.join(' / ')}`);
    this.name = 'ConfigVerifyError';
  }
}

/**
 * The connection to the device dropped or stopped answering in the middle of a push (issue 17:
 * "the error says what happened"): how many commands the device acknowledged, and whether it was
 * rolled back at once or the journal is kept for the next run (recoverDevice).
 */
export class ConfigPushInterruptedError extends Error {
  constructor(
    readonly device: string,
    readonly applied: number,
    readonly planned: number,
    readonly rolledBack: boolean,
    cause: Error,
    journalFile: string,
  ) {
    super(
      `${device}: push interrupted after ${applied} of ${planned} command(s) (${cause.message}); ` +
        (rolledBack ? 'the device was rolled back from the journal' : `the rollback could not run either: the journal ${journalFile} is kept and the next run restores the device from it`),
      { cause },
    );
    this.name = 'ConfigPushInterruptedError';
  }
}

/** A failure of the connection, not an answer of the device (a refused command is CliCommandError). */
function isConnectionFailure(err: unknown): err is CliError {
  return err instanceof CliTransportError || err instanceof CliCommandInterruptedError || err instanceof CliTimeoutError;
}

/** A connected administrator session on the device, its known secrets taught to the redactor. */
export async function openAdmin(device: ConfigDevice): Promise<CliSession> {
  const s = device.session();
  for (const line of (device.knownConfig ?? '').split('\n')) s.redactor.learnFromCommand(line);
  await s.connect();
  await s.administrator();
  return s;
}

/** The device's identity over an open session (`show environment`). */
export function deviceIdentity(s: CliSession, device: ConfigDevice): Promise<DeviceIdentity> {
  return readIdentity(s, device.address ?? 'unknown', `${device.name} show environment`);
}

/** Send planned commands, each in its tunnel context; back to `tunnel select none` at the end. */
async function applyCommands(s: CliSession, commands: readonly PlannedCommand[], onApplied: (n: number) => Promise<void> | void): Promise<void> {
  let ctx = s.tunnel;
  const select = async (t: number | null) => {
    if (t === ctx) return;
    await s.run(t === null ? 'tunnel select none' : `tunnel select ${t}`);
    ctx = t;
  };
  for (let i = 0; i < commands.length; i++) {
    await select(commands[i].context);
    await s.run(commands[i].text);
    await onApplied(i + 1);
  }
  await select(null);
}

async function readSettings(s: CliSession, device: string): Promise<Setting[]> {
  return readConfig(await s.showConfig(), `${device} show config`).settings;
}

/** The snapshot a journal restores: its `show config` with the hidden secrets filled in. */
function snapshotSettings(j: Pick<JournalRecord, 'snapshot' | 'restoreLines' | 'device'>): Setting[] {
  const fill = new Map(j.restoreLines.map((r) => [r.key, r.text]));
  return readConfig(j.snapshot, `${j.device} snapshot`).settings.map((s) => (s.hidden && fill.has(s.key) ? { ...s, text: fill.get(s.key)!, hidden: false } : s));
}

/** Roll the device back to the journal's snapshot, verify, and remove the journal. */
async function restore(s: CliSession, journalDir: string, j: JournalRecord, log: (l: string) => void): Promise<void> {
  writeJournal(journalDir, { ...j, state: 'rolling-back' });
  const target = snapshotSettings(j);
  const plan = planChange(await readSettings(s, j.device), target, { force: j.touched });
  log(`${j.device}: rollback: ${plan.commands.length} command(s)${plan.commands.length ? ': ' + plan.commands.map((c) => s.redactor.mask(c.masked)).join(' / ') : ''}`);
  await applyCommands(s, plan.commands, () => undefined);
  const left = planChange(await readSettings(s, j.device), target);
  if (left.commands.length) throw new ConfigVerifyError(j.device, left.commands.map((c) => s.redactor.mask(c.masked)), 'rollback');
  removeJournal(journalDir, j.device, j.identity);
  log(`${j.device}: rollback verified (${j.identity.model} serial ${j.identity.serial}): the device shows its config from before the push`);
}

/**
 * Restore the device from the journals a run left for it (found by its identity), over an open
 * administrator session. Refused, with nothing changed (JournalRefusedError), when a journal in
 * its folder names another device, or its owner process may still be driving the device.
 */
export async function recoverOn(s: CliSession, id: DeviceIdentity, device: ConfigDevice, journalDir: string, log: (l: string) => void): Promise<boolean> {
  const found = deviceJournals(journalDir, id);
  for (const { path, record: j } of found) {
    const owner = ownerState(j.owner);
    if (owner === 'alive' || owner === 'other-host') {
      throw new JournalRefusedError(
        path,
        `${device.name}: journal ${path} belongs to pid ${j.owner.pid} on ${j.owner.host}, which ${owner === 'alive' ? 'is still running' : 'this host cannot check'}: ` +
          'not restored (nothing changed); stop that run first' + (owner === 'other-host' ? ', then restore from its host' : ''),
      );
    }
  }
  for (const { record: j } of found) {
    log(`${device.name}: journal left by pid ${j.owner.pid} on ${j.owner.host} for ${j.identity.model} serial ${j.identity.serial} (${j.state}, ${j.applied}/${j.planned} applied): restoring`);
    await restore(s, journalDir, j, log);
  }
  return found.length > 0;
}

/**
 * If a run left a journal for this device, restore the device from it (the next run's duty:
 * the preflight does it before the first test). Returns true when something was restored.
 */
export async function recoverDevice(device: ConfigDevice, journalDir: string, log?: (l: string) => void): Promise<boolean> {
  const s = await openAdmin(device);
  try {
    return await recoverOn(s, await deviceIdentity(s, device), device, journalDir, pushLog(device, { log }));
  } catch (err) {
    throw maskError(err, s);
  } finally {
    await s.close().catch(() => undefined);
  }
}

export class ConfigPush {
  #rolledBack = false;

  private constructor(
    readonly device: ConfigDevice,
    private readonly session: CliSession,
    private readonly journal: JournalRecord,
    private readonly opts: PushOptions,
    /** the commands the push sent, secrets masked */
    readonly commands: readonly string[],
  ) {}

  /** Push the lines (see PushOptions.mode) and verify; on any failure the device is rolled back and the error rethrown. */
  static async apply(device: ConfigDevice, lines: string | readonly string[], opts: PushOptions): Promise<ConfigPush> {
    const log = pushLog(device, opts);
    const s = await openAdmin(device);
    let journal: JournalRecord | undefined;
    try {
      const identity = await deviceIdentity(s, device);
      // a journal a dead run left for this device first (refused if it names another device)
      await recoverOn(s, identity, device, opts.journalDir, log);
      const snapshot = await s.showConfig();
      const current = readConfig(snapshot, `${device.name} show config`).settings;
      const known = device.knownConfig ? readConfig(device.knownConfig, `${device.name} knownConfig`).settings : [];
      const restorable = unmask(current, known);
      const desired = desiredConfig(current, lines, opts.mode ?? 'merge', `${device.name} push`);
      const plan = planChange(current, desired.settings, { force: desired.explicit, restartService: device.restartService });
      // refuse now, not at rollback time, if the snapshot could not be put back
      planChange(desired.settings, restorable, { force: plan.touched });
      const masked = plan.commands.map((c) => s.redactor.mask(c.masked));
      journal = {
        version: 2,
        device: device.name,
        identity,
        owner: journalOwner(),
        snapshot,
        restoreLines: restorable.filter((r, i) => current[i].hidden && !r.hidden).map((r) => ({ key: r.key, text: r.text })),
        touched: plan.touched,
        planned: plan.commands.length,
        applied: 0,
        state: 'pushing',
      };
      writeJournal(opts.journalDir, journal);
      log(`${device.name}: push: ${masked.length} command(s)${masked.length ? ': ' + masked.join(' / ') : ''}`);
      await applyCommands(s, plan.commands, async (n) => {
        journal = { ...journal!, applied: n };
        writeJournal(opts.journalDir, journal);
        await opts.afterCommand?.(n, plan.commands.length);
      });
      const left = planChange(await readSettings(s, device.name), desired.settings);
      if (left.commands.length) throw new ConfigVerifyError(device.name, left.commands.map((c) => s.redactor.mask(c.masked)), 'push');
      log(`${device.name}: push verified: \`show config\` shows the ${plan.commands.length} change(s)`);
      journal = { ...journal, state: 'pushed' };
      writeJournal(opts.journalDir, journal);
      return new ConfigPush(device, s, journal, opts, masked);
    } catch (err) {
      let rolledBack = false;
      try {
        if (journal) await restore(s, opts.journalDir, journal, log);
        rolledBack = journal !== undefined;
      } catch (rollbackErr) {
        log(`${device.name}: rollback after a failed push failed (journal kept): ${s.redactor.mask((rollbackErr as Error).message)}`);
      }
      await s.close().catch(() => undefined);
      // the connection failed mid-push: say how far the push got and what became of the device
      if (journal && isConnectionFailure(err)) {
        throw maskError(new ConfigPushInterruptedError(device.name, journal.applied, journal.planned, rolledBack, err, journalPath(opts.journalDir, device.name, journal.identity)), s);
      }
      throw maskError(err, s);
    }
  }

  /** Put the snapshot back, verify, remove the journal, close the session. Safe to call twice. */
  async rollback(): Promise<void> {
    if (this.#rolledBack) return;
    const log = pushLog(this.device, this.opts);
    let s = this.session;
    try {
      if (!s.connected) s = await openAdmin(this.device);
      else await s.administrator();
      await restore(s, this.opts.journalDir, this.journal, log);
      this.#rolledBack = true;
    } catch (err) {
      throw maskError(err, s);
    } finally {
      await s.close().catch(() => undefined);
    }
  }
}

/** Errors leave with secrets masked (CLI errors already are; config and plan errors are re-checked). */
function maskError(err: unknown, s: CliSession): Error {
  if (!(err instanceof Error)) return new Error(s.redactor.mask(String(err)));
  if (!s.redactor.leaks(err.message)) return err;
  const e = err instanceof ConfigPlanError ? new ConfigPlanError(s.redactor.mask(err.message)) : new Error(s.redactor.mask(err.message));
  e.name = err.name;
  return e;
}

// Closing a lab runs several independent steps (peers, the device's rollback, the syslog socket,
// the LAN host, the evidence). DESIGN.md "Hardware is precious": the rollback runs even when a
// step before it throws, so each step runs in its own try and every failure is reported after all
// of them ran, named by its step.

export interface CloseStep {
  readonly name: string;
  readonly run: () => void | Promise<void>;
}

/** One step's failure, named. */
export class CloseStepError extends Error {
  constructor(readonly step: string, readonly reason: unknown) {
    super(`${step}: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
    this.name = 'CloseStepError';
  }
}

/**
 * Runs every step in order, each whatever the ones before it did. One failure is rethrown as its
 * CloseStepError; several as an AggregateError of them (the message names each step).
 */
export async function runCloseSteps(what: string, steps: readonly CloseStep[]): Promise<void> {
  const failed: CloseStepError[] = [];
  for (const s of steps) {
    try {
      await s.run();
    } catch (e) {
      failed.push(new CloseStepError(s.name, e));
    }
  }
  if (failed.length === 1) throw failed[0];
  if (failed.length > 1) throw new AggregateError(failed, `${what}: ${failed.length} close steps failed: ${failed.map((f) => f.message).join('; ')}`);
}

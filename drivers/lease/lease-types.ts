// What both lease backends (lock files, PostgreSQL advisory locks) hand out and throw.

export interface LeaseOwner {
  pid: number;
  host: string;
  /** ISO time the lease was taken */
  since: string;
  /** who holds it, for messages (a test title, a CLI command) */
  label: string;
  /** tells our lease from a later one at the same path */
  token: string;
}

/** A held device lease; release() is idempotent and never throws. */
export interface DeviceLease {
  readonly device: string;
  readonly owner: LeaseOwner;
  release(): void;
}

export class LeaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LeaseError';
  }
}

export class LeaseTimeoutError extends LeaseError {
  constructor(
    readonly device: string,
    readonly holder: LeaseOwner | undefined,
    readonly waitMs: number,
  ) {
    super(`device '${device}' still leased after ${waitMs} ms${holder ? ` by ${holder.label} (pid ${holder.pid} on ${holder.host} since ${holder.since})` : ''}`);
  }
}

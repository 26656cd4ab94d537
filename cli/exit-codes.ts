// The one exit-code table of every `l2tpv3-conformance` subcommand (issue 17 point 2). Scripts and
// CI branch on these numbers, so they are data here, printed by every `--help`, and the README
// lists them from this table. Diagnostics always go to stderr, results to stdout.

export const EXIT = {
  /** everything checked passed (or the command had nothing to judge) */
  ok: 0,
  /** the command ran and found conformance failures: a regression, a failing test, a surviving defect, an invalid file */
  failures: 1,
  /** usage or input error: bad flag or value, missing/unreadable/binary input file, a refused output folder */
  usage: 2,
  /** harness or lab error: a process could not start, the lab or the device failed, the disk is full */
  harness: 3,
  /** interrupted (SIGINT / SIGTERM): stopped cleanly, what was written so far is kept */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The table as the help text and the README print it. */
export const EXIT_CODE_TABLE: readonly { code: ExitCode; meaning: string }[] = [
  { code: EXIT.ok, meaning: 'ok: everything checked passed' },
  { code: EXIT.failures, meaning: 'conformance failures: a regression, a failing test, a surviving defect, an invalid topology or config' },
  { code: EXIT.usage, meaning: 'usage or input error: unknown flag, bad value, missing/unreadable/binary input file, refused output folder' },
  { code: EXIT.harness, meaning: 'harness or lab error: a process or the lab failed, the disk is full' },
  { code: EXIT.interrupted, meaning: 'interrupted (SIGINT/SIGTERM): stopped cleanly, results written so far are kept' },
];

/** Bad invocation or bad input (exit 2): the message names the flag, the argument or the file. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The harness or the lab failed (exit 3), e.g. a process did not start or the disk is full. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HarnessError';
  }
}

/** The exit code for an error that reached the top of a subcommand. */
export function exitCodeOfError(e: unknown): ExitCode {
  return e instanceof UsageError ? EXIT.usage : EXIT.harness;
}

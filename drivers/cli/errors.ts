// Typed errors of a CLI session. Every message is built from redacted text (drivers/transcript
// Redactor) and says what and where: the command, the wait that timed out, the transport.

export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The device answered a command with `Error:` / `エラー：` lines (facts §3.1). */
export class CliCommandError extends CliError {
  constructor(
    /** the command as sent, secrets masked */
    readonly command: string,
    /** the error lines, secrets masked */
    readonly errorLines: readonly string[],
    /** all output lines of the command, secrets masked */
    readonly output: readonly string[],
  ) {
    super(`command '${command}' failed: ${errorLines.join(' / ')}`);
  }
}

/** A bounded wait ran out. */
export class CliTimeoutError extends CliError {
  constructor(
    /** what was awaited, e.g. `prompt after 'show config'` */
    readonly waitingFor: string,
    /** the named timeout and its value */
    readonly timeoutName: string,
    readonly timeoutMs: number,
    /** the last received text, secrets masked */
    readonly tail: string,
  ) {
    super(`timed out after ${timeoutMs} ms (${timeoutName}) waiting for ${waitingFor}; last received: ${JSON.stringify(tail)}`);
  }
}

/** The transport closed or failed. */
export class CliTransportError extends CliError {
  constructor(
    readonly transport: string,
    readonly reason: string,
  ) {
    super(`${transport}: ${reason}`);
  }
}

/** Login or administrator password refused, or a question the driver cannot answer. */
export class CliLoginError extends CliError {}

/** The connection dropped after a command was sent: it may or may not have run. */
export class CliCommandInterruptedError extends CliError {
  constructor(
    readonly command: string,
    readonly reason: string,
  ) {
    super(`connection dropped while running '${command}' (${reason}); reconnected, the command's outcome is unknown`);
  }
}

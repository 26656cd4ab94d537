// One CLI session with an RTX (physical or emulated) over any Transport: login, learned prompt,
// command/response framing, error detection, the administrator and tunnel contexts, config
// lines, `show config`, a redacted transcript, bounded waits and reconnection.

import { Redactor } from '../transcript/redactor.ts';
import { DEVICE_CLOSED_EVENT, OPEN_EVENT, type TranscriptRecorder } from '../transcript/transcript.ts';
import { asyncLineMatcher } from './async-lines.ts';
import { DeviceReader } from './device-reader.ts';
import { CliCommandError, CliCommandInterruptedError, CliError, CliLoginError, CliTransportError } from './errors.ts';
import { findPromptEnd, frameResponse } from './framing.ts';
import { login } from './login.ts';
import { DIALOGS, PAGER_ASSUMPTION, type CliState, type DialogName, type LearnedPrompt } from './prompt-states.ts';
import { physicalLines } from './text.ts';
import type { Transport, TransportFactory } from './transport.ts';

export interface CliCredentials {
  username?: string;
  /** login password, or the named user's password */
  password?: string;
  adminPassword?: string;
}

export interface CliTimeouts {
  /** opening the transport (TCP + SSH handshake, or the serial port) */
  openMs: number;
  /** login, from open to the learned prompt */
  loginMs: number;
  /** before pressing Enter once when the device shows nothing (facts §3.1) */
  loginNudgeMs: number;
  /** one command, from sending it to its prompt */
  commandMs: number;
  /** quiet time after a prompt-looking line before it counts as the prompt */
  promptSettleMs: number;
}

export const DEFAULT_TIMEOUTS: CliTimeouts = { openMs: 15_000, loginMs: 20_000, loginNudgeMs: 3_000, commandMs: 30_000, promptSettleMs: 60 };

// yamaha-platform-facts.md §3.3: `console columns` default 80
export const DEFAULT_CONSOLE_COLUMNS = 80;

export interface CliSessionOptions {
  transport: TransportFactory;
  credentials?: CliCredentials;
  /** secrets of the lab's store go here; the session adds the credentials and what it learns */
  redactor?: Redactor;
  transcript?: TranscriptRecorder;
  timeouts?: Partial<CliTimeouts>;
  /** the device's `console columns` (facts §3.3) */
  columns?: number;
  /** answer to `Save new configuration ? (Y/N)` (facts §3.1); the harness never saves by default */
  saveAnswer?: 'Y' | 'N';
  /** how many times a dropped transport is reopened */
  reconnectAttempts?: number;
  /** more console syslog patterns (async-lines.ts has the catalogue's) */
  asyncPatterns?: readonly RegExp[];
  /** commands run after each login (e.g. `console lines infinity` where a lab wants it) */
  setupCommands?: readonly string[];
}

export interface CliResult {
  /** the command as sent, secrets masked */
  command: string;
  /** output lines (echo, prompt and async lines removed; wrapped lines joined) — unmasked */
  lines: string[];
  errors: string[];
  asyncLines: string[];
  state: CliState;
  prompt: string;
}

export interface RunOptions {
  timeoutMs?: number;
  /** return error lines in the result instead of throwing CliCommandError */
  allowErrors?: boolean;
  /** extra dialogs this command may raise */
  dialogs?: readonly DialogName[];
}

const NEWLINE = '\r';

export class CliSession {
  readonly redactor: Redactor;
  readonly #opts: CliSessionOptions;
  readonly #timeouts: CliTimeouts;
  readonly #columns: number;
  readonly #isAsync: (line: string) => boolean;
  #transport: Transport | null = null;
  #reader: DeviceReader | null = null;
  #prompt: LearnedPrompt | null = null;
  #promptLine = '';
  #state: CliState = 'user';
  #tunnel: number | null = null;
  #wanted: { admin: boolean; tunnel: number | null } = { admin: false, tunnel: null };
  #closing = false;

  constructor(opts: CliSessionOptions) {
    this.#opts = opts;
    this.#timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.#columns = opts.columns ?? DEFAULT_CONSOLE_COLUMNS;
    this.redactor = opts.redactor ?? opts.transcript?.redactor ?? new Redactor();
    const c = opts.credentials ?? {};
    this.redactor.addSecret(c.password);
    this.redactor.addSecret(c.adminPassword);
    this.#isAsync = asyncLineMatcher(opts.asyncPatterns);
  }

  get state(): CliState {
    return this.#state;
  }

  /** The prompt learned from the device (null before connect). */
  get prompt(): LearnedPrompt | null {
    return this.#prompt;
  }

  get connected(): boolean {
    return this.#transport !== null;
  }

  async connect(): Promise<void> {
    const transport = this.#opts.transport();
    const reader = new DeviceReader(transport.description, (t) => this.redactor.mask(t));
    transport.onData((text) => {
      this.#opts.transcript?.received(text);
      reader.feed(text);
    });
    transport.onClose((reason) => {
      if (this.#transport === transport) this.#transport = null;
      if (!this.#closing) this.#opts.transcript?.event(`${DEVICE_CLOSED_EVENT}: ${reason}`);
      reader.closed(reason);
    });
    this.#opts.transcript?.event(`${OPEN_EVENT} ${transport.description}`);
    this.#reader = reader;
    this.#transport = transport;
    await withTimeout(transport.open(), this.#timeouts.openMs, () => new CliTransportError(transport.description, `open timed out after ${this.#timeouts.openMs} ms (openMs)`));
    const c = this.#opts.credentials ?? {};
    const learned = await login(
      {
        reader,
        send: (line, secret) => this.#write(line + NEWLINE, secret),
        timeoutMs: this.#timeouts.loginMs,
        settleMs: this.#timeouts.promptSettleMs,
        nudgeMs: this.#timeouts.loginNudgeMs,
      },
      { username: c.username, password: c.password },
    );
    this.#opts.transcript?.flush();
    this.#prompt = learned.prompt;
    this.#state = learned.state;
    this.#promptLine = learned.prompt.prefix + (learned.state === 'user' ? '>' : '#') + learned.prompt.suffix;
    this.#tunnel = null;
    for (const cmd of this.#opts.setupCommands ?? []) await this.run(cmd);
  }

  /** Run one command in the current state and frame its response. */
  async run(command: string, options: RunOptions = {}): Promise<CliResult> {
    await this.#ensureConnected();
    this.redactor.learnFromCommand(command);
    try {
      return await this.#exchange(command, options);
    } catch (err) {
      if (!(err instanceof CliTransportError) || this.#closing) throw err;
      // dropped after the command was sent: reconnect, then say so (a `show` is safe to repeat)
      await this.#reconnect(err.reason, err);
      if (/^\s*show\s/.test(command)) return this.#exchange(command, options);
      throw new CliCommandInterruptedError(this.redactor.mask(command), err.reason);
    }
  }

  /** Enter administrator mode (facts §3.1): `administrator`, `Password:`, `#`. */
  async administrator(password?: string): Promise<void> {
    if (password !== undefined) {
      this.#opts.credentials = { ...this.#opts.credentials, adminPassword: password };
      this.redactor.addSecret(password);
    }
    this.#wanted.admin = true;
    if (this.#state !== 'user') return;
    await this.#ensureConnected();
    const r = await this.#exchange('administrator', { dialogs: ['adminPassword'], allowErrors: true });
    if (this.#state === 'user') {
      throw new CliLoginError(`administrator mode refused${r.errors.length ? ': ' + this.redactor.mask(r.errors.join(' / ')) : ''}`);
    }
  }

  /** Apply config lines in administrator mode, stopping at the first error (CliCommandError). */
  async configure(lines: readonly string[]): Promise<CliResult[]> {
    await this.administrator();
    const results: CliResult[] = [];
    for (const line of lines) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      results.push(await this.run(line.trim()));
    }
    return results;
  }

  /** `show config` as text (facts §3.4), wrapped lines joined, console syslog removed. */
  async showConfig(): Promise<string> {
    const r = await this.run('show config');
    return r.lines.map((l) => l + '\n').join('');
  }

  /** Leave administrator mode (answering the save question per saveAnswer), log out, close. */
  async close(): Promise<void> {
    this.#closing = true;
    const transport = this.#transport;
    try {
      if (transport && this.#state !== 'user') await this.#exchange('quit', { allowErrors: true, timeoutMs: 5_000 }).catch(() => undefined);
      if (this.#transport) {
        this.#write('quit' + NEWLINE, false);
      }
    } finally {
      this.#transport = null;
      this.#opts.transcript?.event('close');
      await transport?.close();
    }
  }

  async #ensureConnected(): Promise<void> {
    if (this.#transport) return;
    if (this.#closing) throw new CliError('session closed');
    if (this.#prompt === null) return this.connect();
    await this.#reconnect('transport closed');
  }

  async #reconnect(reason: string, cause?: Error): Promise<void> {
    const attempts = this.#opts.reconnectAttempts ?? 1;
    let last: unknown = cause;
    for (let i = 0; i < attempts; i++) {
      try {
        this.#opts.transcript?.event(`reconnect ${i + 1}/${attempts} after: ${reason}`);
        await this.connect();
        const wanted = this.#wanted;
        if (wanted.admin) await this.administrator();
        if (wanted.tunnel !== null) await this.#exchange(`tunnel select ${wanted.tunnel}`, {});
        return;
      } catch (err) {
        last = err;
      }
    }
    throw last instanceof Error ? last : new CliTransportError('transport', `reconnect failed after ${attempts} attempts`);
  }

  #write(text: string, secret: boolean): void {
    if (!this.#transport) throw new CliTransportError('transport', 'not connected');
    this.#opts.transcript?.sent(text, { secret });
    this.#transport.write(text);
  }

  async #exchange(command: string, options: RunOptions): Promise<CliResult> {
    const reader = this.#reader!;
    const prompt = this.#prompt!;
    const masked = this.redactor.mask(command);
    const dialogs = [...(options.dialogs ?? []), 'saveQuestion', 'unexpectedPassword'].map((d) => DIALOGS[d as DialogName]);
    const answered: RegExp[] = [];
    const previousPrompt = this.#promptLine;
    let raw = '';
    let refusedQuestion: string | null = null;
    this.#write(command + NEWLINE, false);
    const deadline = Date.now() + (options.timeoutMs ?? this.#timeouts.commandMs);
    for (let step = 0; ; step++) {
      const seen = await reader.wait({
        waitingFor: `the prompt after '${masked}'`,
        timeoutName: options.timeoutMs ? 'timeoutMs' : 'commandMs',
        timeoutMs: Math.max(1, deadline - Date.now()),
        settleMs: this.#timeouts.promptSettleMs,
        check: (text) => {
          // after an answer, only new text can show the next question or the prompt
          if (text === '' && raw !== '') return undefined;
          const lines = physicalLines(raw + text);
          const last = lines[lines.length - 1];
          if (PAGER_ASSUMPTION.pattern.test(last)) return { kind: 'pager' as const };
          const dialog = dialogs.find((d) => d.pattern.test(last));
          if (dialog) return { kind: 'dialog' as const, dialog };
          const end = findPromptEnd(raw + text, prompt, this.#isAsync);
          return end ? { kind: 'prompt' as const, end } : undefined;
        },
      });
      raw += reader.consume();
      if (step > 200) throw new CliError(`'${masked}': more than 200 questions or pages`);
      if (seen.kind === 'pager') {
        this.#write(PAGER_ASSUMPTION.answer, false);
        continue;
      }
      if (seen.kind === 'dialog') {
        answered.push(seen.dialog.pattern);
        const d = seen.dialog;
        if (d === DIALOGS.adminPassword) this.#write((this.#opts.credentials?.adminPassword ?? '') + NEWLINE, true);
        // ASSUMPTION: the (Y/N) question takes the letter and Enter (not documented; a hardware run confirms or refutes)
        else if (d === DIALOGS.saveQuestion) this.#write((this.#opts.saveAnswer ?? 'N') + NEWLINE, false);
        else {
          // a password question the driver has no answer for: Enter gives it up
          refusedQuestion = d.name;
          this.#write(NEWLINE, false);
        }
        continue;
      }
      const framed = frameResponse(raw, { command, previousPrompt, prompt, columns: this.#columns, isAsync: this.#isAsync, answeredQuestions: answered });
      this.#opts.transcript?.flush();
      this.#promptLine = seen.end.line;
      this.#state = seen.end.match.state;
      this.#trackContext(command);
      const result: CliResult = { command: masked, lines: framed.lines, errors: framed.errors, asyncLines: framed.asyncLines, state: this.#state, prompt: seen.end.line };
      if (refusedQuestion) throw new CliLoginError(`'${masked}' asked an ${refusedQuestion} the driver cannot answer`);
      if (framed.errors.length > 0 && !options.allowErrors) {
        throw new CliCommandError(masked, framed.errors.map((e) => this.redactor.mask(e)), framed.lines.map((l) => this.redactor.mask(l)));
      }
      return result;
    }
  }

  #trackContext(command: string): void {
    const m = /^\s*tunnel\s+select\s+(\S+)/.exec(command);
    if (this.#state === 'user') {
      this.#wanted = { admin: false, tunnel: null };
      this.#tunnel = null;
    } else if (this.#state === 'administrator') {
      this.#tunnel = null;
      this.#wanted.tunnel = null;
    } else if (m && /^\d+$/.test(m[1])) {
      this.#tunnel = Number(m[1]);
      this.#wanted.tunnel = this.#tunnel;
    }
    if (this.#state !== 'user') this.#wanted.admin = true;
  }

  /** The selected tunnel (`tunnel select N`), or null. */
  get tunnel(): number | null {
    return this.#tunnel;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, error: () => Error): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(error()), ms);
    }),
  ]);
}

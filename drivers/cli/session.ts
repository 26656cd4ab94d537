// One CLI session with an RTX (physical or emulated) over any Transport: login, learned prompt,
// command/response framing, error detection, the administrator and tunnel contexts, config
// lines, `show config`, a redacted transcript, bounded waits and reconnection.

import { Redactor } from '../transcript/redactor.ts';
import { DEVICE_CLOSED_EVENT, OPEN_EVENT, type TranscriptRecorder } from '../transcript/transcript.ts';
import { asyncLineMatcher } from './async-lines.ts';
import { DeviceReader } from './device-reader.ts';
import { DialogWalk, dialogError, NEWLINE, type Answers } from './dialog-walk.ts';
import { CliCommandError, CliCommandInterruptedError, CliError, CliTransportError } from './errors.ts';
import { findPromptEnd, frameResponse } from './framing.ts';
import { login } from './login.ts';
import { BASE_TABLES, tablesFor, type CliTables, type ModelOverride } from './model-overrides.ts';
import { LOGOUT_COMMAND, route, type CliState, type DialogRow, type LearnedPrompt, type PathSpec } from './prompt-states.ts';
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
  /** the device's model (e.g. `RTX830`): picks the rows of `modelOverrides` that apply */
  model?: string;
  /** per-model rows merged over the tables (default model-overrides.ts MODEL_OVERRIDES) */
  modelOverrides?: readonly ModelOverride[];
  /** the tables the session walks before model overrides (default BASE_TABLES; tests pass their own) */
  tables?: CliTables;
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
  /** extra dialogs this command may raise, by name in the tables' dialogs */
  dialogs?: readonly string[];
}

export class CliSession {
  readonly redactor: Redactor;
  readonly #opts: CliSessionOptions;
  readonly #timeouts: CliTimeouts;
  readonly #columns: number;
  readonly #isAsync: (line: string) => boolean;
  readonly #tables: CliTables;
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
    this.#tables = tablesFor(opts.model, opts.modelOverrides, opts.tables ?? BASE_TABLES);
  }

  /** The tables this session walks (base tables with the model's override rows applied). */
  get tables(): CliTables {
    return this.#tables;
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
        write: (text, secret) => this.#write(text, secret),
        timeoutMs: this.#timeouts.loginMs,
        settleMs: this.#timeouts.promptSettleMs,
        nudgeMs: this.#timeouts.loginNudgeMs,
        dialogs: this.#tables.loginDialogs,
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
    await this.goTo('administrator');
  }

  /**
   * Move to a state by walking the path rows (prompt-states.ts PATHS, with the model's
   * overrides): each row's command in order, answering the dialogs it names. A path that does
   * not arrive ends with the row's named error.
   */
  async goTo(target: CliState, ctx: { tunnel?: number; timeoutMs?: number } = {}): Promise<void> {
    await this.#ensureConnected();
    const paths = this.#tables.paths;
    let walk = route(this.#state, target, paths);
    // already in a tunnel context but another tunnel wanted: its path row selects from here too (CR §14)
    if (walk.length === 0 && target === 'tunnel' && ctx.tunnel !== undefined && ctx.tunnel !== this.#tunnel) walk = route('administrator', 'tunnel', paths);
    for (const path of walk) await this.#walkPath(path, ctx);
  }

  async #walkPath(path: PathSpec, ctx: { tunnel?: number; timeoutMs?: number }): Promise<void> {
    const r = await this.#exchange(path.command(ctx), { dialogs: path.dialogs, allowErrors: true, timeoutMs: ctx.timeoutMs });
    const arrived = path.arrival === 'prompt' ? this.#state === path.to : r.errors.length === 0;
    if (!arrived) {
      const detail = r.errors.length ? ': ' + this.redactor.mask(r.errors.join(' / ')) : '';
      throw dialogError({ ...path.failure, message: path.failure.message + detail });
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
      if (transport && this.#state !== 'user') await this.goTo('user', { timeoutMs: 5_000 }).catch(() => undefined);
      if (this.#transport) {
        this.#write(LOGOUT_COMMAND + NEWLINE, false);
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
        const wanted = { ...this.#wanted };
        const target: CliState = wanted.tunnel !== null ? 'tunnel' : wanted.admin ? 'administrator' : this.#state;
        await this.goTo(target, wanted.tunnel !== null ? { tunnel: wanted.tunnel } : {});
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
    const walk = new DialogWalk(this.#commandDialogs(options.dialogs ?? []), this.#answers(), `'${masked}' `);
    const answered: RegExp[] = [];
    const previousPrompt = this.#promptLine;
    let raw = '';
    let failure: CliError | null = null;
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
          const row = walk.find(lines[lines.length - 1]);
          if (row) return { kind: 'dialog' as const, row };
          const end = findPromptEnd(raw + text, prompt, this.#isAsync);
          return end ? { kind: 'prompt' as const, end } : undefined;
        },
      });
      raw += reader.consume();
      if (step > 200) throw new CliError(`'${masked}': more than 200 questions or pages`);
      if (seen.kind === 'dialog') {
        if (seen.row.hideLine) answered.push(seen.row.pattern);
        const act = walk.step(seen.row);
        if (act.kind === 'send') this.#write(act.text, act.secret);
        else if (act.kind === 'fail') {
          if (act.escape === undefined) throw act.error;
          // give the question up, and fail once the prompt is back (the session stays in step)
          failure = act.error;
          this.#write(act.escape, false);
        }
        continue;
      }
      const framed = frameResponse(raw, { command, previousPrompt, prompt, columns: this.#columns, isAsync: this.#isAsync, answeredQuestions: answered });
      this.#opts.transcript?.flush();
      this.#promptLine = seen.end.line;
      this.#state = seen.end.match.state;
      this.#trackContext(command);
      const result: CliResult = { command: masked, lines: framed.lines, errors: framed.errors, asyncLines: framed.asyncLines, state: this.#state, prompt: seen.end.line };
      if (failure) throw failure;
      if (framed.errors.length > 0 && !options.allowErrors) {
        throw new CliCommandError(masked, framed.errors.map((e) => this.redactor.mask(e)), framed.lines.map((l) => this.redactor.mask(l)));
      }
      return result;
    }
  }

  /** The command's own dialogs, then those every command may raise, as rows of the tables. */
  #commandDialogs(names: readonly string[]): DialogRow[] {
    return [...names, ...this.#tables.commandDialogs].map((name) => {
      const row = this.#tables.dialogs[name];
      if (!row) throw new CliError(`no dialog row named '${name}' in the session's tables`);
      return row;
    });
  }

  /** The named answers dialog rows may send (credentials are sent masked in the transcript). */
  #answers(): Answers {
    const c = this.#opts.credentials ?? {};
    return { username: c.username, loginPassword: c.password, userPassword: c.password, adminPassword: c.adminPassword, saveAnswer: this.#opts.saveAnswer ?? 'N' };
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

// One RTX console session, independent of its transport: bytes typed in, bytes to show out.
// Login (`Password:`, named users with `Username:`), the `>` / `#` prompts, `administrator`,
// the save question on leaving administrator mode, echo and backspace, CRLF line ends,
// wrapping at `console columns` and paging at `console lines` (yamaha-platform-facts.md §3.1-3.3).

import { routerErrorText, type CliContext, type Language } from '../../config/index.ts';
import type { CliTransport, RouterDevice } from '../device.ts';
import { consoleDecoder, encodeConsole, charWidth } from './charset.ts';
import { runCommand, saveNow, type CommandEnv } from './commands.ts';
import {
  CLI_LOG,
  DEFAULT_UTC_OFFSET_MINUTES,
  greeting,
  languageOf,
  LOGIN_PROMPTS,
  PAGER_PROMPT,
  PAGER_QUIT_KEYS,
  promptText,
  SAVE_ANSWERS,
  SAVE_QUESTION,
  type ConsoleCharacter,
} from './console-facts.ts';
import { consoleSettings, utcOffsetMinutes, type ConsoleSettings } from './console-settings.ts';
import { CRLF, wrapLines } from './layout.ts';

export interface CliSessionOptions {
  device: RouterDevice;
  transport: CliTransport;
  /** set when the transport already authenticated the user (SSH): the session starts at the prompt */
  authenticatedUser?: string;
  /** the peer's address, for the log */
  peer?: string;
  write: (bytes: Uint8Array) => void;
  /** the session ended (`quit` at the `>` prompt) */
  close: () => void;
  /** show secrets in `show config` as the real router does (default false: never print a secret) */
  revealSecrets?: boolean;
}

type Mode =
  | { kind: 'login-password' }
  | { kind: 'login-username' }
  | { kind: 'login-user-password'; user: string }
  | { kind: 'command' }
  | { kind: 'admin-password' }
  | { kind: 'save-question' }
  | { kind: 'closed' };

export class CliSession {
  private mode: Mode;
  private admin = false;
  private context: CliContext = { tunnel: null };
  private line = '';
  private lastWasCr = false;
  private escape = false;
  private pending: string[] = [];
  private paging = false;
  private loggedIn = false;
  private character: ConsoleCharacter;
  private decode: (b: Uint8Array) => string;

  constructor(private readonly opts: CliSessionOptions) {
    this.character = this.settings().character;
    this.decode = consoleDecoder(this.character);
    this.mode = opts.authenticatedUser !== undefined ? { kind: 'command' } : { kind: 'login-password' };
  }

  /** Print the first prompt: `Password: ` on serial, the greeting and `> ` after SSH authentication. */
  start(): void {
    if (this.mode.kind === 'command') this.loginSucceeded(this.opts.authenticatedUser);
    else this.emit(CRLF + LOGIN_PROMPTS.password);
  }

  /** Bytes typed by the user. */
  input(data: Uint8Array | string): void {
    const text = typeof data === 'string' ? data : this.decode(data);
    for (const ch of text) {
      if (this.mode.kind === 'closed') return;
      this.key(ch);
    }
  }

  /** Run one command without echo, prompt or paging (SSH `exec`), then end the session. */
  exec(commandLine: string): void {
    this.loggedIn = true;
    this.opts.device.log(CLI_LOG.loginSucceeded(this.opts.transport, this.who(this.opts.authenticatedUser)));
    const r = runCommand(commandLine, this.env());
    if (r.kind === 'error') this.emit(r.message + CRLF);
    else if (r.kind === 'output') this.emit(wrapLines(r.lines, this.settings().columns).map((l) => l + CRLF).join(''));
    this.end();
  }

  /** The transport went away (or the session quit): log the logout once. */
  end(): void {
    if (this.mode.kind === 'closed') return;
    this.mode = { kind: 'closed' };
    if (this.loggedIn) this.opts.device.log(CLI_LOG.logout(this.opts.transport));
    this.opts.close();
  }

  get isAdministrator(): boolean {
    return this.admin;
  }

  // ---- keys

  private key(ch: string): void {
    if (this.paging) return this.pagerKey(ch);
    if (this.escape) {
      // ANSI escape sequences (arrow keys): dropped up to their final letter
      if (/[A-Za-z~]/.test(ch)) this.escape = false;
      return;
    }
    const wasCr = this.lastWasCr;
    this.lastWasCr = ch === '\r';
    if (ch === '\n' && wasCr) return; // CRLF is one Enter
    if (ch === '\r' || ch === '\n') {
      const line = this.line;
      this.line = '';
      this.emit(CRLF);
      this.submit(line);
      return;
    }
    if (ch === '\x1b') {
      this.escape = true;
      return;
    }
    if (ch === '\b' || ch === '\x7f') {
      if (this.line === '') return;
      const chars = [...this.line];
      const last = chars.pop()!;
      this.line = chars.join('');
      if (this.echoing()) this.emit('\b \b'.repeat(charWidth(last)));
      return;
    }
    if (ch === '\x15') {
      // Ctrl-U: erase the line
      if (this.echoing()) for (const c of [...this.line].reverse()) this.emit('\b \b'.repeat(charWidth(c)));
      this.line = '';
      return;
    }
    if (ch < ' ') return; // other control characters do nothing
    this.line += ch;
    if (this.echoing()) this.emit(ch);
  }

  /** facts §3.1: passwords are not echoed. */
  private echoing(): boolean {
    const k = this.mode.kind;
    return k !== 'login-password' && k !== 'login-user-password' && k !== 'admin-password';
  }

  private submit(line: string): void {
    const { device, transport } = this.opts;
    switch (this.mode.kind) {
      case 'login-password':
        if (line === '' && device.hasUsers()) {
          this.mode = { kind: 'login-username' };
          this.emit(LOGIN_PROMPTS.username);
        } else if (device.checkLoginPassword(line)) this.loginSucceeded();
        // facts §3.1 "If nothing appears, press Enter once": an empty Enter asks again
        else if (line === '') this.emit(LOGIN_PROMPTS.password);
        else this.loginFailed();
        return;
      case 'login-username':
        this.mode = { kind: 'login-user-password', user: line.trim() };
        this.emit(LOGIN_PROMPTS.password);
        return;
      case 'login-user-password':
        if (device.checkUser(this.mode.user, line)) this.loginSucceeded(this.mode.user);
        else this.loginFailed(this.mode.user);
        return;
      case 'admin-password':
        this.mode = { kind: 'command' };
        if (device.checkAdministratorPassword(line)) {
          this.admin = true;
          device.log(CLI_LOG.administratorSucceeded(transport));
        } else {
          device.log(CLI_LOG.administratorFailed(transport));
          this.emit(routerErrorText('incorrectPassword', this.lang()) + CRLF);
        }
        this.prompt();
        return;
      case 'save-question': {
        const answer = line.trim();
        if ((SAVE_ANSWERS.yes as readonly string[]).includes(answer)) {
          const r = saveNow(this.env());
          this.leaveAdministrator();
          this.show(r.kind === 'output' ? r.lines : r.kind === 'error' ? [r.message] : []);
        } else if ((SAVE_ANSWERS.no as readonly string[]).includes(answer)) {
          this.leaveAdministrator();
          this.prompt();
        } else this.emit(SAVE_QUESTION[this.lang()]);
        return;
      }
      case 'command':
        this.command(line);
        return;
      case 'closed':
        return;
    }
  }

  private command(line: string): void {
    const words = line.trim().split(/\s+/).filter((w) => w !== '');
    const lang = this.lang();
    if (words[0] === 'administrator' && words.length === 1) {
      this.mode = { kind: 'admin-password' };
      this.emit(LOGIN_PROMPTS.password);
      return;
    }
    if (words[0] === 'quit' || words[0] === 'exit') {
      if (words.length > 2 || (words.length === 2 && words[1] !== 'save')) {
        this.emit(routerErrorText(words.length > 2 ? 'wrongNumberOfParameters' : 'illegalKeyword', lang) + CRLF);
        this.prompt();
        return;
      }
      if (!this.admin) return this.end();
      // facts §3.1: `quit save` / `exit save` save and leave; leaving with unsaved changes asks
      if (words[1] === 'save') {
        const r = saveNow(this.env());
        this.leaveAdministrator();
        return this.show(r.kind === 'output' ? r.lines : r.kind === 'error' ? [r.message] : []);
      }
      if (!this.opts.device.isSaved()) {
        this.mode = { kind: 'save-question' };
        this.emit(SAVE_QUESTION[lang]);
        return;
      }
      this.leaveAdministrator();
      this.prompt();
      return;
    }
    const r = runCommand(line, this.env());
    if (r.kind === 'error') this.show([r.message]);
    else if (r.kind === 'context') {
      this.context = r.context;
      this.show(r.lines);
    } else this.show(r.lines);
  }

  private leaveAdministrator(): void {
    this.admin = false;
    this.context = { tunnel: null };
    this.mode = { kind: 'command' };
  }

  private loginSucceeded(user?: string): void {
    this.loggedIn = true;
    this.mode = { kind: 'command' };
    this.opts.device.log(CLI_LOG.loginSucceeded(this.opts.transport, this.who(user)));
    const id = this.opts.device.identity();
    this.emit(greeting(id.model, id.firmware, id.buildDate).join(CRLF) + CRLF);
    this.prompt();
  }

  private loginFailed(user?: string): void {
    this.opts.device.log(CLI_LOG.loginFailed(this.opts.transport, this.who(user)));
    this.mode = { kind: 'login-password' };
    this.emit(routerErrorText('incorrectPassword', this.lang()) + CRLF + LOGIN_PROMPTS.password);
  }

  private who(user: string | undefined): string | undefined {
    const peer = this.opts.peer;
    if (user === undefined) return peer;
    return peer === undefined ? user : `${user}@${peer}`;
  }

  // ---- output

  private settings(): ConsoleSettings {
    const d = this.opts.device;
    return consoleSettings(d.configDocument(), d.identity().model);
  }

  private lang(): Language {
    return languageOf(this.settings().character);
  }

  private env(): CommandEnv {
    return {
      device: this.opts.device,
      admin: this.admin,
      context: this.context,
      lang: this.lang(),
      transport: this.opts.transport,
      utcOffsetMinutes: utcOffsetMinutes(this.opts.device.configDocument(), DEFAULT_UTC_OFFSET_MINUTES),
      revealSecrets: this.opts.revealSecrets ?? false,
    };
  }

  /** Command output: wrapped at `console columns`, paged at `console lines`, then the prompt. */
  private show(lines: readonly string[]): void {
    this.pending = wrapLines(lines, this.settings().columns);
    this.flush();
  }

  private flush(): void {
    const s = this.settings();
    // ASSUMPTION: a page is `console lines` minus one line for the pager prompt
    const page = s.lines === 'infinity' ? Infinity : Math.max(1, s.lines - 1);
    const now = this.pending.splice(0, page);
    if (now.length) this.emit(now.map((l) => l + CRLF).join(''));
    if (this.pending.length) {
      this.paging = true;
      this.emit(PAGER_PROMPT[languageOf(s.character)]);
      return;
    }
    this.paging = false;
    this.prompt();
  }

  private pagerKey(ch: string): void {
    const marker = PAGER_PROMPT[this.lang()];
    const width = [...marker].reduce((n, c) => n + charWidth(c), 0);
    // ASSUMPTION: the pager prompt is erased in place (CR, spaces, CR) before the next page
    this.emit('\r' + ' '.repeat(width) + '\r');
    if (PAGER_QUIT_KEYS.includes(ch)) this.pending = [];
    this.flush();
  }

  private prompt(): void {
    this.emit(promptText(this.settings().prompt, this.context.tunnel, this.admin));
  }

  private emit(text: string): void {
    const character = this.settings().character;
    if (character !== this.character) {
      // `console character` changed: input from now on is read in the new set too
      this.character = character;
      this.decode = consoleDecoder(character);
    }
    this.opts.write(encodeConsole(text, character));
  }
}

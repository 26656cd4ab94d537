// The RTX console as data, in the shape of unicon's plugins: states recognised by their prompt,
// paths between states (the command that moves and the dialogs that may interrupt it), and
// dialogs (a question and how to answer it). The session (session.ts) only walks these tables.
// Facts: yamaha-platform-facts.md §3.1 (login, administrator, save question), §3.2 (prompts).

export type CliState = 'user' | 'administrator' | 'tunnel';

/** The prompt as learned from the device after login, never assumed. */
export interface LearnedPrompt {
  /** the `console prompt` string before `>`/`#` (facts §3.2: default none, e.g. `[RTX1210] `) */
  prefix: string;
  /** what follows `>`/`#` on the prompt line (facts §3.2: `> ` and `# `) */
  suffix: string;
}

export interface PromptMatch {
  state: CliState;
  /** text between the prefix and `#` (e.g. the tunnel marker); '' in user and administrator mode */
  marker: string;
}

/**
 * Classify one prompt line. `>` is user mode, `#` administrator (facts §3.2). After
 * `tunnel select N` the CR says only that the prompt "becomes tunnel": the exact form is NOT
 * FOUND (facts §3.2), so any text between the prefix and `#` is a context marker, learned when
 * the device shows it; the state is `tunnel` when such a marker is present.
 */
export function classifyPrompt(line: string, prompt: LearnedPrompt): PromptMatch | null {
  if (!line.startsWith(prompt.prefix)) return null;
  const rest = line.slice(prompt.prefix.length).replace(/ +$/, '');
  if (rest === '>') return { state: 'user', marker: '' };
  if (rest === '#') return { state: 'administrator', marker: '' };
  if (rest.endsWith('#') && !/[\s>]/.test(rest.slice(0, -1).trim()) && rest.length <= 32) {
    return { state: 'tunnel', marker: rest.slice(0, -1) };
  }
  return null;
}

/**
 * A prompt line seen before the prefix is known: the unfinished last line ends in `>` or `#`
 * (and optional spaces). facts §3.2: `> `, `# `, `YAMAHA-SUDOU# `, `[RTX1210] >`.
 */
export const FIRST_PROMPT = /^(?<prefix>[^\n]{0,80}?)(?<mark>[>#])(?<suffix> *)$/;

export function learnPrompt(line: string): { prompt: LearnedPrompt; state: CliState } | null {
  const m = FIRST_PROMPT.exec(line);
  if (!m?.groups) return null;
  const prompt = { prefix: m.groups.prefix, suffix: m.groups.suffix };
  return { prompt, state: m.groups.mark === '>' ? 'user' : 'administrator' };
}

/**
 * Named answers: the session fills them from its credentials and options. Credentials are sent
 * masked in the transcript and never appear in an error (SECRET_ANSWERS).
 */
export type AnswerName = 'loginPassword' | 'username' | 'userPassword' | 'adminPassword' | 'saveAnswer';

export const SECRET_ANSWERS: ReadonlySet<AnswerName> = new Set(['loginPassword', 'userPassword', 'adminPassword']);

/** The named errors a dialog row may end a walk with (errors.ts). */
export type DialogErrorName = 'CliLoginError' | 'CliError';

export interface DialogFailure {
  error: DialogErrorName;
  /** the message; never contains a secret (rows are data written by us, not device text) */
  message: string;
}

/** What a dialog row does when its pattern shows on the unfinished last line (unicon's Statement action). */
export type DialogAction =
  /** send a named answer and Enter; an answer that is not set is an empty line, or the named failure */
  | { kind: 'answer'; answer: AnswerName; ifMissing?: DialogFailure }
  /** send fixed text (and Enter when `enter`) */
  | { kind: 'text'; text: string; enter: boolean }
  /** send nothing and keep waiting (an informational line that looks like a question) */
  | { kind: 'continue' }
  /**
   * stop with the named error. With `escape`, that text is sent first to give the question up
   * and the error comes once the prompt is back, so the session stays in step with the device.
   */
  | { kind: 'fail'; failure: DialogFailure; escape?: string };

export interface DialogRow {
  name: string;
  /** matched against the unfinished last line */
  pattern: RegExp;
  action: DialogAction;
  /** only while the walk's facts hold (e.g. a user name is configured, a row was answered) */
  when?: (walk: WalkFacts) => boolean;
  /** answered at most `times` times in one walk; the next time ends the walk with `failure` */
  limit?: { times: number; failure: DialogFailure };
  /** the question line is removed from the command's output once answered */
  hideLine: boolean;
  source: string;
}

/** What a row's `when` may ask about the walk so far. */
export interface WalkFacts {
  /** a named answer is set */
  has(answer: AnswerName): boolean;
  /** how many times the row of that name was answered in this walk */
  count(rowName: string): number;
}

const GIVE_UP_WITH_ENTER = '\r';
const PASSWORD_QUESTION = /Password: *$/;

/**
 * Paging: `console lines` defaults to 24 (facts §3.3) but the pager's prompt text is not in the digest.
 * ASSUMPTION: the pager shows `--- more ---`/`---つづく---` style text on an unfinished line and a
 * space continues (not documented; a hardware run confirms or refutes). Labs may instead set
 * `console lines infinity` in their setup commands.
 */
export const PAGER_ASSUMPTION = {
  pattern: /-+ *(?:more|つづく|続く)[^\n]*-+ *$/i,
  answer: ' ',
} as const;

/** Dialogs of commands, by name: a path or a command names the ones it may raise. */
export const DIALOGS = {
  // facts §3.1: `administrator`, then `Password: `, password not echoed
  adminPassword: { name: 'administrator password', pattern: PASSWORD_QUESTION, action: { kind: 'answer', answer: 'adminPassword' }, hideLine: true, source: 'facts §3.1' },
  // facts §3.1 (inferred text): EN `Save new configuration ? (Y/N)`, JA `新しい設定を保存しますか? (Y/N)`.
  // ASSUMPTION: the (Y/N) question takes the letter and Enter (not documented; a hardware run confirms or refutes)
  saveQuestion: { name: 'save question', pattern: /\(Y\/N\) *:? *$/, action: { kind: 'answer', answer: 'saveAnswer' }, hideLine: true, source: 'facts §3.1' },
  // facts §3.1 (inferred): `administrator password` asks Old_Password/New_Password — the driver
  // never types passwords it was not given: Enter gives the question up, then the walk fails
  unexpectedPassword: {
    name: 'unexpected password question',
    pattern: /(?:Old_|New_)?Password: *$/,
    action: { kind: 'fail', failure: { error: 'CliLoginError', message: 'asked an unexpected password question the driver cannot answer' }, escape: GIVE_UP_WITH_ENTER },
    hideLine: true,
    source: 'facts §3.1',
  },
  pager: { name: 'pager', pattern: PAGER_ASSUMPTION.pattern, action: { kind: 'text', text: PAGER_ASSUMPTION.answer, enter: false }, hideLine: false, source: 'PAGER_ASSUMPTION (facts §3.3)' },
} as const satisfies Record<string, DialogRow>;

export type DialogName = keyof typeof DIALOGS;

/** Dialogs any command may raise, checked after the command's own (the pager first). */
export const COMMAND_DIALOGS: readonly string[] = ['pager', 'saveQuestion', 'unexpectedPassword'];

/** The login walk (facts §3.1), first matching row wins. */
export const LOGIN_DIALOGS: readonly DialogRow[] = [
  {
    name: 'login user name',
    pattern: /Username: *$/,
    action: { kind: 'answer', answer: 'username', ifMissing: { error: 'CliLoginError', message: 'the device asks for a user name but none was configured' } },
    hideLine: true,
    source: 'facts §3.1',
  },
  // facts §3.1: for a named user, Enter at `Password:` with nothing typed, then `Username: `
  { name: 'named user Enter', pattern: PASSWORD_QUESTION, when: (w) => w.has('username') && w.count('login user name') === 0, action: { kind: 'text', text: '', enter: true }, hideLine: true, source: 'facts §3.1' },
  // facts §3.1: after `Username: `, the user's password (asked once more after a refusal)
  {
    name: 'login user password',
    pattern: PASSWORD_QUESTION,
    when: (w) => w.count('login user name') > 0,
    action: { kind: 'answer', answer: 'userPassword' },
    limit: { times: 2, failure: { error: 'CliLoginError', message: 'user password refused (asked again)' } },
    hideLine: true,
    source: 'facts §3.1',
  },
  // facts §3.1: serial/Telnet/vRX console show `Password: ` for the login password
  {
    name: 'login password',
    pattern: PASSWORD_QUESTION,
    action: { kind: 'answer', answer: 'loginPassword' },
    limit: { times: 1, failure: { error: 'CliLoginError', message: 'login password refused (asked again)' } },
    hideLine: true,
    source: 'facts §3.1',
  },
];

/** Lines before the login question that say the login was refused (facts §3.1, inferred texts). */
export const LOGIN_REFUSED = /Incorrect password|パスワードが間違っています/;

/** A path from one state to a neighbour: the command to type and the dialogs it may raise. */
export interface PathSpec {
  from: CliState;
  to: CliState;
  command: (ctx: { tunnel?: number }) => string;
  dialogs: readonly string[];
  /**
   * How arrival is known: `prompt` when the prompt must show the `to` state; `noError` when the
   * prompt form is not documented (facts §3.2: the tunnel prompt is NOT FOUND) and a command
   * without an error line counts.
   */
  arrival: 'prompt' | 'noError';
  /** the error when the path did not arrive */
  failure: DialogFailure;
  source: string;
}

export const PATHS: readonly PathSpec[] = [
  {
    from: 'user',
    to: 'administrator',
    command: () => 'administrator',
    dialogs: ['adminPassword'],
    arrival: 'prompt',
    failure: { error: 'CliLoginError', message: 'administrator mode refused' },
    source: 'facts §3.1',
  },
  // facts §3.1: `quit` leaves admin mode; with unsaved changes the save question comes first
  { from: 'administrator', to: 'user', command: () => 'quit', dialogs: ['saveQuestion'], arrival: 'prompt', failure: { error: 'CliError', message: 'quit did not leave administrator mode' }, source: 'facts §3.1' },
  {
    from: 'administrator',
    to: 'tunnel',
    command: (c) => `tunnel select ${c.tunnel ?? 1}`,
    dialogs: [],
    arrival: 'noError',
    failure: { error: 'CliError', message: 'tunnel select refused' },
    source: 'CR §14 (facts §1.2, §3.2)',
  },
  { from: 'tunnel', to: 'administrator', command: () => 'tunnel select none', dialogs: [], arrival: 'noError', failure: { error: 'CliError', message: 'tunnel select none refused' }, source: 'CR §14 (facts §1.2)' },
  { from: 'tunnel', to: 'user', command: () => 'quit', dialogs: ['saveQuestion'], arrival: 'prompt', failure: { error: 'CliError', message: 'quit did not leave administrator mode' }, source: 'facts §3.1' },
];

/** facts §3.1: at the `>` prompt, `quit` ends the session (not a state: the transport closes). */
export const LOGOUT_COMMAND = 'quit';

/** The paths to walk from one state to another (breadth first over the path rows). */
export function route(from: CliState, to: CliState, paths: readonly PathSpec[] = PATHS): PathSpec[] {
  const queue: { state: CliState; path: PathSpec[] }[] = [{ state: from, path: [] }];
  const seen = new Set<CliState>([from]);
  while (queue.length > 0) {
    const { state, path } = queue.shift()!;
    if (state === to) return path;
    for (const p of paths.filter((x) => x.from === state && !seen.has(x.to))) {
      seen.add(p.to);
      queue.push({ state: p.to, path: [...path, p] });
    }
  }
  throw new Error(`no path from ${from} to ${to}`);
}

/** Error lines (facts §3.1, inferred format): EN `Error: <msg>`, JA `エラー：<msg>`. */
export const ERROR_LINE = /^\s*(?:Error:|エラー：|エラー:)\s*(.*)$/;

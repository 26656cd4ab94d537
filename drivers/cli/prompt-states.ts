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

/** Answers the session can give; secret answers are never written to a transcript. */
export type AnswerSource = 'loginPassword' | 'username' | 'userPassword' | 'emptyLine' | 'adminPassword' | 'saveAnswer' | 'pagerContinue' | 'none';

export interface DialogSpec {
  name: string;
  /** matched against the unfinished last line */
  pattern: RegExp;
  answer: AnswerSource;
  secret: boolean;
  source: string;
}

export const DIALOGS = {
  // facts §3.1: serial/Telnet/vRX console show `Password: ` for the login password
  loginPassword: { name: 'login password', pattern: /Password: *$/, answer: 'loginPassword', secret: true, source: 'facts §3.1' },
  // facts §3.1: for a named user, Enter at `Password:`, then `Username: `, then the user's password
  loginUsername: { name: 'login user name', pattern: /Username: *$/, answer: 'username', secret: false, source: 'facts §3.1' },
  userPassword: { name: 'login user password', pattern: /Password: *$/, answer: 'userPassword', secret: true, source: 'facts §3.1' },
  // facts §3.1: `administrator`, then `Password: `, password not echoed
  adminPassword: { name: 'administrator password', pattern: /Password: *$/, answer: 'adminPassword', secret: true, source: 'facts §3.1' },
  // facts §3.1 (inferred text): EN `Save new configuration ? (Y/N)`, JA `新しい設定を保存しますか? (Y/N)`
  saveQuestion: { name: 'save question', pattern: /\(Y\/N\) *:? *$/, answer: 'saveAnswer', secret: false, source: 'facts §3.1' },
  // facts §3.1 (inferred): `administrator password` asks Old_Password/New_Password — the driver
  // never types passwords it was not given, so any other password question is an error
  unexpectedPassword: { name: 'unexpected password question', pattern: /(?:Old_|New_)?Password: *$/, answer: 'none', secret: true, source: 'facts §3.1' },
} as const satisfies Record<string, DialogSpec>;

export type DialogName = keyof typeof DIALOGS;

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

/** A path from one state to a neighbour: the command to type and the dialogs it may raise. */
export interface PathSpec {
  from: CliState;
  to: CliState;
  command: (ctx: { tunnel?: number }) => string;
  dialogs: readonly DialogName[];
  source: string;
}

export const PATHS: readonly PathSpec[] = [
  { from: 'user', to: 'administrator', command: () => 'administrator', dialogs: ['adminPassword'], source: 'facts §3.1' },
  // facts §3.1: `quit` leaves admin mode; with unsaved changes the save question comes first
  { from: 'administrator', to: 'user', command: () => 'quit', dialogs: ['saveQuestion'], source: 'facts §3.1' },
  { from: 'administrator', to: 'tunnel', command: (c) => `tunnel select ${c.tunnel ?? 1}`, dialogs: [], source: 'CR §14 (facts §1.2, §3.2)' },
  { from: 'tunnel', to: 'administrator', command: () => 'tunnel select none', dialogs: [], source: 'CR §14 (facts §1.2)' },
  { from: 'tunnel', to: 'user', command: () => 'quit', dialogs: ['saveQuestion'], source: 'facts §3.1' },
];

/** The paths to walk from one state to another (breadth first over PATHS). */
export function route(from: CliState, to: CliState): PathSpec[] {
  const queue: { state: CliState; path: PathSpec[] }[] = [{ state: from, path: [] }];
  const seen = new Set<CliState>([from]);
  while (queue.length > 0) {
    const { state, path } = queue.shift()!;
    if (state === to) return path;
    for (const p of PATHS.filter((x) => x.from === state && !seen.has(x.to))) {
      seen.add(p.to);
      queue.push({ state: p.to, path: [...path, p] });
    }
  }
  throw new Error(`no path from ${from} to ${to}`);
}

/** Error lines (facts §3.1, inferred format): EN `Error: <msg>`, JA `エラー：<msg>`. */
export const ERROR_LINE = /^\s*(?:Error:|エラー：|エラー:)\s*(.*)$/;

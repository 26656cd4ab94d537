// The words and defaults of the RTX console, once: prompts, login and save questions, the pager,
// log lines the CLI writes, console defaults per model. Each row cites the digest
// (yamaha-platform-facts.md §3) or is a named ASSUMPTION.

import type { Language } from '../../config/index.ts';

export type ConsoleCharacter = 'en.ascii' | 'ja.sjis' | 'ja.euc' | 'ja.utf8';

// facts §3.3 (CR §4.21): older names `ascii`/`sjis`/`euc` are the same sets.
export const CONSOLE_CHARACTER_ALIASES: Readonly<Record<string, ConsoleCharacter>> = {
  ascii: 'en.ascii',
  sjis: 'ja.sjis',
  euc: 'ja.euc',
};

// facts §3.3: `console character` default ja.sjis, ja.utf8 on vRX; columns default 80; lines default 24.
export const CONSOLE_DEFAULTS = {
  character: 'ja.sjis' as ConsoleCharacter,
  characterByModel: { 'vRX VMware ESXi版': 'ja.utf8' } as Readonly<Record<string, ConsoleCharacter>>,
  columns: 80,
  lines: 24 as number | 'infinity',
  /** facts §3.2 (CR §4.20): no prompt prefix by default */
  prompt: '',
};

/** facts §3.3: `en.ascii` switches output to English; every ja.* set is Japanese. */
export function languageOf(character: ConsoleCharacter): Language {
  return character === 'en.ascii' ? 'en' : 'ja';
}

/** The marks after the prompt prefix: facts §3.2 `>` ordinary user, `#` administrator, then a space. */
export const PROMPT_MARK = { user: '> ', admin: '# ' } as const;

/**
 * The prompt. facts §3.2: the `console prompt` string comes first with no space before the mark
 * (`YAMAHA-SUDOU# `).
 * ASSUMPTION: after `tunnel select N` the prompt is the prefix, then `tunnelN`, then the mark
 * (`tunnel1# `). The digest marks this form inferred and the exact text NOT FOUND; [RTSIM]
 * session.go builds it the same way (a hardware run confirms or refutes).
 */
export function promptText(prefix: string, tunnel: number | null, admin: boolean): string {
  return `${prefix}${tunnel === null ? '' : `tunnel${tunnel}`}${admin ? PROMPT_MARK.admin : PROMPT_MARK.user}`;
}

// facts §3.1: serial/telnet ask `Password: `; a named user presses Enter there and gets `Username: `.
export const LOGIN_PROMPTS = { password: 'Password: ', username: 'Username: ' } as const;

// facts §3.1: the save question when leaving administrator mode with unsaved changes (inferred, [RTSIM]).
export const SAVE_QUESTION: Record<Language, string> = {
  en: 'Save new configuration ? (Y/N)',
  ja: '新しい設定を保存しますか? (Y/N)',
};

// [RTSIM] simulator/messages.go (not in the digest; equally inferred): printed before the save question.
export const UNSAVED_CHANGES: Record<Language, string> = {
  en: 'Unsaved changes in volatile memory',
  ja: '不揮発性メモリに保存されていない設定変更があります',
};

// ASSUMPTION: the pager's prompt when output is longer than `console lines` (not in the digest;
// a hardware run confirms or refutes). Any key shows the next page, `q` stops.
export const PAGER_PROMPT: Record<Language, string> = { en: '--More--', ja: '---つづく---' };
export const PAGER_QUIT_KEYS: readonly string[] = ['q', 'Q'];

// ASSUMPTION: the answers the save question takes (the digest gives only `(Y/N)`); any other
// answer asks again.
export const SAVE_ANSWERS = { yes: ['Y', 'y'], no: ['N', 'n'] } as const;

// The CLI's log lines and the save answer live with the config oracle (the suites predict them).
export { CLI_LOG, SAVE_DONE } from '../../config/cli-log-facts.ts';

// ASSUMPTION: how the router shows wall-clock times (`show log`, `show environment`): in the
// `timezone` of the config, default +09:00 (JST) — the digest's samples are JST but the default is
// not documented (a hardware run confirms or refutes).
export const DEFAULT_UTC_OFFSET_MINUTES = 9 * 60;

// ASSUMPTION: the greeting an SSH/serial session gets after login: the model and revision line
// of the boot banner (facts §3.1 [BLOG-1500], [RTSIM]); the copyright and memory lines are left out.
export function greeting(model: string, firmware: string, buildDate: string): string[] {
  return ['', `${model} Rev.${firmware} (${buildDate})`, ''];
}

// ASSUMPTION: ordinary (non-administrator) users may run these configuration commands; the CR
// says so for `console character`, `console lines` (facts §3.3) and `tunnel select` (facts §1.2).
// Everything else that changes the config is `Administrator use only`.
export const USER_CONFIG_COMMANDS: readonly string[] = ['console character', 'console lines', 'tunnel select'];

// The console settings in effect: the last `console ...` lines of the running config (they show
// in `show config` at once, facts §3.3), with the documented defaults.

import { commands, param, type ConfigDocument } from '../../config/index.ts';
import { CONSOLE_CHARACTER_ALIASES, CONSOLE_DEFAULTS, type ConsoleCharacter } from './console-facts.ts';

export interface ConsoleSettings {
  character: ConsoleCharacter;
  columns: number;
  lines: number | 'infinity';
  prompt: string;
}

export function consoleSettings(doc: ConfigDocument, model: string): ConsoleSettings {
  const s: ConsoleSettings = {
    character: CONSOLE_DEFAULTS.characterByModel[model] ?? CONSOLE_DEFAULTS.character,
    columns: CONSOLE_DEFAULTS.columns,
    lines: CONSOLE_DEFAULTS.lines,
    prompt: CONSOLE_DEFAULTS.prompt,
  };
  for (const { command } of commands(doc)) {
    const v = (name: string) => (command.negated ? undefined : param(command, name));
    switch (command.id) {
      case 'console character': {
        const c = v('charset');
        s.character = c === undefined ? (CONSOLE_DEFAULTS.characterByModel[model] ?? CONSOLE_DEFAULTS.character) : (CONSOLE_CHARACTER_ALIASES[String(c)] ?? (String(c) as ConsoleCharacter));
        break;
      }
      case 'console columns':
        s.columns = Number(v('columns') ?? CONSOLE_DEFAULTS.columns);
        break;
      case 'console lines': {
        const l = v('lines');
        s.lines = l === undefined ? CONSOLE_DEFAULTS.lines : l === 'infinity' ? 'infinity' : Number(l);
        break;
      }
      case 'console prompt':
        s.prompt = String(v('prompt') ?? CONSOLE_DEFAULTS.prompt);
        break;
    }
  }
  return s;
}

/** `timezone +09:00` / `timezone jst` / `timezone utc` in the config, else the assumed default. */
export function utcOffsetMinutes(doc: ConfigDocument, fallback: number): number {
  let offset = fallback;
  for (const line of doc.lines) {
    const m = /^timezone\s+(?:(jst)|(utc)|([+-])(\d{1,2}):(\d{2}))\s*$/.exec(line.text);
    if (!m) continue;
    offset = m[1] ? 540 : m[2] ? 0 : (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  }
  return offset;
}

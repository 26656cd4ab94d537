// What one command line runs with and what it gives back, shared by the operational command
// rows (operations.ts, show-operations.ts, admin-operations.ts) and the config path (commands.ts).

import { routerErrorText, type CliContext, type Language, type RouterErrorKind } from '../../config/index.ts';
import type { CliTransport, RouterDevice } from '../device.ts';

export interface CommandEnv {
  device: RouterDevice;
  admin: boolean;
  context: CliContext;
  lang: Language;
  transport: CliTransport;
  utcOffsetMinutes: number;
  /** show secrets in `show config` (off by default: the project never prints a secret) */
  revealSecrets: boolean;
}

export type CommandResult =
  | { kind: 'output'; lines: string[] }
  | { kind: 'error'; message: string }
  | { kind: 'context'; context: CliContext; lines: string[] };

export const out = (lines: string[] = []): CommandResult => ({ kind: 'output', lines });

export function error(kind: RouterErrorKind, lang: Language): CommandResult {
  return { kind: 'error', message: routerErrorText(kind, lang) };
}

/** A positive decimal integer token, or undefined. */
export function number(word: string | undefined): number | undefined {
  return word !== undefined && /^\d+$/.test(word) ? Number(word) : undefined;
}

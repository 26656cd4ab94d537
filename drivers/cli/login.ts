// Login and prompt learning, walking the login dialogs of prompt-states.ts: answer
// `Password:` / `Username:` until a prompt shows, then learn the prompt by pressing Enter and
// seeing the same line again (so a `>` at the end of a banner line is not taken for it).

import { CliLoginError } from './errors.ts';
import type { DeviceReader } from './device-reader.ts';
import { DialogWalk, NEWLINE } from './dialog-walk.ts';
import { ERROR_LINE, LOGIN_DIALOGS, LOGIN_REFUSED, learnPrompt, type CliState, type DialogRow, type LearnedPrompt } from './prompt-states.ts';
import { physicalLines } from './text.ts';

export interface LoginCredentials {
  /** a named user (`login user`): Enter at `Password:`, then `Username:` (facts §3.1) */
  username?: string;
  /** the login password (`login password`), or the named user's password */
  password?: string;
}

export interface LoginIo {
  reader: DeviceReader;
  /** write text as it is (Enter included); secret text is masked in the transcript */
  write: (text: string, secret: boolean) => void;
  timeoutMs: number;
  settleMs: number;
  /** how long to wait for a first prompt before pressing Enter once (facts §3.1: "if nothing appears, press Enter once") */
  nudgeMs: number;
  /** the login rows to walk (prompt-states.ts LOGIN_DIALOGS, with a model's overrides) */
  dialogs?: readonly DialogRow[];
}

type Seen = { kind: 'dialog'; row: DialogRow } | { kind: 'prompt'; line: string } | { kind: 'refused'; line: string };

function lastLine(raw: string): string {
  const lines = physicalLines(raw);
  return lines[lines.length - 1];
}

function seeLogin(raw: string, walk: DialogWalk): Seen | undefined {
  const lines = physicalLines(raw);
  const last = lines[lines.length - 1];
  const refused = lines.slice(0, -1).find((l) => ERROR_LINE.test(l) || LOGIN_REFUSED.test(l));
  if (refused) return { kind: 'refused', line: refused };
  const row = walk.find(last);
  if (row) return { kind: 'dialog', row };
  if (learnPrompt(last)) return { kind: 'prompt', line: last };
  return undefined;
}

/** Walk the login rows until a prompt shows; each row's action is the only answer given. */
export async function login(io: LoginIo, creds: LoginCredentials): Promise<{ prompt: LearnedPrompt; state: CliState }> {
  const deadline = Date.now() + io.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  const walk = new DialogWalk(io.dialogs ?? LOGIN_DIALOGS, { username: creds.username, loginPassword: creds.password, userPassword: creds.password });
  let nudged = false;
  for (let step = 0; step < 10; step++) {
    let seen: Seen;
    try {
      seen = await io.reader.wait({
        waitingFor: 'a login question or prompt',
        timeoutName: nudged ? 'loginMs' : 'loginNudgeMs',
        timeoutMs: nudged ? remaining() : Math.min(io.nudgeMs, remaining()),
        settleMs: io.settleMs,
        check: (raw) => seeLogin(raw, walk),
      });
    } catch (err) {
      if (nudged || !(err instanceof Error && err.name === 'CliTimeoutError')) throw err;
      nudged = true;
      io.write(NEWLINE, false);
      continue;
    }
    if (seen.kind === 'refused') throw new CliLoginError(`login refused: ${seen.line.trim()}`);
    io.reader.consume();
    if (seen.kind === 'prompt') return confirmPrompt(io, seen.line, remaining);
    const act = walk.step(seen.row);
    if (act.kind === 'fail') {
      if (act.escape !== undefined) io.write(act.escape, false);
      throw act.error;
    }
    if (act.kind === 'send') io.write(act.text, act.secret);
  }
  throw new CliLoginError('login did not reach a prompt after 10 questions');
}

async function confirmPrompt(io: LoginIo, candidate: string, remaining: () => number): Promise<{ prompt: LearnedPrompt; state: CliState }> {
  io.write(NEWLINE, false);
  const line = await io.reader.wait({
    waitingFor: `the prompt ${JSON.stringify(candidate)} again after Enter`,
    timeoutName: 'loginMs',
    timeoutMs: remaining(),
    settleMs: io.settleMs,
    check: (raw) => {
      const last = lastLine(raw);
      return last === candidate ? last : undefined;
    },
  });
  io.reader.consume();
  return learnPrompt(line)!;
}

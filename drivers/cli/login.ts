// Login and prompt learning, walking the login dialogs of prompt-states.ts: answer
// `Password:` / `Username:` until a prompt shows, then learn the prompt by pressing Enter and
// seeing the same line again (so a `>` at the end of a banner line is not taken for it).

import { CliLoginError } from './errors.ts';
import type { DeviceReader } from './device-reader.ts';
import { DIALOGS, learnPrompt, type CliState, type DialogSpec, type LearnedPrompt } from './prompt-states.ts';
import { physicalLines } from './text.ts';
import { ERROR_LINE } from './prompt-states.ts';

export interface LoginCredentials {
  /** a named user (`login user`): Enter at `Password:`, then `Username:` (facts §3.1) */
  username?: string;
  /** the login password (`login password`), or the named user's password */
  password?: string;
}

export interface LoginIo {
  reader: DeviceReader;
  /** write a line (the session appends the newline); secret lines are masked in the transcript */
  send: (line: string, secret: boolean) => void;
  timeoutMs: number;
  settleMs: number;
  /** how long to wait for a first prompt before pressing Enter once (facts §3.1: "if nothing appears, press Enter once") */
  nudgeMs: number;
}

type Seen = { kind: 'dialog'; dialog: DialogSpec } | { kind: 'prompt'; line: string } | { kind: 'refused'; line: string };

function lastLine(raw: string): string {
  const lines = physicalLines(raw);
  return lines[lines.length - 1];
}

function seeLogin(raw: string): Seen | undefined {
  const lines = physicalLines(raw);
  const last = lines[lines.length - 1];
  const refused = lines.slice(0, -1).find((l) => ERROR_LINE.test(l) || /Incorrect password|パスワードが間違っています/.test(l));
  if (refused) return { kind: 'refused', line: refused };
  if (DIALOGS.loginUsername.pattern.test(last)) return { kind: 'dialog', dialog: DIALOGS.loginUsername };
  if (DIALOGS.loginPassword.pattern.test(last)) return { kind: 'dialog', dialog: DIALOGS.loginPassword };
  if (learnPrompt(last)) return { kind: 'prompt', line: last };
  return undefined;
}

export async function login(io: LoginIo, creds: LoginCredentials): Promise<{ prompt: LearnedPrompt; state: CliState }> {
  const deadline = Date.now() + io.timeoutMs;
  const remaining = () => Math.max(1, deadline - Date.now());
  let usernameSent = false;
  let passwordsSent = 0;
  let nudged = false;
  for (let step = 0; step < 10; step++) {
    let seen: Seen;
    try {
      seen = await io.reader.wait({
        waitingFor: 'a login question or prompt',
        timeoutName: nudged ? 'loginMs' : 'loginNudgeMs',
        timeoutMs: nudged ? remaining() : Math.min(io.nudgeMs, remaining()),
        settleMs: io.settleMs,
        check: seeLogin,
      });
    } catch (err) {
      if (nudged || !(err instanceof Error && err.name === 'CliTimeoutError')) throw err;
      nudged = true;
      io.send('', false);
      continue;
    }
    if (seen.kind === 'refused') throw new CliLoginError(`login refused: ${seen.line.trim()}`);
    io.reader.consume();
    if (seen.kind === 'dialog' && seen.dialog === DIALOGS.loginUsername) {
      if (creds.username === undefined) throw new CliLoginError('the device asks for a user name but none was configured');
      usernameSent = true;
      io.send(creds.username, false);
      continue;
    }
    if (seen.kind === 'dialog') {
      if (creds.username !== undefined && !usernameSent) {
        // facts §3.1: an empty line at `Password:` leads to `Username:`
        io.send('', false);
        continue;
      }
      if (passwordsSent > 0 && !usernameSent) throw new CliLoginError('login password refused (asked again)');
      if (passwordsSent > 1) throw new CliLoginError('user password refused (asked again)');
      passwordsSent++;
      io.send(creds.password ?? '', true);
      continue;
    }
    return confirmPrompt(io, seen.line, remaining);
  }
  throw new CliLoginError('login did not reach a prompt after 10 questions');
}

async function confirmPrompt(io: LoginIo, candidate: string, remaining: () => number): Promise<{ prompt: LearnedPrompt; state: CliState }> {
  io.send('', false);
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

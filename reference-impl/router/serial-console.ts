// The RTX CLI on a serial console: a real pty pair made by socat, one end for the router, one
// for the user (a terminal program, the harness's serial driver). facts §3.1: the console asks
// `Password: `, a named user presses Enter and gets `Username: `; serial settings are 9600 8N1
// Xon/Xoff (a pty ignores the line speed). When a session quits, a new login starts, as on a
// real console port.

import { spawn, type ChildProcess } from 'node:child_process';
import { constants, existsSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReadStream, WriteStream } from 'node:tty';
import type { RouterDevice } from './device.ts';
import { CliSession } from './cli/session.ts';

export interface SerialConsoleOptions {
  device: RouterDevice;
  /** where the user's end of the pty pair is linked; default: a new temporary directory */
  userPath?: string;
  /** where the router's end is linked */
  routerPath?: string;
  /** bound on socat's start-up, default 5000 ms */
  startTimeoutMs?: number;
  revealSecrets?: boolean;
}

export interface RunningSerialConsole {
  /** open this path (e.g. with a terminal program) to use the console */
  userPath: string;
  routerPath: string;
  close(): Promise<void>;
}

export class SerialConsoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SerialConsoleError';
  }
}

/** socat prints this (with -d -d) once both ptys exist and it relays. */
const SOCAT_READY = /starting data transfer loop/;

/**
 * socat ends with the router even when the router is SIGKILLed (a killed test, lab down's last
 * resort): it is started through util-linux `setpriv --pdeathsig TERM` where that exists (Debian:
 * always), so the kernel signals it when its parent dies; otherwise a killed router leaves its
 * pty pair behind.
 */
const WITH_PARENT = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'TERM', '--'] : [];

function startSocat(routerPath: string, userPath: string, timeoutMs: number): Promise<ChildProcess> {
  const argv = [...WITH_PARENT, 'socat', '-d', '-d', `pty,raw,echo=0,link=${routerPath}`, `pty,raw,echo=0,link=${userPath}`];
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(new SerialConsoleError(`socat pty pair: ${why}${log ? `\n${log.trim()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`not ready within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (err) => fail(err.message));
    child.once('exit', (code) => fail(`exited with code ${code}`));
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (SOCAT_READY.test(log)) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.removeAllListeners('error');
        child.stderr!.removeAllListeners('data');
        child.stderr!.resume();
        resolve(child);
      }
    });
  });
}

export async function startSerialConsole(opts: SerialConsoleOptions): Promise<RunningSerialConsole> {
  const dir = opts.userPath && opts.routerPath ? undefined : mkdtempSync(join(tmpdir(), 'rtx-console-'));
  const routerPath = opts.routerPath ?? join(dir!, 'router');
  const userPath = opts.userPath ?? join(dir!, 'console');
  const socat = await startSocat(routerPath, userPath, opts.startTimeoutMs ?? 5000);
  if (!existsSync(routerPath)) {
    socat.kill('SIGTERM');
    throw new SerialConsoleError(`socat did not create ${routerPath}`);
  }
  // one descriptor per stream: each stream closes its own
  const input = new ReadStream(openSync(routerPath, constants.O_RDWR | constants.O_NOCTTY));
  const output = new WriteStream(openSync(routerPath, constants.O_RDWR | constants.O_NOCTTY));
  let closed = false;
  let session: CliSession;

  const newSession = () => {
    session = new CliSession({
      device: opts.device,
      transport: 'Serial',
      revealSecrets: opts.revealSecrets,
      write: (bytes) => {
        if (!closed) output.write(Buffer.from(bytes));
      },
      // the console port stays: a new login begins
      close: () => {
        if (!closed) queueMicrotask(newSession);
      },
    });
    session.start();
  };
  input.on('data', (data: Buffer) => session.input(new Uint8Array(data)));
  input.on('error', () => undefined); // EIO when socat goes away at close
  output.on('error', () => undefined);
  newSession();

  return {
    userPath,
    routerPath,
    close: async () => {
      if (closed) return;
      closed = true;
      session.end();
      input.destroy();
      output.destroy();
      if (socat.exitCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            socat.kill('SIGKILL');
          }, 2000);
          socat.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          socat.kill('SIGTERM');
        });
      }
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

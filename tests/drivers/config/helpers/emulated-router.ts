// Starts an emulated router as its own process (drivers never import reference-impl/router/):
// the `router` subcommand through tests/drivers/cli/helpers/run-router.ts, waiting (bounded) for
// its one `{"ready":...}` line. Stopped by its pid.

import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliSession } from '../../../../drivers/cli/session.ts';
import { SshTransport } from '../../../../drivers/cli/transports/ssh.ts';
import { Redactor } from '../../../../drivers/transcript/redactor.ts';
import type { TranscriptRecorder } from '../../../../drivers/transcript/transcript.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const RUN_TS = join(ROOT, 'bin', 'run-ts.mjs');
const RUN_ROUTER = join(ROOT, 'tests', 'drivers', 'cli', 'helpers', 'run-router.ts');

export interface EmulatedRouter {
  host: string;
  port: number;
  /** the UDP port of its L2TP socket (on 127.0.0.1) */
  l2tpPort: number;
  dir: string;
  /** the router's stdout+stderr so far (for failure messages and leak checks) */
  output(): string;
  stop(): void;
}

export interface RouterLogin {
  user: string;
  password: string;
  adminPassword: string;
}

/** A UDP port free on loopback now (the router's L2TP socket must not take 1701 from other tests). */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startEmulatedRouter(config: string, name = 'drivers-config'): Promise<EmulatedRouter> {
  const l2tpPort = await freeUdpPort();
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  writeFileSync(join(dir, 'rt.conf'), config);
  const argv = ['--model', 'RTX1210', '--firmware', '14.01.26', '--config', join(dir, 'rt.conf'), '--ssh', '127.0.0.1:0', '--wan', '127.0.0.1', '--l2tp-port', String(l2tpPort)];
  const child: ChildProcess = spawn(process.execPath, [RUN_TS, RUN_ROUTER, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const ready = await new Promise<{ ssh: { host: string; port: number } }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`router not ready after 20 s; output: ${out.slice(-500)}`)), 20_000);
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { ready: { ssh: { host: string; port: number } } }).ready);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`router exited (${code}); output: ${out.slice(-500)}`));
    });
  });
  return {
    host: ready.ssh.host,
    port: ready.ssh.port,
    l2tpPort,
    dir,
    output: () => out,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function sshSession(r: { host: string; port: number }, login: RouterLogin, opts: { redactor?: Redactor; transcript?: TranscriptRecorder } = {}): CliSession {
  return new CliSession({
    transport: () => new SshTransport({ host: r.host, port: r.port, username: login.user, password: login.password }),
    credentials: { password: login.password, adminPassword: login.adminPassword },
    redactor: opts.redactor ?? opts.transcript?.redactor ?? new Redactor(),
    transcript: opts.transcript,
  });
}

/** `show config` of the router over a session of its own (logged in as `login`). */
export async function showConfigOf(r: { host: string; port: number }, login: RouterLogin): Promise<string> {
  const s = sshSession(r, login);
  await s.connect();
  try {
    return await s.showConfig();
  } finally {
    await s.close();
  }
}

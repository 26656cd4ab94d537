// Processes a lab runs detached from `lab up` (they outlive it): emulated routers, SSH
// forwarders, link captures, DHCP/DNS servers and clients. Output goes to a log file (a pipe would
// break when `lab up` exits); readiness is a line in that file (the router's `{"ready":...}`),
// awaited by file events, bounded.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, watch } from 'node:fs';
import net from 'node:net';
import { isOurProcess, processStartTime, type LabProcess } from './lab-state.ts';

export interface Started {
  proc: LabProcess;
  exited: Promise<string>;
}

/** Starts argv detached (own process group), stdout+stderr appended to logFile. */
export function startDetached(role: string, argv: readonly string[], logFile: string): Started {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ['ignore', fd, fd] });
    const exited = new Promise<string>((resolve) => {
      child.once('error', (e) => resolve(`cannot start: ${e.message}`));
      child.once('exit', (code, signal) => resolve(signal ? `killed by ${signal}` : `exited with status ${code}`));
    });
    child.unref();
    const pid = child.pid ?? -1;
    return { proc: { role, pid, startTime: processStartTime(pid) ?? '?' }, exited };
  } finally {
    closeSync(fd);
  }
}

/** Resolves the JSON `ready` object from the router's log; rejects on exit or after timeoutMs. */
export function waitForReadyLine(logFile: string, s: Started, timeoutMs: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      let text = '';
      try {
        text = readFileSync(logFile, 'utf8');
      } catch {
        return false;
      }
      for (const line of text.split('\n')) {
        if (!line.startsWith('{"ready"')) continue;
        try {
          finish();
          resolve((JSON.parse(line) as { ready: Record<string, unknown> }).ready);
          return true;
        } catch {
          /* a half-written line: the next change event completes it */
        }
      }
      return false;
    };
    const logTail = () => {
      try {
        return readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
      } catch {
        return '';
      }
    };
    const watcher = watch(logFile, () => void check());
    const timer = setTimeout(() => (finish(), reject(new Error(`${s.proc.role}: not ready within ${timeoutMs} ms (${logTail()})`))), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      watcher.close();
    };
    void s.exited.then((why) => {
      if (check()) return;
      finish();
      reject(new Error(`${s.proc.role}: ${why} before it was ready: ${logTail()}`));
    });
    check();
  });
}

/** Resolves once the log file of a detached process matches `re`; rejects on exit or after timeoutMs. */
export function waitForLogLine(logFile: string, s: Started, re: RegExp, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const read = () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    };
    const check = (): boolean => {
      const m = re.exec(read());
      if (!m) return false;
      finish();
      resolve(m[0]);
      return true;
    };
    const watcher = watch(logFile, () => void check());
    const timer = setTimeout(() => (finish(), reject(new Error(`${s.proc.role}: not started within ${timeoutMs} ms (${read().trim().split('\n').slice(-3).join(' | ')})`))), timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      watcher.close();
    };
    void s.exited.then((why) => {
      if (check()) return;
      finish();
      reject(new Error(`${s.proc.role}: ${why}: ${read().trim().split('\n').slice(-3).join(' | ')}`));
    });
    check();
  });
}

/** Resolves once something accepts TCP connections on host:port (bounded, retried on refusal). */
export async function waitForTcp(host: string, port: number, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`${what}: nothing accepts connections on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50)); // connection refused: the listener is starting
  }
}

/** A port free on all IPv4 addresses right now (TCP or UDP). */
export function freePort(kind: 'tcp' | 'udp'): Promise<number> {
  if (kind === 'tcp') {
    return new Promise((resolve, reject) => {
      const srv = net.createServer();
      srv.once('error', reject);
      srv.listen(0, '0.0.0.0', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
  }
  return import('node:dgram').then(
    ({ default: dgram }) =>
      new Promise((resolve, reject) => {
        const s = dgram.createSocket('udp4');
        s.once('error', reject);
        s.bind(0, '0.0.0.0', () => {
          const p = s.address().port;
          s.close(() => resolve(p));
        });
      }),
  );
}

/**
 * Stops a recorded process if it is still ours (same pid and start time): SIGTERM, then SIGKILL
 * after graceMs. Resolves whether it had to be killed; never signals a process that is not ours.
 */
export async function stopProcess(p: LabProcess, graceMs = 5000): Promise<'gone' | 'terminated' | 'killed' | 'not ours'> {
  if (!isOurProcess(p)) return processStartTime(p.pid) === undefined ? 'gone' : 'not ours';
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return 'gone';
  }
  const end = Date.now() + graceMs;
  // not our child any more (lab up exited): no exit event to wait for, so poll /proc, bounded
  while (isOurProcess(p) && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
  if (!isOurProcess(p)) return 'terminated';
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    return 'terminated';
  }
  const killEnd = Date.now() + 2000;
  while (isOurProcess(p) && Date.now() < killEnd) await new Promise((r) => setTimeout(r, 25));
  return 'killed';
}

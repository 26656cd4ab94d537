// tshark as its own witness on a lab LAN (issue 18 "What must be shown" 2): `ip netns exec NS tshark
// -i IFACE -w FILE` captures L2MS frames independently of the harness's libpcap agents, and
// `tshark -r FILE` reads them back (suites/support/l2ms-netns.ts tsharkL2ms). Started and stopped by
// pid (the process this file spawned); every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { L2MS_WIRE } from '../../reference-impl/l2ms/index.ts';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

export interface TsharkCapture {
  readonly file: string;
  /** Stops the capture (SIGINT: tshark flushes and closes the file) and resolves when it exited. */
  stop(): Promise<void>;
}

/** Starts tshark on `iface` in `netns`, capturing L2MS frames only, and waits until it captures. */
export async function startTshark(netns: string, iface: string, file: string): Promise<TsharkCapture> {
  // -p: no promiscuous mode. On a veth every frame reaches a packet socket anyway, and tshark switching
  // the interface to promiscuous mode lost the harness's frames on it (seen: the answer never reached
  // HQ while tshark ran without -p)
  const filter = `ether proto 0x${L2MS_WIRE.etherType.toString(16)}`;
  const child = spawn('ip', ['netns', 'exec', netns, 'tshark', '-i', iface, '-f', filter, '-w', file, '-q', '-p'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tshark on ${iface} (${netns}) did not start capturing within ${START_TIMEOUT_MS} ms: ${stderr.trim()}`));
    }, START_TIMEOUT_MS);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      // tshark prints "Capturing on 'eth0'" once dumpcap has the interface open
      if (!/Capturing on/.test(stderr)) return;
      clearTimeout(timer);
      resolve();
    });
    void exited.then((code) => (clearTimeout(timer), reject(new Error(`tshark on ${iface} (${netns}) exited ${code} before capturing: ${stderr.trim()}`))));
  });
  return { file, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

// `lab up --capture DIR` (netns mode): one dumpcap (tshark's capture engine) per WAN link, on the
// link's bridge in the lab namespace, started before any router so the capture holds every
// exchange from the first IKE packet on (tshark needs the key exchange to decrypt IKEv1:
// ipsec-facts.md "Wireshark/tshark 4.0"). Each capture runs detached, recorded in the state file
// like a router, and is stopped by `lab down` (dumpcap closes its file on SIGTERM).
// `lab up --key-log DIR`: each router writes its SAs' keys to DIR/ROUTER.keys (router --key-log;
// created 0600 by the router, DIR 0700 by us); nothing else ever prints a key.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { waitForLogLine, startDetached, type Started } from './lab-processes.ts';
import type { LabPlan } from './lab-plan.ts';

export interface LinkCapture {
  link: string;
  bridge: string;
  file: string;
  started: Started;
}

/** The capture file of link LINK in DIR. */
export const captureFile = (dir: string, link: string) => path.join(dir, `${link}.pcapng`);

/** The key-log file of router NAME in DIR. */
export const keyLogFile = (dir: string, router: string) => path.join(dir, `${router}.keys`);

/** DIR for key logs: made owner-only (the files in it hold keys). */
export function prepareKeyLogDir(dir: string): string {
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true, mode: 0o700 });
  chmodSync(abs, 0o700);
  return abs;
}

/** Starts dumpcap on every WAN link bridge of a netns plan; resolves once each is capturing. */
export async function startLinkCaptures(plan: LabPlan, dir: string, logDir: string, record: (s: Started) => void, timeoutMs = 15_000): Promise<LinkCapture[]> {
  if (!plan.labNetns) throw new Error('lab up --capture needs --netns (the links are bridges in the lab namespace)');
  const abs = path.resolve(dir);
  mkdirSync(abs, { recursive: true });
  const out: LinkCapture[] = [];
  for (const b of plan.bridges) {
    const m = /^link (.+)$/.exec(b.carries);
    if (!m) continue;
    const file = captureFile(abs, m[1]);
    const logFile = path.join(logDir, `capture-${m[1]}.log`);
    // -q: no packet counts in the log; pcapng can be read by tshark while it grows
    const started = startDetached(`capture link ${m[1]}`, ['ip', 'netns', 'exec', plan.labNetns, 'dumpcap', '-q', '-i', b.name, '-w', file], logFile);
    record(started);
    // dumpcap says "File: NAME" once the interface is open and the file created
    await waitForLogLine(logFile, started, /^File: /m, timeoutMs);
    out.push({ link: m[1], bridge: b.name, file, started });
  }
  return out;
}

// `lab down`: stops the lab's processes (only those still ours: same pid and start time) and
// deletes its namespaces (only those recorded or carrying its prefix), then its temp directory and
// state file. Deleting a namespace removes its veths, and their peers with them.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteNetns, deleteNetnsWithPrefix } from '../hosts/netns.ts';
import { stopProcess } from './lab-processes.ts';
import { removeNetnsEtc } from './lab-dns.ts';
import type { LabState } from './lab-state.ts';

export interface LabDownReport {
  processes: { role: string; pid: number; result: string }[];
  namespaces: string[];
}

export async function labDown(state: LabState, o: { stateFile?: string; log?: (line: string) => void } = {}): Promise<LabDownReport> {
  const log = o.log ?? (() => {});
  const report: LabDownReport = { processes: [], namespaces: [] };
  // forwarders first (they point at the routers), then routers: in reverse start order
  for (const p of [...state.processes].reverse()) {
    const result = await stopProcess(p);
    report.processes.push({ role: p.role, pid: p.pid, result });
    log(`${p.role} (pid ${p.pid}): ${result}`);
  }
  for (const ns of state.namespaces) {
    if (!ns.startsWith(state.prefix)) continue; // never ours: a tampered state file
    if (await deleteNetns(ns)) report.namespaces.push(ns);
  }
  // anything with our prefix that a killed `lab up` made but did not record
  report.namespaces.push(...(await deleteNetnsWithPrefix(state.prefix)));
  for (const ns of report.namespaces) log(`namespace ${ns}: deleted`);
  // the namespaces' own resolv.conf (lab-dns.ts): `ip netns del` leaves /etc/netns/NS behind
  removeNetnsEtc([...state.namespaces, ...report.namespaces], state.prefix);
  // only a temp directory of ours (its name carries the prefix)
  if (path.dirname(state.tempDir) === tmpdir() && path.basename(state.tempDir).startsWith(state.prefix)) rmSync(state.tempDir, { recursive: true, force: true });
  if (o.stateFile) rmSync(o.stateFile, { force: true });
  return report;
}

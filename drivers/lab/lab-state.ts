// The state file of a running lab: everything `lab up` made (processes with their identity,
// namespaces, the temp directory) and how to reach each router and host. Written before each thing
// is made, so `lab down` can clean up after a `lab up` that was killed half way.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const processSchema = z.object({
  /** what the process is, for people: `router rt1`, `ssh forwarder rt1` */
  role: z.string(),
  pid: z.int(),
  /** /proc/PID/stat start time: a reused pid is never taken for ours */
  startTime: z.string(),
});

const routerAccess = z.object({
  name: z.string(),
  role: z.string(),
  model: z.string(),
  firmware: z.string(),
  netns: z.string().optional(),
  ssh: z.object({ host: z.string(), port: z.int() }),
  consolePty: z.string().optional(),
  wan: z.array(z.string()),
  lan: z.record(z.string(), z.string()),
  log: z.string(),
});

const hostAccess = z.object({
  name: z.string(),
  netns: z.string(),
  iface: z.string(),
  addresses: z.array(z.string()),
  notes: z.array(z.string()),
});

export const labStateSchema = z.object({
  version: z.literal(1),
  id: z.string(),
  prefix: z.string().regex(/^l2lab-[0-9a-f]{6}-$/),
  mode: z.enum(['loopback', 'netns']),
  topology: z.string(),
  tempDir: z.string(),
  createdAt: z.string(),
  processes: z.array(processSchema),
  namespaces: z.array(z.string()),
  routers: z.array(routerAccess),
  hosts: z.array(hostAccess),
});

export type LabState = z.infer<typeof labStateSchema>;
export type LabProcess = LabState['processes'][number];
export type RouterAccess = LabState['routers'][number];
export type HostAccess = LabState['hosts'][number];

export const DEFAULT_STATE_FILE = path.join(tmpdir(), 'l2tpv3-conformance-lab.json');

export function writeLabState(file: string, s: LabState): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(s, null, 2)}\n`);
  renameSync(tmp, file); // a reader never sees half a file
}

export function readLabState(file: string): LabState {
  if (!existsSync(file)) throw new Error(`no lab state file at ${file} (is a lab up? give --state FILE)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`lab state file ${file} is not JSON: ${(e as Error).message}`);
  }
  const r = labStateSchema.safeParse(data);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`lab state file ${file}: ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  return r.data;
}

/** The start time of a live process (field 22 of /proc/PID/stat), or undefined when it has ended. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' || fields[0] === 'X' ? undefined : fields[19]; // a zombie has ended
  } catch {
    return undefined;
  }
}

/** Whether the process recorded is still the same live process. */
export function isOurProcess(p: LabProcess): boolean {
  return processStartTime(p.pid) === p.startTime;
}

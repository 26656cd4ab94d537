// Processes of one run, found by a mark in their environment (every child inherits it: Playwright's
// runner and workers, the routers they start), and a bounded wait until none is left.
import { readdirSync, readFileSync } from 'node:fs';

export function markedProcesses(mark: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`).includes(mark)) out.push(Number(p));
    } catch {
      // gone, or another user's
    }
  }
  return out;
}

/** The marked processes still alive after at most timeoutMs (a process's end makes no event we can watch here: /proc is read every 100 ms). */
export async function noneLeft(mark: string, timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = markedProcesses(mark);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

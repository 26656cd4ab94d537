// The campaign's printed figures: one table (target, inputs, crashes, hangs, syslog classes seen,
// peak RSS), then memory at start/middle/end per target, the router's class probes, and every
// reproducer the targets kept.
import { heapFlat } from './memory.ts';
import type { RouterTargetResult } from './router-target.ts';
import type { TargetResult } from './target.ts';

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '| ' + r.map((c, i) => (i === 0 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  return [line(rows[0]), '| ' + widths.map((w, i) => (i === 0 || i === 4 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ') + ' |', ...rows.slice(1).map(line)];
}

const n = (x: number) => x.toLocaleString('en-US');

export function report(results: readonly TargetResult[]): string[] {
  const rows = [['target', 'inputs', 'crashes', 'hangs', 'syslog classes seen', 'peak RSS', 'time']];
  for (const r of results) {
    const classes = r.syslogClasses === undefined ? '-' : `${r.syslogClasses.length}/${r.syslogClasses.length + (r.syslogMissing?.length ?? 0)}: ${r.syslogClasses.join(' ')}`;
    rows.push([r.target, n(r.inputs), n(r.crashes), n(r.hangs), classes, Number.isNaN(r.peakRssMb) ? '?' : `${r.peakRssMb.toFixed(0)} MB`, `${r.seconds.toFixed(1)} s`]);
  }
  const total = results.reduce((a, r) => ({ inputs: a.inputs + r.inputs, crashes: a.crashes + r.crashes, hangs: a.hangs + r.hangs }), { inputs: 0, crashes: 0, hangs: 0 });
  rows.push(['total', n(total.inputs), n(total.crashes), n(total.hangs), '', '', `${results.reduce((a, r) => a + r.seconds, 0).toFixed(1)} s`]);
  const out = table(rows);
  out.push('', 'memory (heap used after a full GC / RSS of the process running the target, MB) at start, middle, end; flat = the heap at the end within 8 MB of the middle:');
  for (const r of results) {
    const m = r.memory.map((s) => `${s.heapMb}/${s.rssMb}`).join(' -> ');
    const flat = r.memory.length === 3 ? (heapFlat(r.memory) ? 'heap flat' : `HEAP GROWS ${(r.memory[2].heapMb - r.memory[1].heapMb).toFixed(1)} MB from middle to end`) : '';
    out.push(`  ${r.target.padEnd(13)} ${m || '(no samples: the target process died)'}; ${flat}; slowest ${Number.isNaN(r.slowestMs) ? '?' : r.slowestMs.toFixed(1)} ms`);
  }
  const router = results.find((r): r is RouterTargetResult => 'probes' in r);
  if (router) {
    out.push('', `router process RSS (MB) at start, each quarter of the packets, end: ${router.routerRssMb.join(' -> ')}; peak ${router.routerPeakRssMb}`);
    out.push('one packet per class of bad L2TPv3 input -> the catalogue line the oracle predicts, seen in the router\'s syslog:');
    for (const p of router.probes) out.push(`  ${p.seen ? 'seen   ' : 'MISSING'} ${p.name}: ${p.expected}`);
  }
  for (const r of results) {
    const kinds = Object.entries(r.findingKinds ?? {});
    if (kinds.length) out.push('', `${r.target}: ${kinds.map(([k, c]) => `${c} x ${k}`).join('; ')}`);
  }
  const repro = results.flatMap((r) => [...r.reproducers, ...(r.syslogMissing ?? []).map((id) => `${r.target}: no input brought the line ${id} (a class of bad input not reached or not logged)`)]);
  out.push('', repro.length ? 'findings (the first input of each kind; `node bin/run-ts.mjs bench/robustness/replay.ts TARGET SEED N` replays input N in full):' : 'findings: none');
  for (const r of repro) out.push(`  ${r.length > 600 ? r.slice(0, 600) + '…' : r}`);
  return out;
}

/** Every target ran all its inputs without a crash or hang, and saw the syslog line of each class it provoked. */
export function clean(results: readonly TargetResult[]): boolean {
  return results.every((r) => r.crashes === 0 && r.hangs === 0 && (r.syslogMissing?.length ?? 0) === 0 && (!('probes' in r) || (r as RouterTargetResult).probes.every((p) => p.seen)));
}

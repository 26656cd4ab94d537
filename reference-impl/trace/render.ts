// The comparison as text for a report attachment: the verdict sentence, the stated rules
// (tolerance formula, filters, role rules), the events around the divergence side by side, and
// the fields of the two diverging events with the differing one marked. Pure.
import type { Divergence, TraceComparison } from './compare.ts';
import { formatEvent, type TraceEvent } from './trace-event.ts';

export interface RenderOptions {
  /** Events shown before and after the divergence. */
  readonly context?: number;
  /** Width of each side's column. */
  readonly width?: number;
  /** Lines printed under the verdict (tolerance formula, filters, roles). */
  readonly notes?: readonly string[];
}

const cut = (s: string, w: number): string => (s.length <= w ? s.padEnd(w) : `${s.slice(0, w - 1)}…`);

export function verdictLine(c: TraceComparison): string {
  const d = c.divergence;
  if (!d) return `traces agree: ${c.matched} events matched, largest gap difference ${Math.round(c.largestGapErrorMs)} of ${c.options.toleranceMs} ms tolerated${c.atHorizon.predicted.length + c.atHorizon.observed.length > 0 ? ` (at the horizon, not judged: ${c.atHorizon.predicted.length} predicted, ${c.atHorizon.observed.length} observed)` : ''}`;
  return `first divergence (${d.kind}) at predicted #${d.predictedIndex + 1} / observed #${d.observedIndex + 1}: ${d.summary}`;
}

/** Short form for the side-by-side columns: what tells events apart first (the full fields are below). */
export function shortEvent(e: TraceEvent): string {
  const v = (name: string) => e.fields.find((f) => f.name === name)?.value;
  const who = e.by === 'harness' ? `harness→device ${e.at}` : e.source === 'control' ? `device→${e.at}` : `${e.source}@${e.at}`;
  const t = `+${Math.round(e.t)}`;
  if (e.source === 'syslog') return `${t} ${who} ${v('severity') ?? ''} ${v('text') ?? ''}`;
  if (e.source === 'control') {
    const rest = e.fields.filter((f) => !['CCID', 'Ns', 'Nr'].includes(f.name) && !f.name.startsWith('Message Type')).map((f) => `${f.name.replace(/ \[[MH]+\]$/, '')}=${f.value}`);
    return [t, who, e.label, `Ns=${v('Ns')} Nr=${v('Nr')}`, ...rest].join(' ');
  }
  return `${t} ${who} ${e.label} ${e.fields.map((f) => f.value).join(' ')}`;
}

function sideBySide(d: Divergence, predicted: readonly TraceEvent[], observed: readonly TraceEvent[], context: number, width: number): string[] {
  const out = [`    ${cut('predicted', width)} | observed`];
  for (let r = -context; r <= context; r++) {
    const pi = d.predictedIndex + r;
    const oi = d.observedIndex + r;
    const p = pi >= 0 && pi < predicted.length ? `${pi + 1} ${shortEvent(predicted[pi])}` : '';
    const o = oi >= 0 && oi < observed.length ? `${oi + 1} ${shortEvent(observed[oi])}` : '';
    if (p === '' && o === '') continue;
    out.push(`${r === 0 ? '>>' : '  '}  ${cut(p, width)} | ${o}`);
  }
  return out;
}

function fieldTable(p: TraceEvent | undefined, o: TraceEvent | undefined): string[] {
  const rows: [string, string, string][] = [['time (virtual ms)', p ? String(Math.round(p.t)) : '', o ? String(Math.round(o.t)) : '']];
  rows.push(['event', p ? `${p.source}@${p.at} ${p.label}` : '(none)', o ? `${o.source}@${o.at} ${o.label}` : '(none)']);
  const n = Math.max(p?.fields.length ?? 0, o?.fields.length ?? 0);
  for (let k = 0; k < n; k++) {
    const a = p?.fields[k];
    const b = o?.fields[k];
    const name = a && b && a.name !== b.name ? `${a.name} / ${b.name}` : (a ?? b)!.name;
    rows.push([name, a?.value ?? '(absent)', b?.value ?? '(absent)']);
  }
  const w0 = Math.min(44, Math.max(...rows.map((r) => r[0].length)));
  const w1 = Math.min(50, Math.max(9, ...rows.map((r) => r[1].length)));
  const lines = [`    ${cut('field', w0)} | ${cut('predicted', w1)} | observed`];
  for (const [name, a, b] of rows) {
    lines.push(`${a !== b ? ' *' : '  '}  ${cut(name, w0)} | ${cut(a, w1)} | ${b}`);
  }
  return lines;
}

/** The whole attachment text. */
export function renderComparison(c: TraceComparison, predicted: readonly TraceEvent[], observed: readonly TraceEvent[], opts: RenderOptions = {}): string {
  const context = opts.context ?? 3;
  const width = opts.width ?? 90;
  const lines = [verdictLine(c), ...(opts.notes ?? []).map((n) => `  ${n}`), ''];
  const d = c.divergence;
  if (d) {
    lines.push('Events around the divergence (>> marks it):', ...sideBySide(d, predicted, observed, context, width), '');
    if (d.field !== undefined) lines.push(`Field '${d.field}': predicted ${JSON.stringify(d.predictedValue)}, observed ${JSON.stringify(d.observedValue)}`);
    lines.push('The two events, field by field (* differs):', ...fieldTable(d.predicted, d.observed), '');
  } else {
    for (const e of c.atHorizon.predicted) lines.push(`  at the horizon, predicted only: ${formatEvent(e)}`);
    for (const e of c.atHorizon.observed) lines.push(`  at the horizon, observed only: ${formatEvent(e)}`);
  }
  lines.push(`Predicted trace (${predicted.length} events):`, ...predicted.map((e, k) => `  ${k + 1} ${formatEvent(e)}`));
  lines.push(`Observed trace (${observed.length} events):`, ...observed.map((e, k) => `  ${k + 1} ${formatEvent(e)}`));
  return lines.join('\n') + '\n';
}

// The matrix history across runs: one JSON file (reports/out/history.json by default) holding, per
// run, its id, its time and the kind of every cell. Appending a run keeps the newest `keep` runs.

import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { CELL_KINDS, type CellKind } from '../matrix/cell-rules.ts';
import { cellKey, type CompatibilityMatrix } from '../matrix/build.ts';

export const HISTORY_SCHEMA = 'l2tpv3-conformance/matrix-history@1';

export interface HistoryRun {
  readonly runId: string;
  /** ISO 8601. */
  readonly time: string;
  /** cellKey(model, firmware, feature) -> kind. */
  readonly cells: Readonly<Record<string, CellKind>>;
}

export interface MatrixHistory {
  readonly schema: typeof HISTORY_SCHEMA;
  /** Oldest first. */
  readonly runs: readonly HistoryRun[];
}

const kindSchema = z.enum(CELL_KINDS as [CellKind, ...CellKind[]]);
const historySchema = z.object({
  schema: z.literal(HISTORY_SCHEMA),
  runs: z.array(
    z.object({
      runId: z.string().min(1),
      time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), 'not an ISO 8601 time'),
      cells: z.record(z.string(), kindSchema),
    }),
  ),
});

export class HistoryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryFileError';
  }
}

export function emptyHistory(): MatrixHistory {
  return { schema: HISTORY_SCHEMA, runs: [] };
}

/** Parses a history file's text; `where` names the file in errors. */
export function parseHistory(text: string, where: string): MatrixHistory {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new HistoryFileError(`${where}: not JSON (${(e as Error).message})`);
  }
  const r = historySchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new HistoryFileError(`${where}: at ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  return r.data;
}

/** A missing file is an empty history (the first run); a malformed one is an error naming it. */
export function loadHistory(path: string): MatrixHistory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return emptyHistory();
    throw new HistoryFileError(`${path}: cannot read (${(e as Error).message})`);
  }
  return parseHistory(text, path);
}

/** Written to a temporary file then renamed, so an interrupted run never leaves half a history. */
export function saveHistory(path: string, h: MatrixHistory): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(h, null, 1) + '\n');
  renameSync(tmp, path);
}

export function historyRunOf(m: CompatibilityMatrix): HistoryRun {
  const cells: Record<string, CellKind> = {};
  for (const c of m.cells) cells[cellKey(c.model, c.firmware, c.feature)] = c.kind;
  return { runId: m.runId, time: m.generatedAt, cells };
}

/** Appends the matrix as the newest run (a run id already present is replaced: a re-written report). */
export function appendRun(h: MatrixHistory, m: CompatibilityMatrix, keep = 100): MatrixHistory {
  if (keep < 2) throw new HistoryFileError(`history: keep must be at least 2 (to compare with a previous run), got ${keep}`);
  const runs = h.runs.filter((r) => r.runId !== m.runId);
  runs.push(historyRunOf(m));
  return { schema: HISTORY_SCHEMA, runs: runs.slice(-keep) };
}

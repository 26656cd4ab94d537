// What a model at a firmware revision supports: the support-table row it falls in, plus the
// per-model facts. The config validator and the suites read this; nobody retypes the table.

import { MODEL_NAMES, modelFacts, type LearningTableSize, type ModelName } from './models.ts';
import type { PlatformAssumptionId } from './assumptions.ts';
import { SUPPORT_TABLE, rowsOf, type SupportRow, type VpnTotal } from './support-table.ts';
import {
  bandLowerBound,
  compareRevisions,
  formatRevision,
  formatRevisionBand,
  parseRevision,
  revisionInBand,
  revisionSeries,
  type Revision,
} from './revision.ts';

export interface Capabilities {
  readonly model: ModelName;
  /** The revision asked about, or 'any' for a model whose support does not depend on it. */
  readonly revision: Revision | 'any';
  /** The seed's firmware cell of the matching row, e.g. "Rev.15.02.22以降". */
  readonly bandText: string;
  readonly l2tpv3: boolean;
  readonly l2tpv3Ipsec: boolean;
  readonly maxL2tpv3Tunnels: number;
  /** ※1 all-VPN total; ※2 licence-extensible where the seed says so. */
  readonly vpnTotal: VpnTotal;
  readonly tagVlan: boolean;
  readonly l2msManager: boolean;
  readonly tunnelInterfaceFilter: boolean;
  /** Selects the filter order of figure filter2 (ASSUMPTION policy-filter-models). */
  readonly policyFilterModel: boolean;
  readonly learningTable: LearningTableSize;
  /** Every assumption this answer rests on (see PLATFORM_ASSUMPTIONS). */
  readonly assumptions: readonly PlatformAssumptionId[];
}

/** A revision the support table does not cover for that model; lists the model's bands. */
export class UnknownRevisionError extends Error {
  constructor(readonly model: ModelName, readonly input: string, reason: string) {
    super(`${model} firmware "${input}": ${reason}; the seed's support table knows for ${model}: ${knownBandsText(model)}`);
    this.name = 'UnknownRevisionError';
  }
}

export function knownBandsText(model: ModelName): string {
  return rowsOf(model)
    .map((r) => bandText(r) || 'all revisions (empty firmware cell)')
    .join(', ');
}

function bandText(row: SupportRow): string {
  return formatRevisionBand(row.firmware).join(' / ');
}

function coversAllRevisions(rows: readonly SupportRow[]): boolean {
  return rows.length === 1 && (rows[0].firmware.kind === 'all' || rows[0].firmware.kind === 'unstated');
}

/** The firmware series ("15.02") of a model, from its band revisions; undefined if all revisions. */
export function firmwareSeries(model: ModelName): string | undefined {
  for (const r of rowsOf(model)) {
    const f = r.firmware;
    const rev = f.kind === 'from' ? f.lower : f.kind === 'before' ? f.upper : f.kind === 'exact' ? f.revisions[0] : undefined;
    if (rev !== undefined) return revisionSeries(rev);
  }
  return undefined;
}

/** The support-table row for a model at a revision ('any' only where the table has one all-revision row). */
export function supportRowFor(model: string, revision: string | Revision | 'any'): SupportRow {
  const facts = modelFacts(model); // throws UnknownModelError listing the models
  const rows = rowsOf(facts.name);
  if (revision === 'any') {
    if (coversAllRevisions(rows)) return rows[0];
    throw new UnknownRevisionError(facts.name, 'any', 'support depends on the revision, give one');
  }
  const inputText = typeof revision === 'string' ? revision : formatRevision(revision);
  let rev: Revision;
  try {
    rev = typeof revision === 'string' ? parseRevision(revision) : revision;
  } catch (e) {
    throw new UnknownRevisionError(facts.name, inputText, (e as Error).message);
  }
  if (coversAllRevisions(rows)) return rows[0];
  const series = firmwareSeries(facts.name);
  if (series !== undefined && revisionSeries(rev) !== series) {
    throw new UnknownRevisionError(facts.name, inputText, `not a revision of the ${facts.name} firmware series Rev.${series}.xx`);
  }
  for (let i = 0; i < rows.length; i++) {
    const next = rows.slice(i + 1).map((r) => bandLowerBound(r.firmware)).find((x) => x !== undefined);
    if (revisionInBand(rev, rows[i].firmware, next)) return rows[i];
  }
  throw new UnknownRevisionError(facts.name, inputText, 'in no band of the table (L2TPv3 support not documented)');
}

/** capabilities(model, revision): throws UnknownModelError / UnknownRevisionError listing the known ones. */
export function capabilities(model: string, revision: string | Revision | 'any'): Capabilities {
  const row = supportRowFor(model, revision);
  const facts = modelFacts(row.model);
  return {
    model: row.model,
    revision: revision === 'any' ? 'any' : typeof revision === 'string' ? parseRevision(revision) : revision,
    bandText: bandText(row),
    l2tpv3: row.l2tpv3,
    l2tpv3Ipsec: row.l2tpv3Ipsec,
    maxL2tpv3Tunnels: row.maxL2tpv3Tunnels,
    vpnTotal: row.vpnTotal,
    tagVlan: row.tagVlan,
    l2msManager: row.l2msManager,
    tunnelInterfaceFilter: row.tunnelInterfaceFilter,
    policyFilterModel: facts.policyFilterModel,
    learningTable: facts.learningTable,
    assumptions: [...row.assumptions, 'policy-filter-models'],
  };
}

/**
 * A revision inside a band, for a lab that wants one router per band:
 * - `以降` band: its lower bound (the first revision documented to have the features);
 * - exact band: each listed revision is a sample; the first is returned (RTX1200: Rev.10.01.53);
 * - `より前` band: the bound with patch - 1 (ASSUMPTION sample-revision-before-band);
 * - all-revision band: 'any'.
 */
export function sampleRevision(row: SupportRow): Revision | 'any' {
  const f = row.firmware;
  switch (f.kind) {
    case 'from':
      return f.lower;
    case 'exact':
      return f.revisions[0];
    case 'before':
      // ASSUMPTION sample-revision-before-band (not documented; a hardware run confirms or refutes)
      if (f.upper.patch === 0) throw new Error(`no sample below ${formatRevision(f.upper)}`);
      return { ...f.upper, patch: f.upper.patch - 1 };
    case 'all':
    case 'unstated':
      return 'any';
  }
}

export interface SupportBand {
  readonly model: ModelName;
  readonly bandText: string;
  readonly row: SupportRow;
  readonly sampleRevision: Revision | 'any';
  /** capabilities(model, sampleRevision): what a router in this band must show. */
  readonly capabilities: Capabilities;
}

/** Every model x band of the seed's table, in the seed's order. */
export function supportBands(): SupportBand[] {
  return SUPPORT_TABLE.map((row) => {
    const sample = sampleRevision(row);
    return { model: row.model, bandText: bandText(row), row, sampleRevision: sample, capabilities: capabilities(row.model, sample) };
  });
}

/** Model names known to the table (same order as the seed). */
export function knownModels(): readonly ModelName[] {
  return MODEL_NAMES;
}

/** Sorted copy, convenient for reports. */
export function sortRevisions(revs: readonly Revision[]): Revision[] {
  return [...revs].sort(compareRevisions);
}

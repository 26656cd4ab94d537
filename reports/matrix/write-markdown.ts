// matrix.md: the same content as matrix.html for a CI summary or a pull request comment.

import { CELL_KINDS, CELL_KIND_TEXT } from './cell-rules.ts';
import { cellKey, type CellTest, type MatrixCell } from './build.ts';
import type { CellChange } from '../history/compare.ts';
import { deviceLine, timeScaleText } from './run-identity.ts';
import { KIND_SYMBOL, cellOfKey, cellsOfRow, evidenceText, isNewRegression, primaryTest, testTitle, type MatrixReport } from './report-view.ts';

/** A table cell must not break the row: pipes and newlines escaped. */
function md(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Link text: brackets would end it early. */
function linkText(s: string): string {
  return md(s).replace(/[[\]]/g, (ch) => `\\${ch}`);
}

/** An evidence line, its title linked to the Allure result (relative link: valid next to the report). */
function evidenceMd(e: CellTest): string {
  if (e.allure === undefined) return md(evidenceText(e));
  return `[${linkText(testTitle(e))}](${e.allure.href}) [${e.status}]: ${md(e.why)}`;
}

function evidenceMdLines(c: MatrixCell): string[] {
  return c.evidence.map(evidenceMd);
}

/** The cell's symbol, linked to its primary test in Allure when there is a link. */
function cellMd(c: MatrixCell): string {
  const p = primaryTest(c);
  return p?.allure === undefined ? KIND_SYMBOL[c.kind] : `[${KIND_SYMBOL[c.kind]}](${p.allure.href})`;
}

function changes(r: MatrixReport, list: readonly CellChange[], withEvidence: boolean): string[] {
  const out: string[] = [];
  for (const ch of list) {
    const before = ch.before === undefined ? 'never ran before' : `was ${ch.before} in ${ch.beforeRunId}`;
    out.push(`- **${md(ch.key)}** — ${before}`);
    const c = cellOfKey(r.matrix, ch.key);
    if (withEvidence && c !== undefined) for (const l of evidenceMdLines(c)) out.push(`  - ${l}`);
  }
  return out;
}

export function renderMatrixMarkdown(r: MatrixReport): string {
  const m = r.matrix;
  const L: string[] = [`# L2TPv3 compatibility matrix`, '', `Run **${md(m.runId)}** · ${m.generatedAt}`, ''];
  const id = m.identity;
  if (id !== undefined) {
    L.push(`${id.hardware ? '**Hardware run** (physical devices)' : 'Emulated run'} · harness ${md(id.harness.version)} (commit ${md(id.harness.commit)}) · time scale: ${md(timeScaleText(id))}`, '');
    L.push(...id.devices.map((d) => `- ${md(deviceLine(d))}`), '');
  }
  const cmp = r.comparison;
  if (cmp !== undefined) {
    const against = cmp.previousRunId === undefined ? 'no previous run (first run: every regression is new)' : `previous run ${cmp.previousRunId}`;
    if (cmp.newRegressions.length > 0) {
      L.push(`## ⛔ ${cmp.newRegressions.length} new regression${cmp.newRegressions.length === 1 ? '' : 's'}`, '', `Against ${against}:`, '');
      L.push(...changes(r, cmp.newRegressions, true), '');
    } else {
      L.push(`**No new regression** against ${against}.`, '');
    }
  }
  L.push(CELL_KINDS.map((k) => `${KIND_SYMBOL[k]} ${CELL_KIND_TEXT[k].label}: ${m.summary[k]}`).join(' · '), '');
  L.push(`| model | firmware (band) | ${m.features.map((f) => md(f.id)).join(' | ')} |`);
  L.push(`| --- | --- | ${m.features.map(() => ':---:').join(' | ')} |`);
  for (const row of m.rows) {
    const cells = cellsOfRow(m, row.model, row.firmware).map((c) => `${cellMd(c)}${isNewRegression(r, c) ? ' **NEW**' : ''}`);
    L.push(`| ${md(row.model)}${row.tested ? '' : ' _(not run)_'} | ${md(row.firmware)} (${md(row.band)}) | ${cells.join(' | ')} |`);
  }
  L.push('', '## Legend', '');
  for (const k of CELL_KINDS) L.push(`- ${KIND_SYMBOL[k]} **${CELL_KIND_TEXT[k].label}**: ${CELL_KIND_TEXT[k].meaning}`);
  L.push('- **NEW**: a regression that was not one the last time the cell ran');
  const a = m.allureReport;
  if (a !== undefined && a.unlinked === undefined) {
    L.push(`- a linked symbol opens the cell's test in the [Allure report](${a.href}) (${a.linkedTests} of ${a.tests} tests linked; links work next to the report folder)`);
  }
  const bad = m.cells.filter((c) => c.kind === 'regression' || c.kind === 'undocumented-support');
  if (bad.length > 0) {
    L.push('', '## Regressions and undocumented support', '');
    for (const c of bad) {
      L.push(`- ${KIND_SYMBOL[c.kind]} **${md(cellKey(c.model, c.firmware, c.feature))}**${isNewRegression(r, c) ? ' **NEW**' : ''}`);
      for (const l of evidenceMdLines(c)) L.push(`  - ${l}`);
    }
  }
  if (cmp !== undefined && cmp.fixed.length > 0) L.push('', '## Fixed since the last run', '', ...changes(r, cmp.fixed, false));
  L.push('', '## Platform assumptions', '', 'Not documented; a hardware run confirms or refutes.', '');
  for (const a of m.assumptions) L.push(`- **${a.id}** (${a.confidence}): ${md(a.assumption)}`);
  return L.join('\n') + '\n';
}

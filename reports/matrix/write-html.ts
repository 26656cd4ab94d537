// matrix.html: one self-contained page (inline CSS, no script, no external resource) a QA team
// opens in any browser: new regressions first, the colour-coded matrix with a legend and the trend
// of each cell, the evidence behind every red or amber cell, and the platform assumptions.

import { CELL_KINDS, CELL_KIND_TEXT, type CellKind } from './cell-rules.ts';
import { cellKey, type CellTest, type MatrixCell } from './build.ts';
import type { CellChange } from '../history/compare.ts';
import { deviceLine, timeScaleText, type RunIdentity } from './run-identity.ts';
import { KIND_SYMBOL, cellAnchor, cellOfKey, cellsOfRow, evidenceLines, isNewRegression, primaryTest, testTitle, type MatrixReport } from './report-view.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

const COLOURS: Readonly<Record<CellKind | 'absent', { bg: string; fg: string }>> = {
  conformant: { bg: '#c8e6c9', fg: '#1b5e20' },
  regression: { bg: '#ffcdd2', fg: '#b71c1c' },
  'unsupported-as-documented': { bg: '#dfe6ee', fg: '#37474f' },
  'undocumented-support': { bg: '#ffe082', fg: '#7a4f00' },
  'not-run': { bg: '#f7f7f7', fg: '#9e9e9e' },
  absent: { bg: '#ffffff', fg: '#ffffff' },
};

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#212121}
h1{margin:0 0 .2em}.meta{color:#616161;margin-bottom:1em}
table.matrix{border-collapse:collapse}
.matrix th,.matrix td{border:1px solid #bdbdbd;padding:3px 5px;text-align:center;vertical-align:middle}
.matrix th.feature{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap;font-weight:600;max-height:16em}
.matrix th.row{text-align:left;white-space:nowrap}
.matrix tr.untested th.row{color:#9e9e9e}
.sym{font-size:16px;font-weight:700}
.new{display:block;font-size:10px;font-weight:700;color:#fff;background:#b71c1c;border-radius:3px;padding:0 2px}
.trend{display:flex;gap:1px;justify-content:center;margin-top:2px}
.trend i{display:inline-block;width:5px;height:5px;border:1px solid #9e9e9e}
.banner{border:3px solid #b71c1c;background:#ffebee;padding:.6em 1em;margin:1em 0}
.banner h2{color:#b71c1c;margin:.2em 0}
.ok{border:2px solid #2e7d32;background:#e8f5e9;padding:.5em 1em;margin:1em 0}
.legend span.sw{display:inline-block;min-width:1.6em;text-align:center;border:1px solid #9e9e9e;margin-right:.4em;font-weight:700}
.legend li{margin:.2em 0;list-style:none}.legend ul{padding-left:0}
.tag{font-size:11px;color:#757575}
td.cell a{color:inherit;text-decoration:none}td.cell a:hover{text-decoration:underline}
.more{display:block;font-size:10px}
#tests li{margin:.15em 0}#tests li:target{background:#fff9c4}
`;

function swatch(kind: CellKind): string {
  const c = COLOURS[kind];
  return `<span class="sw" style="background:${c.bg};color:${c.fg}">${KIND_SYMBOL[kind]}</span>`;
}

function trendHtml(r: MatrixReport, c: MatrixCell): string {
  const t = r.trends[cellKey(c.model, c.firmware, c.feature)];
  // A cell that never ran has no trend worth drawing.
  if (t === undefined || t.length < 2 || t.every((p) => p.kind === 'not-run' || p.kind === 'absent')) return '';
  const dots = t.map((p) => `<i title="${escapeHtml(`${p.runId}: ${p.kind}`)}" style="background:${COLOURS[p.kind].fg}"></i>`);
  return `<span class="trend" title="last ${t.length} runs, oldest first">${dots.join('')}</span>`;
}

/** Which cell an element is about (the links' test reads it back). */
function cellData(c: MatrixCell): string {
  return `data-model="${escapeHtml(c.model)}" data-firmware="${escapeHtml(c.firmware)}" data-feature="${escapeHtml(c.feature)}"`;
}

/** A test's title, linked to its result in the Allure report when the run generated one. */
function testLinkHtml(t: CellTest): string {
  const title = escapeHtml(testTitle(t));
  if (t.allure === undefined) return `<span class="test">${title}</span>`;
  return `<a class="allure-test" href="${escapeHtml(t.allure.href)}" data-allure-uid="${escapeHtml(t.allure.uid)}">${title}</a>`;
}

function evidenceHtml(c: MatrixCell): string {
  return `<ul>${c.evidence.map((e) => `<li>${testLinkHtml(e)} [${escapeHtml(e.status)}]: ${escapeHtml(e.why)}</li>`).join('')}</ul>`;
}

/** The cell's symbol opens its primary test in Allure; "+N" goes to the cell's list of tests below. */
function cellSymbolHtml(c: MatrixCell): string {
  const sym = `<span class="sym">${KIND_SYMBOL[c.kind]}</span>`;
  const p = primaryTest(c);
  const symbol = p?.allure === undefined ? sym : `<a class="allure-test" href="${escapeHtml(p.allure.href)}" data-allure-uid="${escapeHtml(p.allure.uid)}">${sym}</a>`;
  const more = c.tests.length > 1 ? `<a class="more" href="#${cellAnchor(c)}" title="all ${c.tests.length} tests of this cell">+${c.tests.length - 1}</a>` : '';
  return symbol + more;
}

function cellHtml(r: MatrixReport, c: MatrixCell): string {
  const col = COLOURS[c.kind];
  const fresh = isNewRegression(r, c);
  const tip = [
    `${c.model} ${c.firmware} ${c.feature}: ${CELL_KIND_TEXT[c.kind].label}${fresh ? ' (NEW since the previous run)' : ''}`,
    c.expectation === undefined ? 'no test ran' : `documented: ${c.expectation}; passed ${c.counts.passed}, failed ${c.counts.failed}, skipped ${c.counts.skipped}`,
    ...evidenceLines(c),
    ...(c.evidence.length === 0 ? c.tests.map((t) => `${testTitle(t)} [${t.status}]`) : []),
  ].join('\n');
  const style = `background:${col.bg};color:${col.fg}${fresh ? ';outline:3px solid #b71c1c;outline-offset:-3px' : ''}`;
  const data = `data-kind="${c.kind}" ${cellData(c)}`;
  return `<td class="cell ${c.kind}${fresh ? ' new-regression' : ''}" style="${style}" title="${escapeHtml(tip)}" ${data}>` +
    `${cellSymbolHtml(c)}${fresh ? '<span class="new">NEW</span>' : ''}${trendHtml(r, c)}</td>`;
}

function changeList(r: MatrixReport, changes: readonly CellChange[], withEvidence: boolean): string {
  const items = changes.map((ch) => {
    const c = cellOfKey(r.matrix, ch.key);
    const before = ch.before === undefined ? 'never ran before' : `was ${ch.before} in ${ch.beforeRunId}`;
    const ev = withEvidence && c !== undefined ? evidenceHtml(c) : '';
    return `<li${c === undefined ? '' : ` ${cellData(c)}`}><b>${escapeHtml(ch.key)}</b> — ${escapeHtml(before)}${ev}</li>`;
  });
  return `<ul>${items.join('')}</ul>`;
}

/** The run's identity: hardware or emulated, the harness version and commit, each device as it said who it is. */
function identityHtml(id: RunIdentity | undefined): string {
  if (id === undefined) return '';
  const kind = id.hardware ? '<b>Hardware run</b> (physical devices)' : 'Emulated run';
  const devices = id.devices.map((d) => `<li>${escapeHtml(deviceLine(d))}</li>`).join('');
  return `<div class="meta" id="identity">${kind} · harness ${escapeHtml(id.harness.version)} (commit ${escapeHtml(id.harness.commit)}) · time scale: ${escapeHtml(timeScaleText(id))}<ul>${devices}</ul></div>`;
}

function bannerHtml(r: MatrixReport): string {
  const cmp = r.comparison;
  if (cmp === undefined) return '';
  const against = cmp.previousRunId === undefined ? 'no previous run (first run: every regression is new)' : `previous run ${cmp.previousRunId}`;
  if (cmp.newRegressions.length === 0) {
    return `<div class="ok" id="new-regressions"><b>No new regression</b> against ${escapeHtml(against)}.</div>`;
  }
  return `<div class="banner" id="new-regressions"><h2>${cmp.newRegressions.length} new regression${cmp.newRegressions.length === 1 ? '' : 's'}</h2>` +
    `<div>against ${escapeHtml(against)}</div>${changeList(r, cmp.newRegressions, true)}</div>`;
}

function tableHtml(r: MatrixReport): string {
  const m = r.matrix;
  const head = `<tr><th class="row">model / firmware (band)</th>${m.features
    .map((f) => `<th class="feature" title="${escapeHtml(f.title)}">${escapeHtml(f.id)}</th>`)
    .join('')}</tr>`;
  const body = m.rows.map((row) => {
    const label = `${escapeHtml(row.model)}<br><span class="tag">${escapeHtml(row.firmware)} (${escapeHtml(row.band)})${row.tested ? '' : ' — not run'}</span>`;
    const cells = cellsOfRow(m, row.model, row.firmware).map((c) => cellHtml(r, c)).join('');
    return `<tr class="${row.tested ? 'tested' : 'untested'}" data-model="${escapeHtml(row.model)}"><th class="row">${label}</th>${cells}</tr>`;
  });
  return `<table class="matrix" id="matrix"><thead>${head}</thead><tbody>${body.join('\n')}</tbody></table>`;
}

function detailsHtml(r: MatrixReport): string {
  const bad = r.matrix.cells.filter((c) => c.kind === 'regression' || c.kind === 'undocumented-support');
  if (bad.length === 0) return '';
  const items = bad.map((c) => `<li ${cellData(c)}>${swatch(c.kind)}<b>${escapeHtml(cellKey(c.model, c.firmware, c.feature))}</b>${isNewRegression(r, c) ? ' <span class="new" style="display:inline">NEW</span>' : ''}${evidenceHtml(c)}</li>`);
  return `<h2>Regressions and undocumented support</h2><ul class="legend">${items.join('')}</ul>`;
}

/** Every cell that has tests, each test with its status and verdict, linked to Allure when it can be. */
function testsHtml(r: MatrixReport): string {
  const withTests = r.matrix.cells.filter((c) => c.tests.length > 0);
  if (withTests.length === 0) return '';
  const a = r.matrix.allureReport;
  const about =
    a === undefined
      ? 'No Allure HTML report is linked to this run (it was not generated): tests are listed by title.'
      : a.unlinked !== undefined
        ? `Not linked to the Allure report: ${a.unlinked}.`
        : `${a.linkedTests} of ${a.tests} tests link to their result (steps, pcap, syslog, CLI transcript, oracle diff) in the <a href="${escapeHtml(a.href)}">Allure report</a>.`;
  const items = withTests.map((c) => {
    const tests = c.tests.map((t) => `<li>${testLinkHtml(t)} <span class="tag">[${escapeHtml(t.status)}] ${escapeHtml(CELL_KIND_TEXT[t.verdict].label)}</span></li>`).join('');
    const data = cellData(c);
    return `<li id="${cellAnchor(c)}" class="cell-tests" ${data}>${swatch(c.kind)}<b>${escapeHtml(cellKey(c.model, c.firmware, c.feature))}</b><ul>${tests}</ul></li>`;
  });
  return `<h2>Tests behind each cell</h2><p id="allure-links">${about}</p><ul class="legend" id="tests">${items.join('')}</ul>`;
}

export function renderMatrixHtml(r: MatrixReport): string {
  const m = r.matrix;
  const summary = CELL_KINDS.map((k) => `${swatch(k)}${escapeHtml(CELL_KIND_TEXT[k].label)}: ${m.summary[k]}`).join(' &nbsp; ');
  const legend = CELL_KINDS.map((k) => `<li>${swatch(k)}<b>${escapeHtml(CELL_KIND_TEXT[k].label)}</b>: ${escapeHtml(CELL_KIND_TEXT[k].meaning)}</li>`).join('');
  const fixed = r.comparison !== undefined && r.comparison.fixed.length > 0 ? `<h2>Fixed since the last run</h2>${changeList(r, r.comparison.fixed, false)}` : '';
  const assumptions = m.assumptions.map((a) => `<li><b>${escapeHtml(a.id)}</b> (${a.confidence}): ${escapeHtml(a.assumption)}</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>L2TPv3 compatibility matrix — ${escapeHtml(m.runId)}</title>
<style>${CSS}</style></head><body>
<h1>L2TPv3 compatibility matrix</h1>
<div class="meta">run <b>${escapeHtml(m.runId)}</b> · ${escapeHtml(m.generatedAt)} · ${m.rows.filter((x) => x.tested).length} device(s) tested of ${new Set(m.rows.map((x) => x.model)).size} models</div>
${identityHtml(m.identity)}
${bannerHtml(r)}
<p class="legend">${summary}</p>
${tableHtml(r)}
<div class="legend" id="legend"><h2>Legend</h2><ul>${legend}
<li><span class="new" style="display:inline">NEW</span> a regression that was not one the last time the cell ran</li>
<li><span class="trend" style="display:inline-flex"><i style="background:${COLOURS.conformant.fg}"></i><i style="background:${COLOURS.regression.fg}"></i></span> the cell in the last runs, oldest first</li></ul></div>
${detailsHtml(r)}
${fixed}
${testsHtml(r)}
<h2>Platform assumptions</h2>
<p>The documented expectations rest on these readings of the seed's support table (not documented; a hardware run confirms or refutes). An undocumented-support or regression verdict on a gated feature may mean the assumption, not the firmware, is wrong.</p>
<ul id="assumptions">${assumptions}</ul>
</body></html>
`;
}

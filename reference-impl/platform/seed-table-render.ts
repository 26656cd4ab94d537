// Renders the typed tables back into the seed's text layout, so a test can compare them with the
// seed line by line (and reports can show a row the way the document prints it).
// Text layout of the seed (its HTML table flattened): cells of a row are joined by a space, a
// multi-line cell ends its line, cells whose content was an image (a check mark) or a row-spanning
// cell (the model name after a model's first row) print nothing.

import { LEARNING_TABLE_NOTE, MODELS, MODEL_NAMES } from './models.ts';
import { SUPPORT_TABLE, SUPPORT_TABLE_FOOTNOTES, type SupportRow, type VpnTotal } from './support-table.ts';
import { formatRevisionBand } from './revision.ts';

// seed: 対応機種とファームウェアリビジョン, column headings in order.
export const SUPPORT_TABLE_COLUMNS = [
  { key: 'model', heading: '機種' },
  { key: 'firmware', heading: 'ファームウェア' },
  { key: 'l2tpv3', heading: 'L2TPv3' },
  { key: 'l2tpv3Ipsec', heading: 'L2TPv3/IPsec' },
  { key: 'tunnels', heading: 'L2TPv3動作可能\n最大トンネル数(※1)' },
  { key: 'tagVlan', heading: 'タグVLAN機能との併用' },
  { key: 'l2msManager', heading: 'L2MSのマネージャーとの併用' },
  { key: 'tunnelInterfaceFilter', heading: 'トンネルインターフェースのフィルタリング' },
] as const;

// seed: learning-table headings.
export const LEARNING_TABLE_COLUMNS = ['機種', '動的エントリ数', '静的エントリ数'] as const;

/** Flattens cells the way the seed's text does (see file comment). */
export function flattenCells(cells: readonly string[]): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const cell of cells) {
    if (cell === '') continue;
    const parts = cell.split('\n');
    cur = cur === '' ? parts[0] : `${cur} ${parts[0]}`;
    if (parts.length > 1) {
      lines.push(cur, ...parts.slice(1, -1));
      lines.push(parts[parts.length - 1]);
      cur = '';
    }
  }
  if (cur !== '') lines.push(cur);
  return lines;
}

function vpnTotalText(t: VpnTotal): string {
  if (t.kind === 'modes') return `(通常モード:${t.normalMode} / コンパクトモード:${t.compactMode})`;
  return t.licenceExtensible ? `(${t.count} (※2))` : `(${t.count})`;
}

/** A supported feature was a check-mark image (prints nothing); unsupported prints "-". */
function mark(supported: boolean): string {
  return supported ? '' : '-';
}

export function renderSupportRow(row: SupportRow, firstOfModel: boolean): string[] {
  return flattenCells([
    firstOfModel ? row.model : '',
    formatRevisionBand(row.firmware).join('\n'),
    mark(row.l2tpv3),
    mark(row.l2tpv3Ipsec),
    `${row.maxL2tpv3Tunnels}\n${vpnTotalText(row.vpnTotal)}`,
    mark(row.tagVlan),
    mark(row.l2msManager),
    mark(row.tunnelInterfaceFilter),
  ]);
}

/** The table as the seed prints it: heading lines, then each row's lines, then the footnotes. */
export function renderSupportTable(): { heading: string[]; rows: string[][]; footnotes: string[] } {
  const rows = SUPPORT_TABLE.map((r, i) => renderSupportRow(r, i === 0 || SUPPORT_TABLE[i - 1].model !== r.model));
  return { heading: flattenCells(SUPPORT_TABLE_COLUMNS.map((c) => c.heading)), rows, footnotes: [...SUPPORT_TABLE_FOOTNOTES] };
}

export function renderLearningTable(): { heading: string; rows: string[]; note: string } {
  return {
    heading: LEARNING_TABLE_COLUMNS.join(' '),
    rows: MODEL_NAMES.map((m) => `${m} ${MODELS[m].learningTable.dynamic} ${MODELS[m].learningTable.static}`),
    note: LEARNING_TABLE_NOTE,
  };
}

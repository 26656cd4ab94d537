// The seed's support table as typed data, one row per model x firmware band, in the seed's order
// (seed: 対応機種とファームウェアリビジョン). The first two feature columns and the three last ones lost
// their check marks in the text; each row says which "-" went where and why (assumptions.ts).

import type { ModelName } from './models.ts';
import type { PlatformAssumptionId } from './assumptions.ts';
import { parseRevisionBand, type RevisionBand } from './revision.ts';

/** The number in parentheses: all VPN kinds together (※1). */
export type VpnTotal =
  /** ※1; `licenceExtensible` is the seed's (※2). */
  | { readonly kind: 'single'; readonly count: number; readonly licenceExtensible: boolean }
  /** vRX: 通常モード / コンパクトモード. */
  | { readonly kind: 'modes'; readonly normalMode: number; readonly compactMode: number };

export interface SupportRow {
  readonly model: ModelName;
  readonly firmware: RevisionBand;
  readonly l2tpv3: boolean;
  readonly l2tpv3Ipsec: boolean;
  /** L2TPv3動作可能最大トンネル数. */
  readonly maxL2tpv3Tunnels: number;
  readonly vpnTotal: VpnTotal;
  /** タグVLAN機能との併用. */
  readonly tagVlan: boolean;
  /** L2MSのマネージャーとの併用. */
  readonly l2msManager: boolean;
  /** トンネルインターフェースのフィルタリング. */
  readonly tunnelInterfaceFilter: boolean;
  /** The assumptions this row's feature marks rest on (empty: forced by the seed text). */
  readonly assumptions: readonly PlatformAssumptionId[];
}

// seed footnotes under the table, verbatim (rendered back by seed-table-render.ts).
export const SUPPORT_TABLE_FOOTNOTES = [
  '※1 ... ()の中の数値は、VPN設定可能最大数です。',
  'IPsec, PPTP, L2TP/IPsecのVPN設定を併用する場合はその合計数になります。',
  '(※2) ... 拡張ライセンスをインポートすることで拡張可能です。',
  '詳細は拡張ライセンスの技術資料を参照してください。',
] as const;

const band = parseRevisionBand;
const total = (count: number, licenceExtensible = false): VpnTotal => ({ kind: 'single', count, licenceExtensible });
const BASE: readonly PlatformAssumptionId[] = ['marks-first-two-columns'];

// Feature marks: t = tagVlan, l = l2msManager, f = tunnelInterfaceFilter. The comment after each
// row gives the seed's "-" count and how they were placed.
export const SUPPORT_TABLE: readonly SupportRow[] = [
  // "- -": t and l (vRX has no VLAN sub-interfaces, no L2MS) -> f supported.
  row('vRX VMware ESXi版', band('すべてのリビジョン'), 99, { kind: 'modes', normalMode: 6000, compactMode: 1000 },
    { t: false, l: false, f: true }, ['marks-vrx']),
  // empty firmware cell; "-": l (like RTX3500/RTX5000's newest band).
  row('RTX3510', band(''), 29, total(1000, true), { t: true, l: false, f: true }, ['firmware-cell-empty', 'no-l2ms-on-center-routers']),
  // empty firmware cell; no "-": all supported.
  row('RTX1300', band(''), 9, total(100), { t: true, l: true, f: true }, ['firmware-cell-empty']),
  row('RTX1220', band(''), 9, total(100), { t: true, l: true, f: true }, ['firmware-cell-empty']),
  // "-": f (filtering arrives at Rev.15.02.03).
  row('RTX830', band('Rev.15.02.01以降'), 1, total(20), { t: true, l: true, f: false }, ['column-chronology', 'tunnel-filter-release']),
  // no "-".
  row('RTX830', band('Rev.15.02.03以降'), 1, total(20), { t: true, l: true, f: true }, []),
  // no "-"; the VPN total becomes licence-extensible (※2).
  row('RTX830', band('Rev.15.02.22以降'), 1, total(20, true), { t: true, l: true, f: true }, []),
  // "- -": l and f.
  row('NVR700W', band('Rev.15.00.02以降'), 1, total(6), { t: true, l: false, f: false }, ['column-chronology']),
  // "-": f.
  row('NVR700W', band('Rev.15.00.10以降'), 1, total(6), { t: true, l: true, f: false }, ['column-chronology', 'tunnel-filter-release']),
  // no "-".
  row('NVR700W', band('Rev.15.00.14以降'), 1, total(6), { t: true, l: true, f: true }, []),
  // "- - -": none of the three.
  row('RTX1210', band('Rev.14.01.09より前'), 9, total(100), { t: false, l: false, f: false }, []),
  // "- -": l and f.
  row('RTX1210', band('Rev.14.01.09以降'), 9, total(100), { t: true, l: false, f: false }, ['column-chronology']),
  // "-": f.
  row('RTX1210', band('Rev.14.01.20以降'), 9, total(100), { t: true, l: true, f: false }, ['column-chronology', 'tunnel-filter-release']),
  // no "-".
  row('RTX1210', band('Rev.14.01.26以降'), 9, total(100), { t: true, l: true, f: true }, []),
  // "- - -".
  row('RTX5000', band('Rev.14.00.12以降'), 49, total(3000), { t: false, l: false, f: false }, []),
  // "- -": l and f.
  row('RTX5000', band('Rev.14.00.18以降'), 49, total(3000), { t: true, l: false, f: false }, ['column-chronology', 'no-l2ms-on-center-routers']),
  // "-": l (filtering arrives here, L2MS never).
  row('RTX5000', band('Rev.14.00.26以降'), 49, total(3000), { t: true, l: false, f: true }, ['tunnel-filter-release', 'no-l2ms-on-center-routers']),
  // RTX3500: same bands and reasoning as RTX5000.
  row('RTX3500', band('Rev.14.00.12以降'), 29, total(1000), { t: false, l: false, f: false }, []),
  row('RTX3500', band('Rev.14.00.18以降'), 29, total(1000), { t: true, l: false, f: false }, ['column-chronology', 'no-l2ms-on-center-routers']),
  row('RTX3500', band('Rev.14.00.26以降'), 29, total(1000), { t: true, l: false, f: true }, ['tunnel-filter-release', 'no-l2ms-on-center-routers']),
  // exact revision; "- - -".
  row('RTX810', band('Rev.11.01.21'), 1, total(6), { t: false, l: false, f: false }, []),
  // "- -": l and f.
  row('RTX810', band('Rev.11.01.25以降'), 1, total(6), { t: true, l: false, f: false }, ['column-chronology']),
  // two exact revisions in one cell; "- - -".
  row('RTX1200', band('Rev.10.01.53\nRev.10.01.59'), 9, total(100), { t: false, l: false, f: false }, []),
  // "- -": l and f.
  row('RTX1200', band('Rev.10.01.65以降'), 9, total(100), { t: true, l: false, f: false }, ['column-chronology']),
];

function row(
  model: ModelName,
  firmware: RevisionBand,
  maxL2tpv3Tunnels: number,
  vpnTotal: VpnTotal,
  marks: { t: boolean; l: boolean; f: boolean },
  assumptions: readonly PlatformAssumptionId[],
): SupportRow {
  return {
    model,
    firmware,
    l2tpv3: true, // lost check mark: ASSUMPTION marks-first-two-columns
    l2tpv3Ipsec: true, // lost check mark: ASSUMPTION marks-first-two-columns
    maxL2tpv3Tunnels,
    vpnTotal,
    tagVlan: marks.t,
    l2msManager: marks.l,
    tunnelInterfaceFilter: marks.f,
    assumptions: [...BASE, ...assumptions],
  };
}

/** The rows of one model, in the seed's order (oldest band first). */
export function rowsOf(model: ModelName): SupportRow[] {
  return SUPPORT_TABLE.filter((r) => r.model === model);
}

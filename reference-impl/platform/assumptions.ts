// Every guess the platform matrix rests on, in one exported list so reports can show it next to a
// verdict. Each is: ASSUMPTION (not documented; a hardware run confirms or refutes).
// A hardware run against a band settles an entry: "undocumented support" or "regression" verdicts
// on the columns named here mean the assignment below was wrong, not necessarily the firmware.

export type PlatformAssumptionId =
  | 'marks-first-two-columns'
  | 'firmware-cell-empty'
  | 'marks-vrx'
  | 'column-chronology'
  | 'tunnel-filter-release'
  | 'no-l2ms-on-center-routers'
  | 'policy-filter-models'
  | 'sample-revision-before-band';

export interface PlatformAssumption {
  readonly id: PlatformAssumptionId;
  /** What the assumption decides. */
  readonly assumption: string;
  /** The clues used, so a reviewer can weigh them. */
  readonly reasoning: string;
  /** strong: follows from documented facts by a short inference; weak: a judgement call. */
  readonly confidence: 'strong' | 'weak';
}

export const PLATFORM_ASSUMPTIONS: readonly PlatformAssumption[] = [
  {
    id: 'marks-first-two-columns',
    assumption: 'Every row supports L2TPv3 and L2TPv3/IPsec; every "-" in the seed text belongs to the last three columns (tag VLAN, L2MS manager, tunnel-interface filtering).',
    reasoning: 'The table lists the models that support L2TPv3 ("以下の機種およびファームウェアで、L2TPv3をサポート"); reference/README.md locates the uncertainty in the last three columns; no row has more than three "-".',
    confidence: 'strong',
  },
  {
    id: 'firmware-cell-empty',
    assumption: 'RTX3510, RTX1300 and RTX1220 have an empty firmware cell in the seed text; read as "all revisions".',
    reasoning: "Most likely vRX's すべてのリビジョン cell spans these rows in the original HTML (Yamaha's L2TP/IPsec support table lays out vRX, RTX3510, RTX1300, RTX1220 the same way); these models are the newest and supported L2TPv3 from their first firmware.",
    confidence: 'strong',
  },
  {
    id: 'marks-vrx',
    assumption: 'vRX "- -" = no tag-VLAN combination, no L2MS-manager combination; tunnel-interface filtering supported.',
    reasoning: 'vRX has no VLAN sub-interfaces (bridge member lanN.M/vlanN not on vRX; 802.1Q pass-through except on vRX: yamaha-platform-facts.md §1.3, §4.3) and no L2MS; the remaining column is tunnel-interface filtering.',
    confidence: 'strong',
  },
  {
    id: 'column-chronology',
    assumption: 'Where a model gains features band by band, they arrive in column order: tag VLAN first, then L2MS manager, then tunnel-interface filtering. So RTX1210 gets tag VLAN at Rev.14.01.09, L2MS at Rev.14.01.20, filtering at Rev.14.01.26; NVR700W has tag VLAN from Rev.15.00.02, L2MS from Rev.15.00.10, filtering from Rev.15.00.14; RTX810 (Rev.11.01.25) and RTX1200 (Rev.10.01.65) gain tag VLAN only; RTX830 Rev.15.02.01 lacks only filtering.',
    reasoning: 'Columns of such tables are usually appended as features ship; the seed presents the tag-VLAN combination as a feature added to lift a restriction (L2TPv3とタグVLANの併用) and tunnel filtering as a separate figure (filter3); consistent with tunnel-filter-release.',
    confidence: 'weak',
  },
  {
    id: 'tunnel-filter-release',
    assumption: 'Tunnel-interface filtering arrived with RTX5000/RTX3500 Rev.14.00.26, RTX1210 Rev.14.01.26, RTX830 Rev.15.02.03 (and NVR700W Rev.15.00.14).',
    reasoning: 'Those bands coincide exactly with the command reference revision gates for multi-argument `tunnel enable` (refused on RTX5000/3500 <= 14.00.25, RTX1210 <= 14.01.25, RTX830 <= 15.02.02: yamaha-platform-facts.md §1.2), i.e. one tunnel-feature release across the models.',
    confidence: 'weak',
  },
  {
    id: 'no-l2ms-on-center-routers',
    assumption: 'RTX5000, RTX3500 (last band) and RTX3510 lack the L2MS-manager combination; their single "-" is that column.',
    reasoning: 'RTX5000/RTX3500 keep one "-" in their newest band while RTX1210 (same era) loses all; these center routers are taken not to act as L2MS managers; RTX3510 (their successor, one "-") the same.',
    confidence: 'weak',
  },
  {
    id: 'policy-filter-models',
    assumption: 'Policy-filter models (seed figure filter2): vRX, RTX5000, RTX3510, RTX3500. All others are not.',
    reasoning: 'Neither the seed nor the digest lists them; chosen from the product line (the policy filter belongs to the high-end/vRX line). Selects the filter-order profile only.',
    confidence: 'weak',
  },
  {
    id: 'sample-revision-before-band',
    assumption: 'The sample revision of a "より前" band is the revision just below its bound with patch - 1 (RTX1210: Rev.14.01.08).',
    reasoning: 'The seed documents no revision below Rev.14.01.09; a lab must use whichever released revision below the bound it has.',
    confidence: 'weak',
  },
];

export function platformAssumption(id: PlatformAssumptionId): PlatformAssumption {
  const a = PLATFORM_ASSUMPTIONS.find((x) => x.id === id);
  if (a === undefined) throw new Error(`no platform assumption "${id}"`);
  return a;
}

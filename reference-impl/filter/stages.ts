// The filter stages of the seed's section "L2TPv3でのフィルタリング" (figures filter1-3; the
// figures are lost, their names survive in the notes ※1-※3 and the headings).

export const FILTER_STAGES = [
  'ethernet',
  'ip-static',
  'ip-dynamic',
  'input-blocking',
  'intrusion-detection',
  'url',
  'policy',
] as const;

export type FilterStage = (typeof FILTER_STAGES)[number];

export type Direction = 'in' | 'out';

/** Where a filter sits: a LAN member, a tunnel member, or the bridge interface itself. */
export type InterfaceRole = 'lan-member' | 'tunnel-member' | 'bridge';

/** What of a model's capabilities selects the filter order (platform Capabilities satisfies this). */
export interface FilterCapabilitySet {
  /** ポリシーフィルター対応機種 (figure filter2). */
  readonly policyFilterModel: boolean;
  /** トンネルインターフェースのフィルタリング対応機種 (figure filter3). */
  readonly tunnelInterfaceFilter: boolean;
}

// Japanese names as the seed and the command reference use them, and the configuring command.
export const STAGE_INFO: Readonly<Record<FilterStage, { readonly name: string; readonly command: string }>> = {
  ethernet: { name: 'イーサネットフィルター', command: 'ethernet INTERFACE filter in|out LIST' },
  'ip-static': { name: 'IPフィルター(静的)', command: 'ip INTERFACE secure filter in|out LIST' },
  'ip-dynamic': { name: 'IPフィルター(動的)', command: 'ip INTERFACE secure filter in|out ... dynamic LIST' },
  'input-blocking': { name: '入力遮断フィルター', command: 'ip INTERFACE inbound filter LIST' },
  'intrusion-detection': { name: '侵入検知機能', command: 'ip INTERFACE intrusion detection in|out on' },
  url: { name: 'URLフィルター', command: 'url INTERFACE filter in|out LIST' },
  policy: { name: 'ポリシーフィルター', command: 'ip policy filter set ...' },
};

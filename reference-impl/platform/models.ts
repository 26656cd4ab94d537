// The models of the seed, in the seed's order, with the per-model facts that do not depend on the
// firmware revision: the bridge learning-table sizes (seed: L2TPv3とブリッジ機能, table
// "機種 動的エントリ数 静的エントリ数") and whether the model is a policy-filter model (ASSUMPTION).

/** Model names exactly as the seed prints them (the vRX row includes its platform). */
export const MODEL_NAMES = [
  'vRX VMware ESXi版',
  'RTX3510',
  'RTX1300',
  'RTX1220',
  'RTX830',
  'NVR700W',
  'RTX1210',
  'RTX5000',
  'RTX3500',
  'RTX810',
  'RTX1200',
] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

export function isModelName(s: string): s is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(s);
}

export interface LearningTableSize {
  /** 動的エントリ数: learned MAC addresses. */
  readonly dynamic: number;
  /** 静的エントリ数: entries settable with `bridge learning static` (seed's ※ under the table). */
  readonly static: number;
}

export interface ModelFacts {
  readonly name: ModelName;
  readonly learningTable: LearningTableSize;
  /**
   * Whether the model is a "ポリシーフィルター対応機種" (the seed's figure filter2 is for these).
   * The seed does not say which models these are: see ASSUMPTION `policy-filter-models`.
   */
  readonly policyFilterModel: boolean;
}

// seed: L2TPv3とブリッジ機能, ラーニングテーブル table (機種 動的エントリ数 静的エントリ数), row by row.
// policyFilterModel: ASSUMPTION policy-filter-models (assumptions.ts).
export const MODELS: Readonly<Record<ModelName, ModelFacts>> = {
  'vRX VMware ESXi版': { name: 'vRX VMware ESXi版', learningTable: { dynamic: 3000, static: 300 }, policyFilterModel: true },
  RTX3510: { name: 'RTX3510', learningTable: { dynamic: 900, static: 90 }, policyFilterModel: true },
  RTX1300: { name: 'RTX1300', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  RTX1220: { name: 'RTX1220', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  RTX830: { name: 'RTX830', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  NVR700W: { name: 'NVR700W', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  RTX1210: { name: 'RTX1210', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  RTX5000: { name: 'RTX5000', learningTable: { dynamic: 1500, static: 150 }, policyFilterModel: true },
  RTX3500: { name: 'RTX3500', learningTable: { dynamic: 900, static: 90 }, policyFilterModel: true },
  RTX810: { name: 'RTX810', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
  RTX1200: { name: 'RTX1200', learningTable: { dynamic: 256, static: 32 }, policyFilterModel: false },
};

/** Unknown model: the message lists every known one. */
export class UnknownModelError extends Error {
  constructor(readonly input: string) {
    super(`unknown model "${input}"; the seed's support table knows: ${MODEL_NAMES.join(', ')}`);
    this.name = 'UnknownModelError';
  }
}

export function modelFacts(name: string): ModelFacts {
  if (!isModelName(name)) throw new UnknownModelError(name);
  return MODELS[name];
}

// seed: the note under the learning-table table, verbatim.
export const LEARNING_TABLE_NOTE = '※静的エントリとは、bridge learning staticコマンドで設定可能なMACアドレス数です。';

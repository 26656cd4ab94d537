// The hook from `topology check` to the RTX config validator (reference-impl/config/): each
// router's configuration is checked for its model and revision, and the validator's line numbers
// are mapped back into the file that holds the text (the config file, or the topology file for an
// inline `config: |` block). A negative-case topology may declare findings; the config refusals
// they imply are then expected, and reported as such instead of as errors.
import { checkConfigText, configPlatform, type ValidationRule } from '../reference-impl/config/index.ts';
import type { Diagnostic, RouterConfigSource } from '../topologies/schema/index.ts';

/** Which validator refusal each declarable finding stands for. */
export const FINDING_CONFIG_RULES: Readonly<Record<string, ValidationRule>> = {
  'tunnel-limit-exceeded': 'too-many-l2tpv3-tunnels',
};

export interface RouterConfigCheck {
  diagnostics: Diagnostic[];
  /** refusals the topology declared as expected findings */
  expected: Diagnostic[];
}

export function checkRouterConfig(src: RouterConfigSource, expectedRules: ReadonlySet<string> = new Set()): RouterConfigCheck {
  let platform;
  try {
    platform = configPlatform(src.model, src.firmware);
  } catch {
    // an unknown model/revision is already reported against the topology's `model` key
    return { diagnostics: [], expected: [] };
  }
  const out: RouterConfigCheck = { diagnostics: [], expected: [] };
  for (const i of checkConfigText(src.text, platform).issues) {
    const d: Diagnostic = {
      file: src.file,
      line: src.firstLine + i.line - 1,
      column: i.column + src.columnOffset,
      key: `routers.${src.router}.config`,
      message: `${i.message} (${i.detail}) [${src.model} ${src.firmware}]`,
    };
    (expectedRules.has(i.rule) ? out.expected : out.diagnostics).push(d);
  }
  return out;
}

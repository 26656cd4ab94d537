// The hook from `topology check` to the RTX config checker (reference-impl/config/): each
// router's configuration is checked for its model and revision, and the checker's line numbers
// are mapped back into the file that holds the text (the config file, or the topology file for an
// inline `config: |` block). A negative-case topology may declare findings; the config refusals
// they imply are then expected, and reported as such instead of as errors. Commands the checker
// does not model are warnings (`notModelled`), never errors; a command that is no RTX command at
// all (a typo) is an error.
import { configPlatform, reviewConfigText, type ConfigIssue, type ValidationRule } from '../reference-impl/config/index.ts';
import type { Diagnostic, RouterConfigSource } from '../topologies/schema/index.ts';

/** Which validator refusal each declarable finding stands for. */
export const FINDING_CONFIG_RULES: Readonly<Record<string, ValidationRule>> = {
  'tunnel-limit-exceeded': 'too-many-l2tpv3-tunnels',
};

export interface RouterConfigCheck {
  diagnostics: Diagnostic[];
  /** refusals the topology declared as expected findings */
  expected: Diagnostic[];
  /** lines the checker does not model ("not modelled, not checked"): warnings */
  notModelled: Diagnostic[];
}

function diagnostic(src: RouterConfigSource, i: ConfigIssue): Diagnostic {
  const head = i.severity === 'warning' ? `warning: ${i.message}` : i.message;
  return {
    file: src.file,
    line: src.firstLine + i.line - 1,
    column: i.column + src.columnOffset,
    key: `routers.${src.router}.config`,
    message: `${head} (${i.detail})${i.suggestion ? `; did you mean '${i.suggestion}'?` : ''} [${src.model} ${src.firmware}]`,
  };
}

export function checkRouterConfig(src: RouterConfigSource, expectedRules: ReadonlySet<string> = new Set(), options: { strict?: boolean } = {}): RouterConfigCheck {
  const out: RouterConfigCheck = { diagnostics: [], expected: [], notModelled: [] };
  let platform;
  try {
    platform = configPlatform(src.model, src.firmware);
  } catch {
    // an unknown model/revision is already reported against the topology's `model` key
    return out;
  }
  for (const i of reviewConfigText(src.text, platform, { strict: options.strict }).issues) {
    const d = diagnostic(src, i);
    if (i.severity === 'warning') out.notModelled.push(d);
    else (expectedRules.has(i.rule) ? out.expected : out.diagnostics).push(d);
  }
  return out;
}

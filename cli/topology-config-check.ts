// The hook from `topology check` to the RTX config validator (reference-impl/config/): each
// router's configuration is checked for its model and revision, and the validator's line numbers
// are mapped back into the file that holds the text (the config file, or the topology file for an
// inline `config: |` block).
import { checkConfigText, configPlatform } from '../reference-impl/config/index.ts';
import type { Diagnostic, RouterConfigSource } from '../topologies/schema/index.ts';

export function checkRouterConfig(src: RouterConfigSource): Diagnostic[] {
  let platform;
  try {
    platform = configPlatform(src.model, src.firmware);
  } catch {
    return []; // an unknown model/revision is already reported against the topology's `model` key
  }
  const { issues } = checkConfigText(src.text, platform);
  return issues.map((i) => ({
    file: src.file,
    line: src.firstLine + i.line - 1,
    column: i.column + src.columnOffset,
    key: `routers.${src.router}.config`,
    message: `${i.message} (${i.detail}) [${src.model} ${src.firmware}]`,
  }));
}

// The hook from `topology check` to the RTX config validator (reference-impl/config/): each
// router's configuration is checked for its model and revision, and the validator's line numbers
// are mapped back into the file that holds the text (the config file, or the topology file for an
// inline `config: |` block).
import type { Diagnostic, RouterConfigSource } from '../topologies/schema/index.ts';

export function checkRouterConfig(src: RouterConfigSource): Diagnostic[] {
  void src; // wired to the config validator once reference-impl/config exports it
  return [];
}

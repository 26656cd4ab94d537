// What the oracle says about L2MS configuration for the device under test: the lines that disable
// L2MS on a tunnel endpoint the way the seed advises (L2TPv3とL2MS: "L2MSを無効にしてください"),
// chosen from the commands the model and revision have (CR §48.1.1-48.1.2; reference-impl/config
// l2ms-gates.ts), never typed per model.
import { configPlatform, l2msCommandAvailable, l2msModeAvailable } from '../../reference-impl/config/index.ts';

/**
 * `switch control mode off` where the firmware has the command; else `switch control use lan1 off`
 * (its initial value, written out) where it has that one; else nothing (no L2MS on the model).
 */
export function l2msDisableLines(model: string, firmware: string): string[] {
  const p = configPlatform(model, firmware.replace(/^Rev\./, ''));
  if (l2msModeAvailable(p, 'off')) return ['switch control mode off'];
  if (l2msCommandAvailable(p, 'switch control use')) return ['switch control use lan1 off'];
  return [];
}

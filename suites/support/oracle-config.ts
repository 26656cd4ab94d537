// The oracle's verdict on a configuration for a model at a revision (reference-impl/config):
// accepted, or refused with the router's error lines (`config:LINE: Error: ... (detail)`).
import { checkConfigText, configPlatform, formatIssue } from '../../reference-impl/config/index.ts';

export interface ConfigPrediction {
  readonly response: 'accepted' | 'refused';
  /** The error lines the router prints for a refused config file named `config`. */
  readonly errors: readonly string[];
}

export function predictConfig(config: string, model: string, firmware: string): ConfigPrediction {
  const { issues } = checkConfigText(config, configPlatform(model, firmware.replace(/^Rev\./, '')));
  return { response: issues.length === 0 ? 'accepted' : 'refused', errors: issues.map((i) => formatIssue('config', i)) };
}

/** The router's error lines in its console output (what a refused start printed). */
export function observedErrors(output: string): string[] {
  return output.split('\n').filter((l) => /^config:\d+: Error: /.test(l));
}

// What the device's CLI answers, as the oracle predicts it (DESIGN.md "The verdict": `cli` events):
// configuration commands are played on the config oracle's RunningConfig (the same edits, checks
// and error texts an RTX applies, reference-impl/config/running-config.ts), `show config` shows
// its layout, and the operator commands on a tunnel print nothing. A command the oracle has no
// answer for is refused here, so a traced test cannot silently compare against a guess.
import { configPlatform, tokenize, type CliContext } from '../../reference-impl/config/index.ts';
import { CLI_LOG, SAVE_DONE } from '../../reference-impl/config/cli-log-facts.ts';
import { RunningConfig } from '../../reference-impl/config/running-config.ts';
import { SEVERITY_OF_LEVEL } from './expect-syslog.ts';

/** `show config` starts with five `#` lines naming the unit and the reporting time (yamaha-platform-facts.md §3.4). */
export const SHOW_CONFIG_HEADER_LINES = 5;

/** The predicted answer: output lines and error lines, as the CLI session frames them. */
export interface CliAnswer {
  readonly lines: readonly string[];
  readonly errors: readonly string[];
  /** Lines the device logs in answer (predicted only), with their RFC 5424 severity. */
  readonly syslog?: readonly { severity: number; text: string }[];
}

export class CliOracle {
  private readonly running: RunningConfig;
  private context: CliContext = { tunnel: null };

  /** The device's config as it starts (the test's config), on the model and revision under test; `infoLogged`: INFO lines reach the collector. */
  constructor(config: string, model: string, firmware: string, private readonly infoLogged: boolean) {
    this.running = new RunningConfig(configPlatform(model, firmware.replace(/^Rev\./, '')), config, 'en');
  }

  /** The answer to `command` typed at the administrator prompt now (a configuration command changes the oracle's config as it would the device's). */
  answer(command: string): CliAnswer {
    const words = tokenize(command).map((t) => t.text);
    const [first, second] = words;
    if (first === 'connect' || first === 'disconnect') {
      // CR: the operator commands on a tunnel print nothing; their effect is in the control trace.
      if (second === 'tunnel' && words.length === 3 && /^\d+$/.test(words[2])) return { lines: [], errors: [] };
    }
    if (first === 'show' && second === 'config' && words.length === 2) {
      return { lines: [`(${SHOW_CONFIG_HEADER_LINES} header lines)`, ...this.running.displayLines(false)], errors: [] };
    }
    if (first === 'save' && words.length === 1) {
      // The harness's session is SSH (drivers/cli); the line goes out as INFO (`syslog info on` in the lab's configs).
      return { lines: [SAVE_DONE.en], errors: [], syslog: this.infoLogged ? [{ severity: SEVERITY_OF_LEVEL.INFO, text: CLI_LOG.configurationSaved('SSH') }] : [] };
    }
    if (first === 'show' || first === 'clear' || first === 'save' || first === 'connect' || first === 'disconnect') {
      throw new Error(`CLI prediction: the oracle does not predict '${command}' yet`);
    }
    const r = this.running.apply(command, this.context);
    if (!r.ok) return { lines: [], errors: [r.message] };
    this.context = r.context;
    return { lines: [], errors: [] };
  }
}

/**
 * The observed answer in the form the oracle predicts: `show config`'s header (unit identity: MAC
 * addresses, serial, build date, and the reporting time, none of which the oracle knows) becomes
 * one line saying how many header lines there were, so their number is still judged.
 */
export function normaliseAnswer(command: string, lines: readonly string[]): string[] {
  if (!/^\s*show\s+config\s*$/.test(command)) return [...lines];
  // The header ends with its `# Reporting Date:` line; a long `# main:` line (vRX's model name) comes
  // wrapped by the terminal, and its continuation is part of the header, not a config line.
  const end = lines.findIndex((l) => l.startsWith('# Reporting Date:'));
  let n = 0;
  if (end >= 0) {
    n = lines.slice(0, end + 1).filter((l) => l.startsWith('#')).length;
    return [`(${n} header lines)`, ...lines.slice(end + 1)];
  }
  while (n < lines.length && lines[n].startsWith('#')) n++;
  return [`(${n} header lines)`, ...lines.slice(n)];
}

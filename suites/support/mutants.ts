// Mutation runs in one Playwright invocation: for each device, a baseline project (no defect,
// optionally repeated) and one project per injected defect, named `<device> +<defect>`. A defect's
// project runs the feature areas where its symptom shows (DEFECT_SYMPTOM_TAGS: what the defect's
// description in reference-impl/router/defects.ts says is observable), or every test with
// `mutation --all-tests`. One invocation amortises Playwright's start-up over all defects.
import { filterCommandAccepted } from '../../reference-impl/filter/index.ts';
import { capabilities, compareRevisions, rowsOf, type ModelName, type SupportRow } from '../../reference-impl/platform/index.ts';
import type { DefectName } from '../../reference-impl/router/defects.ts';
import { projectName, type SuiteDevice } from './devices.ts';

/** Environment of the suites' Playwright config in a mutation run (set by `l2tpv3-conformance mutation`). */
export const MUTATION_ENV = {
  /** Comma-separated defects: one project per device and defect. */
  defects: 'L2TPV3_MUTANTS',
  /** How many times the baseline project runs every test (the "no defect, zero failures" check). */
  baselineRepeat: 'L2TPV3_BASELINE_REPEAT',
  /** '1': every defect project runs every test, not only its symptom's areas. */
  allTests: 'L2TPV3_MUTANT_ALL_TESTS',
} as const;

/**
 * Feature tags (suites' `@tags`) where each defect's symptom is observable. Typed by DefectName:
 * a new defect does not compile until it is placed here.
 */
export const DEFECT_SYMPTOM_TAGS = {
  'tie-break-inverted': ['@tie-break'],
  'end-id-not-checked': ['@ids'],
  'router-id-not-checked': ['@ids'],
  'hello-count-off-by-one': ['@timers'],
  'hello-not-answered': ['@timers'],
  'no-stopccn-on-disconnect': ['@control'],
  'hostname-not-configured': ['@control'],
  'data-activity-ignored': ['@timers'],
  'connect-command-ignored': ['@control'],
  'cookie-ignored': ['@control', '@malformed'],
  'vlan-tag-stripped': ['@frames'],
  'session-id-not-checked': ['@malformed'],
  'tx-own-session-id': ['@frames'],
  'fcs-appended': ['@frames'],
  'no-ageing': ['@learning'],
  'floods-to-ingress': ['@frames'],
  'capacity-not-enforced': ['@learning'],
  'no-learning': ['@learning', '@frames'],
  'clear-removes-static': ['@learning'],
  'filter-stages-swapped': ['@filters'],
  'input-blocking-on-out': ['@filters'],
  'filter-no-match-passes': ['@filters'],
  'filter-last-match-wins': ['@filters'],
  'syslog-typo': ['@syslog'],
  'syslog-wrong-level': ['@syslog'],
  'syslog-wrong-tunnel-number': ['@syslog'],
  'syslog-debug-switch-ignored': ['@syslog'],
  'config-not-saved': ['@cli'],
  'cli-error-not-reported': ['@cli'],
  'unsupported-feature-accepted': ['@gating'],
  'tunnel-limit-not-enforced': ['@scale', '@gating'],
  'l2ms-gating-not-enforced': ['@l2ms'],
  'l2ms-off-consumes': ['@l2ms'],
  'l2ms-off-answers-discovery': ['@l2ms'],
  'l2ms-off-source-rewritten': ['@l2ms'],
  'l2ms-manager-bridges': ['@l2ms'],
  'l2ms-manager-answers-discovery': ['@l2ms'],
  'l2ms-default-mode-agent': ['@l2ms'],
  'l2ms-member-use-ignored': ['@l2ms'],
  'peer-stopccn-leaks-slot': ['@generated'],
  'rws-advertised-wrong': ['@control'],
  'pw-capabilities-wrong': ['@control'],
  'router-id-avp-zero': ['@control'],
  'message-type-m-bit-clear': ['@control'],
  'circuit-status-inactive': ['@control'],
  'pw-type-wrong': ['@control'],
  'iccn-remote-session-zero': ['@control'],
  'ack-nr-behind': ['@control'],
  'host-name-nul-terminated': ['@control'],
  'tie-breaker-not-sent': ['@control', '@tie-break'],
  'stopccn-result-general-error': ['@timers', '@control'],
  'stopccn-no-assigned-ccid': ['@timers', '@control'],
  'ack-as-zlb': ['@control'],
  'syslog-teardown-order-swapped': ['@control', '@syslog'],
  'syslog-established-twice': ['@control', '@syslog'],
  'syslog-connected-from-missing': ['@control', '@syslog'],
  'syslog-session-id-hex': ['@control', '@syslog'],
  'keepalive-interval-doubled': ['@timers'],
  'hello-count-one-short': ['@timers'],
  'hello-resets-disconnect-timer': ['@timers'],
  'data-restart-doubles-disconnect-time': ['@timers'],
  'hello-acked-as-zlb': ['@timers'],
  'always-on-no-redial': ['@control'],
  'tx-after-teardown': ['@frames'],
  'rx-after-teardown': ['@frames'],
  'vlan-pcp-cleared': ['@frames'],
  'multicast-dropped': ['@frames'],
  'learning-capacity-off-by-one': ['@learning'],
  'show-config-drops-hostname': ['@cli'],
  'ipsec-cleartext-accepted': ['@ipsec'],
  'ike-respond-ipsec-log-missing': ['@ipsec'],
  'esp-replay-not-checked': ['@ipsec'],
  'tunnel-limit-off-by-one': ['@scale'],
} as const satisfies Record<DefectName, readonly string[]>;

/**
 * Defects only a device with the L2MS-manager combination shows (the endpoint as L2MS manager: seed
 * support table column "L2MSのマネージャーとの併用"; L2MS commands: CR ch.48). The mutation default
 * device RTX5000 has neither (ASSUMPTION l2ms-command-models), so the CI kill table runs these on
 * L2MS_MANAGER_MUTATION_MODEL, whose newest band (Rev.14.01.26) has both; all show in @l2ms.
 */
export const L2MS_MANAGER_DEFECTS = ['l2ms-manager-bridges', 'l2ms-manager-answers-discovery', 'l2ms-default-mode-agent', 'l2ms-member-use-ignored'] as const satisfies readonly DefectName[];
export const L2MS_MANAGER_MUTATION_MODEL = 'RTX1210';

/**
 * Why `defect` cannot show on `device` at all, as the oracle proves it (undefined: it can, so a
 * defect no test kills there survived). Only defects whose trigger the oracle can rule out for a
 * whole model are listed; the kill table prints the reason instead of 'survived' and does not
 * count the defect as a survivor on that device.
 */
export function notObservableOn(defect: string, device: Pick<SuiteDevice, 'model' | 'firmware'>): string | undefined {
  switch (defect) {
    case 'input-blocking-on-out': {
      // its trigger is an input-blocking filter bound to a LAN member (`ip lan1 inbound filter`)
      const v = filterCommandAccepted('ip-inbound-filter', 'lan', capabilities(device.model, device.firmware));
      return v.accepted ? undefined : `no input-blocking filter can be bound to a LAN member on this model (filter oracle: ${v.note}), so no frame meets one`;
    }
    case 'unsupported-feature-accepted': {
      // its trigger is an L2TPv3 (or L2TPv3/IPsec) config on a revision the support table lists without it
      const rows = rowsOf(device.model as ModelName);
      const lacking = rows.filter((r) => !r.l2tpv3 || !r.l2tpv3Ipsec);
      if (rows.length === 0 || lacking.length > 0 || !everyRevisionListed(rows)) return undefined;
      const unstated = rows.some((r) => r.firmware.kind === 'unstated') ? ' (its empty firmware cell read as every revision: ASSUMPTION firmware-cell-empty)' : '';
      return `the support table (seed: 対応機種とファームウェアリビジョン) lists L2TPv3 and L2TPv3/IPsec on every revision of this model${unstated}, so no config of it is one the platform refuses`;
    }
    default:
      return undefined;
  }
}

/**
 * Why a defect no test killed cannot show on any device it ran on (notObservableOn: the oracle
 * rules its trigger out on each), or undefined: then it survived. The kill table (cli/mutation.ts)
 * and the live progress lines (mutation-progress-reporter.ts) both print this, so they agree.
 */
export function notObservableReason(defect: string, ranOn: readonly Pick<SuiteDevice, 'model' | 'firmware'>[]): string | undefined {
  if (ranOn.length === 0) return undefined;
  const reasons = ranOn.map((d) => ({ d, why: notObservableOn(defect, d) }));
  if (reasons.some((r) => r.why === undefined)) return undefined;
  return reasons.map((r) => `not observable on ${r.d.model}: ${r.why}`).join('; ');
}

/**
 * The rows' bands leave no revision out: one says all, or has an empty firmware cell (read as all,
 * ASSUMPTION firmware-cell-empty, as the platform oracle's supportRowFor reads it), or an open
 * 'before' band meets a 'from' band at its upper end.
 */
function everyRevisionListed(rows: readonly SupportRow[]): boolean {
  const bands = rows.map((r) => r.firmware);
  if (bands.some((b) => b.kind === 'all' || b.kind === 'unstated')) return true;
  return bands.some((b) => b.kind === 'before' && bands.some((f) => f.kind === 'from' && compareRevisions(f.lower, b.upper) <= 0));
}

/** A RegExp matching a test title carrying any of the tags. */
export function tagsGrep(tags: readonly string[]): RegExp {
  return new RegExp(`(${tags.map((t) => t.replace(/[-]/g, '\\-')).join('|')})\\b`);
}

/** The project of `device` carrying `defect`. */
export function mutantProjectName(device: SuiteDevice, defect: string): string {
  return `${projectName(device)} +${defect}`;
}

/** The defect of a mutant project name, undefined for a baseline project. */
export function defectOfProject(name: string): string | undefined {
  const m = / \+([a-z0-9-]+)$/.exec(name);
  return m ? m[1] : undefined;
}

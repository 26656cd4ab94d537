// Named defects the emulated router can carry (`--defect NAME`): plausible firmware bugs that a
// conformance suite must catch (DESIGN.md "A suite proves itself by catching bugs"). Each entry says
// what goes wrong and how it shows; the router implements each as a hook (router.ts and the modules
// it calls name the defect where it acts). The faithful router has none.

export type DefectArea = 'control' | 'data' | 'bridge' | 'filter' | 'syslog' | 'cli' | 'platform' | 'l2ms';

export interface DefectInfo {
  area: DefectArea;
  /** What the bug is. */
  bug: string;
  /** How it shows from outside. */
  symptom: string;
}

export const DEFECTS = {
  // ---- control plane (wrappers around the oracle's inputs and outputs, or settings overrides) ----
  'tie-break-inverted': { area: 'control', bug: 'simultaneous SCCRQs: the higher Tie Breaker wins (RFC 3931 §5.4.3: the lower wins)', symptom: 'with both ends dialling at once, no tunnel comes up on the first attempt' },
  'end-id-not-checked': { area: 'control', bug: '`l2tp remote end-id` is not compared with the Remote End ID AVP of an ICRQ', symptom: 'a session with a mismatched end-id is established instead of refused' },
  'router-id-not-checked': { area: 'control', bug: '`l2tp remote router-id` is not compared with the peer\'s Router ID AVP', symptom: 'a tunnel with a mismatched router-id is established instead of refused' },
  'hello-count-off-by-one': { area: 'control', bug: 'keepalive declares the peer down after count+1 unanswered Hellos', symptom: 'one Hello more is sent to a dead peer before the keepalive timer expires' },
  'hello-not-answered': { area: 'control', bug: 'received Hello messages are dropped unacknowledged', symptom: 'the peer\'s keepalive expires and it tears the tunnel down' },
  'no-stopccn-on-disconnect': { area: 'control', bug: '`disconnect tunnel N` drops the tunnel locally without sending StopCCN', symptom: 'the peer keeps the tunnel established' },
  'hostname-not-configured': { area: 'control', bug: 'the Host Name AVP carries the model name, not `l2tp hostname`', symptom: 'SCCRQ/SCCRP Host Name differs from the configured hostname' },
  'data-activity-ignored': { area: 'control', bug: 'data traffic does not reset `l2tp tunnel disconnect time`', symptom: 'a busy tunnel is cut when the disconnect timer expires' },
  'connect-command-ignored': { area: 'control', bug: '`connect tunnel N` does nothing', symptom: 'a tunnel without always-on never comes up on command' },
  // ---- data plane ----
  'cookie-ignored': { area: 'data', bug: 'cookies are ignored: received data is not checked against our Assigned Cookie, and the peer\'s Assigned Cookie is left out of the data we send', symptom: 'a peer that assigned a cookie drops every frame from the router; data with a wrong cookie is bridged' },
  'vlan-tag-stripped': { area: 'data', bug: '802.1Q tags are removed before encapsulation', symptom: 'tagged frames leave the far end untagged' },
  'session-id-not-checked': { area: 'data', bug: 'data messages for an unknown Session ID are bridged into the first tunnel', symptom: 'a forged Session ID reaches the LAN' },
  'tx-own-session-id': { area: 'data', bug: 'data is sent with our Local Session ID instead of the peer\'s', symptom: 'frames never come out at the far end' },
  'fcs-appended': { area: 'data', bug: 'a 4-octet FCS is appended to the tunnelled frame (RFC 4719 §4: no FCS)', symptom: 'frames come out 4 octets longer at the far end' },
  // ---- bridge ----
  'no-ageing': { area: 'bridge', bug: 'learned entries never age out', symptom: 'an entry is still in the table after the learning timer' },
  'floods-to-ingress': { area: 'bridge', bug: 'flooding includes the receiving member', symptom: 'a broadcast comes back out of the port it came in on' },
  'capacity-not-enforced': { area: 'bridge', bug: 'the dynamic learning table grows past the model\'s size', symptom: 'more entries than the seed\'s learning-table size' },
  'no-learning': { area: 'bridge', bug: 'source addresses are not learned', symptom: 'the learning table stays empty with `bridge learning on`' },
  'clear-removes-static': { area: 'bridge', bug: '`clear bridge learning` also removes static entries (CR: dynamic only)', symptom: 'static entries are gone after the clear' },
  // ---- filters ----
  'filter-stages-swapped': { area: 'filter', bug: 'the Ethernet and static IP filter stages run in the wrong order on input', symptom: 'the IP filter, not the Ethernet filter, decides (and logs) first' },
  'input-blocking-on-out': { area: 'filter', bug: 'the input-blocking filter is also applied in the out direction (seed ※1: in only)', symptom: 'frames leaving a LAN member are blocked by its inbound filter' },
  'filter-no-match-passes': { area: 'filter', bug: 'a frame no filter matches passes (CR: no match drops)', symptom: 'an unmatched frame is forwarded' },
  'filter-last-match-wins': { area: 'filter', bug: 'the last matching filter decides instead of the first', symptom: 'a frame rejected by an earlier rule passes' },
  // ---- syslog ----
  'syslog-typo': { area: 'syslog', bug: '"established" is misspelt "estabished" in tunnel/session lines', symptom: 'the seed\'s line does not match' },
  'syslog-wrong-level': { area: 'syslog', bug: 'INFO lines are sent with debug severity', symptom: 'syslog PRI of INFO lines is 15, not 14' },
  'syslog-wrong-tunnel-number': { area: 'syslog', bug: 'TUNNEL[XX] shows the tunnel number plus one', symptom: 'lines name the wrong tunnel' },
  'syslog-debug-switch-ignored': { area: 'syslog', bug: 'DEBUG lines are sent with `syslog debug off`', symptom: 'debug lines reach the collector' },
  // ---- CLI (the router's side of the CLI's device interface) ----
  'config-not-saved': { area: 'cli', bug: '`save` reports success but does not write the configuration', symptom: 'the config file is unchanged after save' },
  'cli-error-not-reported': { area: 'cli', bug: 'a refused configuration command reports no error', symptom: 'no `Error:` line for an invalid command' },
  // ---- platform gating ----
  'unsupported-feature-accepted': { area: 'platform', bug: 'L2TPv3 commands are accepted on a model/revision without L2TPv3', symptom: 'the router starts and runs a tunnel the seed says it cannot' },
  'tunnel-limit-not-enforced': { area: 'platform', bug: 'more L2TPv3 tunnels than the model allows are accepted', symptom: 'a config over the seed\'s maximum is not refused' },
  'l2ms-gating-not-enforced': { area: 'platform', bug: 'L2MS commands are accepted on a model or revision without them, and an L2TPv3 endpoint as L2MS manager where the seed\'s table lacks the combination', symptom: 'a config the oracle refuses (CR ch.48; seed: L2TPv3とL2MS) starts' },
  // ---- L2MS (seed: L2TPv3とL2MS; router/l2ms-stage.ts) ----
  'l2ms-off-consumes': { area: 'l2ms', bug: 'L2MS frames are dropped where L2MS is disabled', symptom: 'a remote manager\'s L2MS frames do not cross the pseudowire' },
  // a defect only a sequence of actions shows (suites/generated.spec.ts, router/slot-leak-defect.ts)
  'peer-stopccn-leaks-slot': { area: 'control', bug: 'a control connection the peer tears down (StopCCN received) does not free its slot; the router\'s own teardowns do', symptom: 'a peer that hung up cannot dial again: its SCCRQs go unanswered (dial, hang up, dial)' },
} as const satisfies Record<string, DefectInfo>;

export type DefectName = keyof typeof DEFECTS;

export const DEFECT_NAMES = Object.keys(DEFECTS) as DefectName[];

export function isDefectName(s: string): s is DefectName {
  return Object.hasOwn(DEFECTS, s);
}

/** Checks names; an unknown one is an error that lists the known ones. */
export function parseDefects(names: readonly string[]): ReadonlySet<DefectName> {
  const out = new Set<DefectName>();
  for (const n of names) {
    if (!isDefectName(n)) throw new Error(`unknown defect '${n}'; known defects: ${DEFECT_NAMES.join(', ')}`);
    out.add(n);
  }
  return out;
}

/** `router --list-defects`: one line per defect. */
export function describeDefects(): string[] {
  return DEFECT_NAMES.map((n) => {
    const d: DefectInfo = DEFECTS[n];
    return `${n} [${d.area}]: ${d.bug}; shows as: ${d.symptom}`;
  });
}

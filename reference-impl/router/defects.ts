// Named defects the emulated router can carry (`--defect NAME`): plausible firmware bugs that a
// conformance suite must catch (DESIGN.md "A suite proves itself by catching bugs"). Each entry says
// what goes wrong and how it shows; the router implements each as a hook (router.ts and the modules
// it calls name the defect where it acts). The faithful router has none.

export type DefectArea = 'control' | 'data' | 'bridge' | 'filter' | 'syslog' | 'cli' | 'platform' | 'l2ms' | 'ipsec';

import { IPSEC_DEFECTS } from './ipsec-defects.ts';

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
  // issue 18 point 4: manager and pass-through behaviour (router/l2ms-defects.ts); every one shows on a
  // model whose firmware has the L2MS-manager combination (RTX1210 Rev.14.01.20+) as well as elsewhere
  'l2ms-off-answers-discovery': { area: 'l2ms', bug: 'with L2MS off (`switch control mode off` or `use` off) the router still answers a manager\'s discovery query (CR §48.1.1: off runs no L2MS)', symptom: 'an L2MS answer from the endpoint goes back into the tunnel' },
  'l2ms-off-source-rewritten': { area: 'l2ms', bug: 'L2MS frames crossing a bridge where L2MS is off are sent with the router\'s MAC as source (relayed, not bridged)', symptom: 'exact value: pass-through L2MS frames come out with another source address' },
  'l2ms-manager-bridges': { area: 'l2ms', bug: 'a router running as L2MS manager bridges the L2MS frames it receives on (seed: the frames between manager and agents end at the manager)', symptom: 'the endpoint manager\'s agents\' answers and other managers\' queries cross the pseudowire' },
  'l2ms-manager-answers-discovery': { area: 'l2ms', bug: 'the L2MS manager answers another manager\'s discovery query as an agent would (CR §48.1.1: agent mode answers, manager mode does not)', symptom: 'an L2MS answer from the endpoint manager goes back into the tunnel' },
  'l2ms-default-mode-agent': { area: 'l2ms', bug: 'without a `switch control mode` line the router runs as agent (CR §48.1.1: the initial value is manager)', symptom: 'an endpoint manager by default answers queries and bridges L2MS frames' },
  'l2ms-member-use-ignored': { area: 'l2ms', bug: '`switch control use lanN on` of a bridge member does not make the bridge run L2MS (only the bridge\'s own setting counts; ASSUMPTION l2ms-bridge-use)', symptom: 'an endpoint manager with `use lan1 on` bridges L2MS frames through the pseudowire' },
  // a defect only a sequence of actions shows (suites/generated.spec.ts, router/slot-leak-defect.ts)
  'peer-stopccn-leaks-slot': { area: 'control', bug: 'a control connection the peer tears down (StopCCN received) does not free its slot; the router\'s own teardowns do', symptom: 'a peer that hung up cannot dial again: its SCCRQs go unanswered (dial, hang up, dial)' },
  // ---- issue 13 point 5: one per kind of observable (exact value, order, table, timer, limit, after a failure, CLI output) ----
  // exact values: the content of a message the router sends (router/control-rewrite-defects.ts)
  'rws-advertised-wrong': { area: 'control', bug: 'the Receive Window Size AVP says 8 while the router keeps a window of 4 (RFC 3931 §5.4.3)', symptom: 'exact value: SCCRQ/SCCRP Receive Window Size differs' },
  'pw-capabilities-wrong': { area: 'control', bug: 'the Pseudowire Capabilities List names Ethernet VLAN (4) instead of Ethernet (5)', symptom: 'exact value: SCCRQ/SCCRP PW Capabilities List differs' },
  'router-id-avp-zero': { area: 'control', bug: 'the Router ID AVP carries 0 instead of `l2tp local router-id`', symptom: 'exact value: SCCRQ/SCCRP Router ID is 0' },
  'message-type-m-bit-clear': { area: 'control', bug: 'the Message Type AVP is sent with M=0 (RFC 3931 §5.4.1: MUST be 1)', symptom: 'exact value: the M flag of every Message Type AVP' },
  'circuit-status-inactive': { area: 'control', bug: 'Circuit Status goes out without the Active bit (RFC 3931 §5.4.5)', symptom: 'exact value: ICRQ/ICRP Circuit Status 0 instead of Active' },
  'pw-type-wrong': { area: 'control', bug: 'the ICRQ asks for Pseudowire Type 4 (Ethernet VLAN) for the Ethernet port pseudowire (5, RFC 4719)', symptom: 'exact value: ICRQ Pseudowire Type' },
  'iccn-remote-session-zero': { area: 'control', bug: 'the ICCN carries Remote Session ID 0 instead of the peer\'s Session ID', symptom: 'exact value: ICCN Remote Session ID' },
  'ack-nr-behind': { area: 'control', bug: 'an explicit ACK acknowledges one message too few (Nr one behind, RFC 3931 §4.2)', symptom: 'exact value: ACK Nr; the peer retransmits' },
  'host-name-nul-terminated': { area: 'control', bug: 'the Host Name AVP carries a trailing NUL octet', symptom: 'exact value: SCCRQ/SCCRP Host Name one octet longer' },
  'tie-breaker-not-sent': { area: 'control', bug: 'the SCCRQ goes out without its Control Connection Tie Breaker', symptom: 'full content: the SCCRQ lacks the Tie Breaker AVP' },
  'stopccn-result-general-error': { area: 'control', bug: 'StopCCN says Result Code 2 (general error) whatever the reason (RFC 3931 §5.4.2)', symptom: 'exact value: StopCCN Result Code' },
  'stopccn-no-assigned-ccid': { area: 'control', bug: 'the StopCCN lacks the Assigned Control Connection ID (RFC 3931 §6.4: MUST once an SCCRQ/SCCRP was sent)', symptom: 'full content: the StopCCN lacks an AVP' },
  'ack-as-zlb': { area: 'control', bug: 'acknowledgements go out as ZLBs, not as explicit ACK messages (the profile\'s ack style)', symptom: 'exact value: ZLB where an ACK is due' },
  // orders and lines of syslog (router/syslog-defects.ts)
  'syslog-teardown-order-swapped': { area: 'syslog', bug: 'the session\'s "disconnect ... complete" line is logged after the tunnel\'s', symptom: 'order: the tunnel line comes first' },
  'syslog-established-twice': { area: 'syslog', bug: 'the "tunnel ... established" line is logged twice', symptom: 'an extra syslog line' },
  'syslog-connected-from-missing': { area: 'syslog', bug: 'the "connected from" line (SCCRQ received) is not logged', symptom: 'a missing syslog line' },
  'syslog-session-id-hex': { area: 'syslog', bug: 'Session IDs in syslog lines are printed in hexadecimal', symptom: 'exact value: the session number in the line' },
  // timer boundaries
  'keepalive-interval-doubled': { area: 'control', bug: 'Hellos go out every two keepalive intervals', symptom: 'timer: each Hello one interval late' },
  'hello-count-one-short': { area: 'control', bug: 'keepalive declares the peer down after count-1 unanswered Hellos', symptom: 'timer: the keepalive expires one Hello early' },
  'hello-resets-disconnect-timer': { area: 'control', bug: 'a received Hello restarts `l2tp tunnel disconnect time` (CR 16.3: only data counts)', symptom: 'timer: an idle tunnel whose peer sends Hellos is never cut' },
  'data-restart-doubles-disconnect-time': { area: 'control', bug: 'data restarts `l2tp tunnel disconnect time` for twice the configured time (CR 16.3: the tunnel is cut after the configured time without data; the first arming, at establishment, is right)', symptom: 'timer: a tunnel that carried data is cut one disconnect time late after the traffic stops' },
  // exact values of the acknowledgements
  'hello-acked-as-zlb': { area: 'control', bug: 'a received Hello is acknowledged by a ZLB while every other message gets the profile\'s explicit ACK (RFC 3931 §4.2: either acknowledges; the profile fixes which)', symptom: 'exact value: ZLB where the ACK of a Hello is due' },
  // behaviour after a failure
  'always-on-no-redial': { area: 'control', bug: 'with always-on, a tunnel the peer closed is never dialled again', symptom: 'after a failure: no new SCCRQ after the reconnect delay' },
  'tx-after-teardown': { area: 'data', bug: 'the data plane keeps sending toward a peer whose tunnel is gone', symptom: 'after a failure: LAN frames still reach the gone peer' },
  'rx-after-teardown': { area: 'data', bug: 'data from a peer whose tunnel is gone is still bridged', symptom: 'after a failure: its frames still reach the LAN' },
  // exact frame values
  'vlan-pcp-cleared': { area: 'data', bug: 'the 802.1Q priority (PCP) is zeroed on encapsulation', symptom: 'exact value: the tag\'s PCP at the far end' },
  'multicast-dropped': { area: 'bridge', bug: 'frames to a group (multicast) address are dropped instead of flooded', symptom: 'multicast frames never cross the pseudowire' },
  // table limits
  'learning-capacity-off-by-one': { area: 'bridge', bug: 'the dynamic learning table holds one entry more than the model\'s size', symptom: 'limit: one dynamic entry too many' },
  'tunnel-limit-off-by-one': { area: 'platform', bug: 'one L2TPv3 tunnel more than the model\'s maximum is accepted (the check counts from the second one over)', symptom: 'limit: a config of maximum+1 tunnels starts' },
  // CLI output
  'show-config-drops-hostname': { area: 'cli', bug: '`show config` leaves out the `l2tp hostname` line (it is still in effect)', symptom: 'CLI output: the line is missing from show config' },
  // L2TPv3/IPsec (ipsec-defects.ts, acted on in router/ipsec/): those the @ipsec suite area kills
  'ipsec-cleartext-accepted': IPSEC_DEFECTS['ipsec-cleartext-accepted'],
  'ike-respond-ipsec-log-missing': IPSEC_DEFECTS['ike-respond-ipsec-log-missing'],
  'esp-replay-not-checked': IPSEC_DEFECTS['esp-replay-not-checked'],
} as const satisfies Record<string, DefectInfo>;

export type DefectName = keyof typeof DEFECTS;

/**
 * Defects whose proof is the suites' kill table alone (`mutation`: the test that killed each), with
 * no router-pair case in tests/reference-impl/router/defects.spec.ts (issue 13 point 5).
 */
export const KILL_TABLE_ONLY = [
  'rws-advertised-wrong',
  'pw-capabilities-wrong',
  'router-id-avp-zero',
  'message-type-m-bit-clear',
  'circuit-status-inactive',
  'pw-type-wrong',
  'iccn-remote-session-zero',
  'ack-nr-behind',
  'host-name-nul-terminated',
  'tie-breaker-not-sent',
  'stopccn-result-general-error',
  'stopccn-no-assigned-ccid',
  'ack-as-zlb',
  'syslog-teardown-order-swapped',
  'syslog-established-twice',
  'syslog-connected-from-missing',
  'syslog-session-id-hex',
  'keepalive-interval-doubled',
  'hello-count-one-short',
  'hello-resets-disconnect-timer',
  'data-restart-doubles-disconnect-time',
  'hello-acked-as-zlb',
  'always-on-no-redial',
  'tx-after-teardown',
  'rx-after-teardown',
  'vlan-pcp-cleared',
  'multicast-dropped',
  'learning-capacity-off-by-one',
  'show-config-drops-hostname',
  'tunnel-limit-off-by-one',
  // only a dial, hang-up, dial sequence shows it: the @generated area's kill (tests/suites/generated*.spec.ts)
  'peer-stopccn-leaks-slot',
  // issue 18 point 4: proven by the @l2ms area's kill (suites/l2ms.spec.ts)
  'l2ms-off-answers-discovery',
  'l2ms-off-source-rewritten',
  'l2ms-manager-bridges',
  'l2ms-manager-answers-discovery',
  'l2ms-default-mode-agent',
  'l2ms-member-use-ignored',
  // issue 15: proven by the @ipsec area's kill (suites/ipsec.spec.ts); router pairs: tests/reference-impl/router/ipsec/
  'ipsec-cleartext-accepted',
  'ike-respond-ipsec-log-missing',
  'esp-replay-not-checked',
] as const satisfies readonly DefectName[];
export type KillTableOnlyDefect = (typeof KILL_TABLE_ONLY)[number];

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

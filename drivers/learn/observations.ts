// What one learn run saw of a device (drivers/learn/learn.ts gathers it, judge.ts weighs it): the
// raw material of the firmware profile file, secrets already masked.
import type { DeviceIdentity } from '../config/identity.ts';
import type { ControlObservations } from './control-probe.ts';

/** One tunnel of `show status l2tp` as the harness reads it (the parser is injected: suites/support/lab-console.ts). */
export interface ShowStatusTunnel {
  readonly tunnel: number;
  readonly state: string;
  readonly sessionStates: readonly string[];
}

export interface SessionChoices {
  /** the message whose AVPs these are (the device's answer to the peer's ICRQ) */
  message: 'ICRP' | 'ICRQ';
  /** octets of its Assigned Cookie AVP (0: AVP absent) */
  cookieLength: number;
  /** its L2-Specific Sublayer AVP value (0: absent) */
  l2ss: number;
  /** its Data Sequencing AVP value (0: absent) */
  dataSequencing: number;
  /** the device's own Control Connection ID and Session ID (what its syslog lines name) */
  deviceCcid?: number;
  deviceSessionId?: number;
}

export interface LearnObservations {
  identity: DeviceIdentity;
  /** the tunnel interface the probe configured */
  tunnel: number;
  /** the tester peer's address (the device's `tunnel endpoint address` far end) */
  peerAddress: string;
  session?: SessionChoices;
  /** the control connection as the device ran it (SCCRP AVPs, retransmission, acknowledgement) */
  control?: ControlObservations;
  /** why no session came up (masked) */
  sessionError?: string;
  /** every syslog text the device sent during the probes, in arrival order */
  syslogLines: string[];
  refused?: { command: string; predicted: string; observed: string[] };
  refusedError?: string;
  showStatus?: { lines: string[]; parsed: ShowStatusTunnel[]; error?: string };
  /** the filter stage-order probe (opt-in): stages in the order the device logged them */
  filterOrder?: { direction: 'out'; probed: string[]; expected: string[]; discovered: string[]; logLines: string[]; error?: string };
}

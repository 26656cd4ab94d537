// What the ESP oracle assumes about RTX where neither the command reference nor ipsec-facts.md
// says: each guess is data (the shape of reference-impl/platform/assumptions.ts), so a report can
// show it next to a verdict and a hardware run can settle it.

export type EspAssumptionId = 'replay-window-size' | 'no-extended-sequence-numbers' | 'minimal-padding' | 'sequence-zero-rejected';

export interface EspAssumption {
  readonly id: EspAssumptionId;
  readonly assumption: string;
  readonly reasoning: string;
  readonly confidence: 'strong' | 'weak';
}

export const ESP_ASSUMPTIONS: readonly EspAssumption[] = [
  {
    id: 'replay-window-size',
    assumption: 'RTX checks sequence numbers with a 64-packet anti-replay window (when anti-replay-check=on).',
    reasoning: 'RFC 4303 §3.4.3: a window of 32 MUST be supported, 64 SHOULD be the default. No RTX document gives the size.',
    confidence: 'weak',
  },
  {
    id: 'no-extended-sequence-numbers',
    assumption: 'ESP SAs negotiated by RTX over IKEv1 use 32-bit sequence numbers (no ESN).',
    reasoning: 'ESN is negotiated by an IKEv1 attribute only in RFC 4304, which the RTX command reference never mentions; ipsec-facts.md lists no ESN option.',
    confidence: 'strong',
  },
  {
    id: 'minimal-padding',
    assumption: 'RTX pads the ESP payload to the next cipher block only (no extra padding for traffic-flow confidentiality).',
    reasoning: 'RFC 4303 §2.4 makes extra padding optional; Linux does the same and no RTX document mentions TFC padding.',
    confidence: 'weak',
  },
  {
    id: 'sequence-zero-rejected',
    assumption: 'An ESP packet with sequence number 0 is dropped by the receiver when anti-replay is on.',
    reasoning: 'RFC 4303 §3.3.3: the first packet sent has sequence number 1, so 0 is never sent; Linux (xfrm_replay_check) drops it.',
    confidence: 'strong',
  },
];

/** The window size used when a caller names none: assumption replay-window-size. */
export const DEFAULT_REPLAY_WINDOW = 64;

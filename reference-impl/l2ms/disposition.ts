// What a router does with an L2MS frame that reaches one of its interfaces, per L2MS mode (seed:
// L2TPv3とL2MS; CR §48.1.1-48.1.2). The data plane asks this before bridging a frame; the suites
// ask it for their expectations. Pure.
import { decodeL2ms, discoveryAnswer } from './frame.ts';

/** `switch control mode` (CR §48.1.1): manager (initial value), agent, off. */
export type L2msMode = 'manager' | 'agent' | 'off';

/** The router's L2MS state for the interface a frame arrived on. */
export interface L2msInterfaceState {
  readonly mode: L2msMode;
  /** `switch control use IF on` for this interface (CR §48.1.2; initial off). */
  readonly use: boolean;
}

export interface L2msDisposition {
  /** The frame goes on through the bridge unchanged (as any other frame). */
  readonly bridged: boolean;
  /** Frames the router sends back out of the interface the frame came in on. */
  readonly answers: readonly Uint8Array[];
  /** Why, for people (and the trace). */
  readonly why: string;
}

const PASS: L2msDisposition = { bridged: true, answers: [], why: 'not an L2MS frame, or L2MS not running on this interface: bridged like any frame' };

/**
 * The disposition of `frame` at an interface in `state`. The router's own identity is what an
 * agent answers with (its MAC on that interface, its model name).
 */
export function l2msDisposition(frame: Uint8Array, state: L2msInterfaceState, self: { mac: string; model: string }): L2msDisposition {
  const msg = decodeL2ms(frame);
  // CR §48.1.2: with mode off, or use off on the interface, L2MS does not run there
  if (msg === undefined || state.mode === 'off' || !state.use) return PASS;
  if (state.mode === 'manager') {
    // ASSUMPTION l2ms-manager-consumes
    return { bridged: false, answers: [], why: `L2MS manager: the ${msg.kind} frame is for the manager, consumed` };
  }
  if (msg.kind === 'query') {
    // CR §48.1.2: an agent answers the manager's discovery query; ASSUMPTION l2ms-agent-forwards-query
    return { bridged: true, answers: [discoveryAnswer(frame, self)], why: 'L2MS agent: discovery query answered and bridged on' };
  }
  return { bridged: true, answers: [], why: `L2MS agent: ${msg.kind} frame bridged on` };
}

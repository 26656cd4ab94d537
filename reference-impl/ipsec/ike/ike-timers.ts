// Virtual-time timers for the IKE node: the same timers as the L2TP control plane
// (control/timers.ts: timers are actions; a stale or early callback does nothing) over IKE's actions.
import { VirtualTimers } from '../../control/timers.ts';
import type { IkeAction } from './ike-events.ts';

export interface IkeCtx {
  now: number;
  out: IkeAction[];
}

export class IkeTimers extends VirtualTimers<IkeCtx> {}

// defect peer-stopccn-leaks-slot (defects.ts): the router keeps one control-connection slot per
// configured tunnel, and a connection the PEER tears down (StopCCN received) never frees its slot,
// while one the router tears down itself does. The peer's next dial finds the slot taken and its
// SCCRQs are dropped. Only a sequence shows it: dial, hang up, dial again (the first dial, and any
// number of router-side teardowns, are fine). Pure.
import { MESSAGE_TYPE as MT } from '../l2tpv3/message-types.ts';

export class SlotLeak {
  /** Peers whose torn-down connection still holds its slot. */
  private readonly leaked = new Set<string>();

  /** Sees each received control message's type; true: the router drops it. */
  drops(from: string, type: number | undefined): boolean {
    if (type === MT.StopCCN) this.leaked.add(from);
    return type === MT.SCCRQ && this.leaked.has(from);
  }
}

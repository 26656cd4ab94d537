// L2MS frames on the wire: what identifies one, and the two discovery messages (CR §48.1.2: the
// manager's 探索パケット and the agent's 応答パケット). Every byte here is an ASSUMPTION
// (l2ms-wire-identity, l2ms-discovery-layout in assumptions.ts): Yamaha publishes no format.

/** ASSUMPTION l2ms-wire-identity: the one place the wire identity lives. */
export const L2MS_WIRE = {
  etherType: 0x88b6,
  /** Group address the manager's queries go to (Yamaha OUI 00:a0:de, group bit set). */
  groupAddress: '01:a0:de:00:00:01',
} as const;

/** ASSUMPTION l2ms-discovery-layout. */
export const L2MS_LAYOUT = { version: 1, kind: { query: 1, answer: 2 }, minPayload: 46 } as const;

export type L2msMessage =
  | { readonly kind: 'query'; readonly transaction: number }
  | { readonly kind: 'answer'; readonly transaction: number; readonly agentMac: string; readonly model: string }
  /** An L2MS frame whose payload is none of the two (it is still an L2MS frame). */
  | { readonly kind: 'other' };

const HEADER = 14;

/** Whether an Ethernet frame (untagged) is an L2MS frame: its EtherType (l2ms-wire-identity). */
export function isL2msFrame(frame: Uint8Array): boolean {
  return frame.length >= HEADER && ((frame[12] << 8) | frame[13]) === L2MS_WIRE.etherType;
}

export function macBytes(text: string): Uint8Array {
  const parts = text.split(':');
  if (parts.length !== 6 || parts.some((p) => !/^[0-9a-fA-F]{2}$/.test(p))) throw new Error(`'${text}' is not a MAC address`);
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

export function macText(b: Uint8Array, at = 0): string {
  return [...b.subarray(at, at + 6)].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** The L2MS message an L2MS frame carries; undefined when the frame is not an L2MS frame. */
export function decodeL2ms(frame: Uint8Array): L2msMessage | undefined {
  if (!isL2msFrame(frame)) return undefined;
  const p = frame.subarray(HEADER);
  if (p.length < 4 || p[0] !== L2MS_LAYOUT.version) return { kind: 'other' };
  const transaction = (p[2] << 8) | p[3];
  if (p[1] === L2MS_LAYOUT.kind.query) return { kind: 'query', transaction };
  if (p[1] === L2MS_LAYOUT.kind.answer && p.length >= 11 && p.length >= 11 + p[10]) {
    return { kind: 'answer', transaction, agentMac: macText(p, 4), model: new TextDecoder().decode(p.subarray(11, 11 + p[10])) };
  }
  return { kind: 'other' };
}

function frameOf(dst: Uint8Array, src: Uint8Array, body: readonly number[]): Uint8Array {
  const payload = new Uint8Array(Math.max(L2MS_LAYOUT.minPayload, body.length));
  payload.set(body, 0);
  const out = new Uint8Array(HEADER + payload.length);
  out.set(dst, 0);
  out.set(src, 6);
  out[12] = L2MS_WIRE.etherType >> 8;
  out[13] = L2MS_WIRE.etherType & 0xff;
  out.set(payload, HEADER);
  return out;
}

/** A manager's discovery query from `managerMac` to the L2MS group address. */
export function discoveryQuery(managerMac: string, transaction: number): Uint8Array {
  const v = L2MS_LAYOUT;
  return frameOf(macBytes(L2MS_WIRE.groupAddress), macBytes(managerMac), [v.version, v.kind.query, (transaction >> 8) & 0xff, transaction & 0xff]);
}

/** The agent's answer to `query`: sent back to the querying manager, from the agent. */
export function discoveryAnswer(query: Uint8Array, agent: { mac: string; model: string }): Uint8Array {
  const q = decodeL2ms(query);
  if (q?.kind !== 'query') throw new Error('discoveryAnswer: not an L2MS discovery query');
  const name = [...new TextEncoder().encode(agent.model.slice(0, 64))];
  const v = L2MS_LAYOUT;
  const mac = macBytes(agent.mac);
  return frameOf(query.subarray(6, 12), mac, [v.version, v.kind.answer, (q.transaction >> 8) & 0xff, q.transaction & 0xff, ...mac, name.length, ...name]);
}

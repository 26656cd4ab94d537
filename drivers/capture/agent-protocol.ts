// The byte stream between a capture session and its capture agent (a child process that holds the
// libpcap handle, possibly inside another network namespace). Both directions use one framing:
//   [type: u8][length: u32 big-endian][payload: length octets]
// Agent -> session: READY (JSON), FRAME (timestamp then frame), INJECTED (id), ERROR (JSON).
// Session -> agent: INJECT (id then frame).

export const MSG = {
  READY: 1,
  FRAME: 2,
  INJECTED: 3,
  ERROR: 4,
  INJECT: 5,
} as const;

/** Largest message we accept: a jumbo frame plus headers; anything bigger is a broken stream. */
export const MAX_PAYLOAD = 256 * 1024;

export interface AgentMessage {
  type: number;
  payload: Uint8Array;
}

export function encodeMessage(type: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint8(0, type);
  dv.setUint32(1, payload.length, false);
  out.set(payload, 5);
  return out;
}

/** FRAME payload: [timestamp in microseconds since the epoch: f64 BE][frame]. */
export function encodeFrame(timestampUs: number, frame: Uint8Array): Uint8Array {
  const p = new Uint8Array(8 + frame.length);
  new DataView(p.buffer).setFloat64(0, timestampUs, false);
  p.set(frame, 8);
  return encodeMessage(MSG.FRAME, p);
}

export function decodeFrame(payload: Uint8Array): { timestampUs: number; data: Uint8Array } {
  if (payload.length < 8) throw new Error(`capture agent: FRAME message of ${payload.length} octets (needs at least 8)`);
  const dv = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { timestampUs: dv.getFloat64(0, false), data: payload.slice(8) };
}

/** INJECT payload: [id: u32 BE][frame]; INJECTED payload: [id: u32 BE]. */
export function encodeInject(id: number, frame: Uint8Array): Uint8Array {
  const p = new Uint8Array(4 + frame.length);
  new DataView(p.buffer).setUint32(0, id, false);
  p.set(frame, 4);
  return encodeMessage(MSG.INJECT, p);
}

export function decodeInject(payload: Uint8Array): { id: number; frame: Uint8Array } {
  if (payload.length < 4) throw new Error(`capture agent: INJECT message of ${payload.length} octets (needs at least 4)`);
  return { id: new DataView(payload.buffer, payload.byteOffset).getUint32(0, false), frame: payload.slice(4) };
}

export function encodeJson(type: number, value: unknown): Uint8Array {
  return encodeMessage(type, new TextEncoder().encode(JSON.stringify(value)));
}

export function decodeJson(payload: Uint8Array): unknown {
  return JSON.parse(new TextDecoder().decode(payload));
}

/** Reassembles messages from chunks as they arrive (chunks split messages anywhere). */
export class MessageReader {
  private pending = new Uint8Array(0);

  push(chunk: Uint8Array): AgentMessage[] {
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    const out: AgentMessage[] = [];
    let o = 0;
    while (joined.length - o >= 5) {
      const dv = new DataView(joined.buffer, joined.byteOffset + o);
      const len = dv.getUint32(1, false);
      if (len > MAX_PAYLOAD) throw new Error(`capture agent stream broken: message of ${len} octets at stream offset ${o}`);
      if (joined.length - o < 5 + len) break;
      out.push({ type: joined[o], payload: joined.slice(o + 5, o + 5 + len) });
      o += 5 + len;
    }
    this.pending = joined.slice(o);
    return out;
  }
}

// IP addresses read straight from packet octets, numbered in order of first sight, with no
// string or object per lookup: the fast decoder keys per-endpoint state (nonces, learnt
// session layouts) by these numbers. Open addressing over typed arrays.
import { formatIpv4, formatIpv6 } from './ip.ts';

const WORDS = 5; // version, then the address as four 32-bit words (IPv4: one, the rest 0)

export class EndpointTable {
  private keys = new Uint32Array(64 * WORDS);
  private slots = new Int32Array(64).fill(-1);
  private readonly text: string[] = [];

  get size(): number {
    return this.text.length;
  }

  /** The endpoint's number, or -1 when it was never added. */
  find(b: Uint8Array, o: number, version: 4 | 6): number {
    const mask = this.slots.length - 1;
    const w0 = word(b, o);
    const w1 = version === 6 ? word(b, o + 4) : 0;
    const w2 = version === 6 ? word(b, o + 8) : 0;
    const w3 = version === 6 ? word(b, o + 12) : 0;
    for (let i = hash(version, w0, w1, w2, w3) & mask; ; i = (i + 1) & mask) {
      const id = this.slots[i];
      if (id < 0) return -1;
      const k = i * WORDS;
      const keys = this.keys;
      if (keys[k] === version && keys[k + 1] === w0 && keys[k + 2] === w1 && keys[k + 3] === w2 && keys[k + 4] === w3) return id;
    }
  }

  /** The endpoint's number, adding it (with its text form, made once) when new. */
  intern(b: Uint8Array, o: number, version: 4 | 6): number {
    const found = this.find(b, o, version);
    if (found >= 0) return found;
    if ((this.text.length + 1) * 2 > this.slots.length) this.grow();
    const id = this.text.length;
    this.text.push(version === 4 ? formatIpv4(b, o) : formatIpv6(b, o));
    this.place(id, version, word(b, o), version === 6 ? word(b, o + 4) : 0, version === 6 ? word(b, o + 8) : 0, version === 6 ? word(b, o + 12) : 0);
    return id;
  }

  /** The address as text (ip.ts formatIpv4 / formatIpv6), as the full decoder keys endpoints. */
  textOf(id: number): string {
    return this.text[id];
  }

  private place(id: number, version: number, w0: number, w1: number, w2: number, w3: number): void {
    const mask = this.slots.length - 1;
    let i = hash(version, w0, w1, w2, w3) & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    this.slots[i] = id;
    const k = i * WORDS;
    this.keys[k] = version;
    this.keys[k + 1] = w0;
    this.keys[k + 2] = w1;
    this.keys[k + 3] = w2;
    this.keys[k + 4] = w3;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldSlots = this.slots;
    this.keys = new Uint32Array(oldSlots.length * 2 * WORDS);
    this.slots = new Int32Array(oldSlots.length * 2).fill(-1);
    for (let i = 0; i < oldSlots.length; i++) {
      if (oldSlots[i] < 0) continue;
      const k = i * WORDS;
      this.place(oldSlots[i], oldKeys[k], oldKeys[k + 1], oldKeys[k + 2], oldKeys[k + 3], oldKeys[k + 4]);
    }
  }
}

function word(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

function hash(version: number, w0: number, w1: number, w2: number, w3: number): number {
  let h = Math.imul(version ^ w0, 0x9e3779b1);
  h = Math.imul(h ^ w1 ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ w2 ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ w3 ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

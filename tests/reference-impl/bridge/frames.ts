// Test frames: Ethernet II frames built by hand (not by the code under test), so an error in the
// oracle's parsing cannot cancel out.

function mac(text: string): number[] {
  return text.split(':').map((h) => parseInt(h, 16));
}

/** An Ethernet II frame: dst, src, optional 802.1Q tag (VID), EtherType, payload padded to 60 octets. */
export function ethFrame(dst: string, src: string, opts: { vid?: number; etherType?: number; payload?: number[] } = {}): Uint8Array {
  const b: number[] = [...mac(dst), ...mac(src)];
  if (opts.vid !== undefined) b.push(0x81, 0x00, (opts.vid >> 8) & 0x0f, opts.vid & 0xff);
  const et = opts.etherType ?? 0x88b5; // IEEE local experimental EtherType: nothing treats it specially
  b.push(et >> 8, et & 0xff, ...(opts.payload ?? [0xde, 0xad]));
  while (b.length < 60) b.push(0);
  return Uint8Array.from(b);
}

/**
 * An 802.1D configuration BPDU (LLC 42 42 03; protocol 0, version 0, type 0, flags 0) to the Bridge
 * Group Address; `rootTag` goes into the low bytes of the root bridge ID so test BPDUs differ.
 */
export function bpduFrame(src: string, rootTag = 0): Uint8Array {
  const llc = [0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00];
  const rootId = [0x80, 0x00, 0, 0, (rootTag >>> 24) & 0xff, (rootTag >>> 16) & 0xff, (rootTag >>> 8) & 0xff, rootTag & 0xff];
  const b: number[] = [...mac('01:80:c2:00:00:00'), ...mac(src), 0x00, 0x26, ...llc, ...rootId];
  while (b.length < 60) b.push(0);
  return Uint8Array.from(b);
}

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';
/** Locally administered unicast addresses for test hosts: 02:00:00:00:00:NN. */
export function hostMac(n: number): string {
  return `02:00:00:00:${((n >> 8) & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`;
}

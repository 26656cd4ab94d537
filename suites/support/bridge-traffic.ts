// Frames for bridge tests through a pseudowire, and a barrier: the router handles one peer's data
// in order, so once it answers an ARP sent after a burst, every frame of the burst was bridged
// (no sleeps). Expected tables come from the oracle (reference-impl/bridge LearningBridge) fed
// with the same frames.
import { buildEthernetFrame } from '../../reference-impl/capture/ip.ts';
import type { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { BRIDGE_ADDRESS } from '../../drivers/dut/lab-config.ts';
import { arpRequest, isArpReplyFrom } from './traffic.ts';

/** IEEE 802 "local experimental" EtherType 1: payload nobody answers, only bridged. */
export const EXPERIMENTAL_ETHERTYPE = 0x88b5;

/** A locally administered unicast MAC numbered `i` (02:5e:xx:xx:xx:xx). */
export function testMac(i: number, prefix = 0x5e): string {
  return [0x02, prefix, (i >>> 24) & 0xff, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** A frame of the experimental EtherType from `src` to `dst` carrying `marker`. */
export function markedFrame(src: string, dst: string, marker: string): Uint8Array {
  return buildEthernetFrame({ src, dst, etherType: EXPERIMENTAL_ETHERTYPE, payload: new TextEncoder().encode(marker.padEnd(46, '.')) });
}

export const hasMarker = (marker: string) => (f: Uint8Array) => Buffer.from(f).includes(marker);

/**
 * Sends the ARP barrier from `host` and waits for the router's reply; returns the frame sent.
 * `send` puts it into the session (default the peer's sendFrame; a traced test passes its frame channel's).
 */
export async function barrier(p: PeerTunnel, host: { mac: string; ip: string }, ms = 5000, send: (f: Uint8Array) => void = (f) => void p.sendFrame(f)): Promise<Uint8Array> {
  const req = arpRequest(host.mac, host.ip, BRIDGE_ADDRESS);
  const seen = p.events.length;
  send(req);
  await p.waitFor((e) => (p.events.indexOf(e) >= seen && e.kind === 'frame' && isArpReplyFrom(BRIDGE_ADDRESS)(e.frame) ? true : undefined), ms, 'the ARP barrier reply');
  return req;
}

export interface LearningRow {
  mac: string;
  member: string;
  type: 'static' | 'dynamic';
}

/**
 * Rows of `show bridge learning` (CR §58.9). ASSUMPTION: one row per entry, `MAC member type ...`
 * (the real format is NOT FOUND, facts §3.8; this is the emulator's; a hardware run confirms it).
 */
export function parseLearningRows(lines: readonly string[]): LearningRow[] {
  const rows: LearningRow[] = [];
  for (const l of lines) {
    const m = /^([0-9a-f]{2}(?::[0-9a-f]{2}){5})\s+(\S+)\s+(static|dynamic)\b/i.exec(l.trim());
    if (m) rows.push({ mac: m[1].toLowerCase(), member: m[2], type: m[3].toLowerCase() as 'static' | 'dynamic' });
  }
  return rows;
}

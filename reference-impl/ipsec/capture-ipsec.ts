// IPsec in a capture, unwrapped for the L2TPv3 decoder (issue 14, point 6): each frame carrying
// ESP (IP protocol 50, or UDP 4500 per RFC 3948) is decrypted with the key log's SA for its SPI
// and addresses, its ICV verified, and replaced by the frame it was before protection (same link
// header, IP header rewritten back, payload in clear), so capture/ decodes the L2TPv3 inside as if
// it had never been protected. IKE (UDP 500, and 4500 behind the non-ESP marker) is decrypted with
// the IKEV1 lines through the ISAKMP codec's capture decryptor (ike/, helper "ike") and summarised.
// Frames keep their numbers; frames without IPsec pass through untouched. Pure; never throws on
// captured octets. Error offsets are from the first octet of the captured frame.
import type { CaptureFile, CaptureRecord } from '../capture/capture-file.ts';
import { decodeIp, decodeUdp, ETHERTYPE, IP_PROTOCOL } from '../capture/ip.ts';
import { networkLayer } from '../capture/link-layer.ts';
import { Ikev1CaptureDecryptor } from './ike/capture-decryptor.ts';
import { summarizeHeader, summarizePayload, type IsakmpHeaderSummary, type IsakmpPayloadSummary } from './isakmp-summary.ts';
import { espSaOf, type EspKeyLogEntry, type KeyLogEntry } from './key-log.ts';
import type { EspErrorKind } from './esp/esp-packet.ts';
import type { EspSa } from './esp/esp-sa.ts';
import { IP_PROTOCOL_ESP, unprotectTransport } from './esp/esp-transport.ts';
import { ReplayWindow, type AntiReplay } from './esp/replay-window.ts';
import { classifyNatTPayload, IKE_PORT, NAT_T_PORT } from './esp/udp-encapsulation.ts';

export interface IpsecEndpoints {
  frame: number;
  ipVersion: 4 | 6;
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
}

export interface EspFrameInfo extends IpsecEndpoints {
  layer: 'esp';
  encapsulation: 'esp' | 'udp';
  /** Absent only when the ESP header itself is cut short. */
  spi?: number;
  sequence?: number;
  status: 'decrypted' | 'no-key' | 'rejected';
  /** The SA's algorithms, when one matched. */
  cipher?: string;
  integrity?: string;
  /** IP protocol of the decrypted payload. */
  nextHeader?: number;
  error?: { kind: EspErrorKind; offset: number; reason: string };
}

export interface IsakmpFrameInfo extends IpsecEndpoints {
  layer: 'isakmp';
  /** Carried on UDP 4500 behind the non-ESP marker. */
  natT: boolean;
  status: 'clear' | 'decrypted' | 'undecryptable' | 'failed' | 'malformed';
  header?: IsakmpHeaderSummary;
  payloads?: IsakmpPayloadSummary[];
  reason?: string;
  offset?: number;
}

export interface NatTFrameInfo extends IpsecEndpoints {
  layer: 'nat-t';
  status: 'nat-keepalive' | 'malformed';
  reason?: string;
  offset?: number;
}

export type IpsecFrameInfo = EspFrameInfo | IsakmpFrameInfo | NatTFrameInfo;

export interface IpsecUnwrapOptions {
  /**
   * Anti-replay check per SA while reading (RFC 4303 §3.4.3). Off by default: a capture reader,
   * like tshark, shows replays instead of dropping them; on, a replay is a rejected frame.
   */
  antiReplay?: AntiReplay;
}

export interface UnwrappedFrame {
  /** The frame to hand on: decrypted ESP rebuilt without IPsec, any other frame as captured. */
  data: Uint8Array;
  info?: IpsecFrameInfo;
}

interface KeyedSa {
  entry: EspKeyLogEntry;
  sa: EspSa;
  replay?: ReplayWindow;
}

/** Frame-by-frame unwrapping with the state a capture needs (IKE IV chains, replay windows). */
export class IpsecUnwrapper {
  private readonly sas: KeyedSa[] = [];
  private readonly ike: Ikev1CaptureDecryptor;

  constructor(keys: readonly KeyLogEntry[], opts: IpsecUnwrapOptions = {}) {
    for (const k of keys) {
      if (k.kind !== 'ESP') continue;
      const replay = opts.antiReplay && opts.antiReplay.check === 'on' ? new ReplayWindow(opts.antiReplay) : undefined;
      this.sas.push({ entry: k, sa: espSaOf(k), replay });
    }
    this.ike = new Ikev1CaptureDecryptor(keys.flatMap((k) => (k.kind === 'IKEV1' ? [{ icookie: k.icookie, encKey: k.encKey }] : [])));
  }

  /** Unwraps one captured frame; frameNumber is 1-based, as tshark counts. Never throws. */
  unwrap(linkType: number, frame: Uint8Array, frameNumber: number): UnwrappedFrame {
    const nl = networkLayer(linkType, frame);
    if (!nl.ok || (nl.etherType !== ETHERTYPE.IPV4 && nl.etherType !== ETHERTYPE.IPV6)) return { data: frame };
    const ipBytes = frame.subarray(nl.offset);
    const ip = decodeIp(ipBytes);
    if (!ip.ok || ip.value.laterFragment) return { data: frame };
    const p = ip.value;
    const ends: IpsecEndpoints = { frame: frameNumber, ipVersion: p.version, src: p.src, dst: p.dst };
    if (p.protocol === IP_PROTOCOL_ESP) return this.esp(frame, nl.offset, ipBytes, ends, false);
    if (p.protocol !== IP_PROTOCOL.UDP) return { data: frame };
    const udp = decodeUdp(p.payload);
    if (!udp.ok) return { data: frame };
    const u = udp.value;
    const at = nl.offset + p.payloadOffset + 8; // the UDP payload's offset in the frame
    const withPorts: IpsecEndpoints = { ...ends, srcPort: u.srcPort, dstPort: u.dstPort };
    if (u.srcPort === NAT_T_PORT || u.dstPort === NAT_T_PORT) {
      const c = classifyNatTPayload(u.payload);
      if (c.kind === 'esp') return this.esp(frame, nl.offset, ipBytes, withPorts, true);
      if (c.kind === 'ike') return { data: frame, info: this.isakmp(c.isakmp, at + c.offset, withPorts, true) };
      if (c.kind === 'nat-keepalive') return { data: frame, info: { ...withPorts, layer: 'nat-t', status: 'nat-keepalive' } };
      return { data: frame, info: { ...withPorts, layer: 'nat-t', status: 'malformed', reason: c.reason, offset: at + c.offset } };
    }
    if (u.srcPort === IKE_PORT || u.dstPort === IKE_PORT) return { data: frame, info: this.isakmp(u.payload, at, withPorts, false) };
    return { data: frame };
  }

  private esp(frame: Uint8Array, ipAt: number, ipBytes: Uint8Array, ends: IpsecEndpoints, udp: boolean): UnwrappedFrame {
    let matched: KeyedSa | undefined;
    const r = unprotectTransport(ipBytes, (spi, src, dst) => (matched = this.lookup(spi, src, dst))?.sa, { udp });
    const info: EspFrameInfo = { ...ends, layer: 'esp', encapsulation: udp ? 'udp' : 'esp', status: 'rejected' };
    if (r.ok) {
      const v = r.value;
      // The anti-replay check runs on the authenticated packet only (RFC 4303 §3.4.3).
      const replay = matched?.replay;
      const verdict = replay?.check(v.sequence);
      if (verdict && !verdict.ok) {
        return { data: frame, info: { ...info, spi: v.spi, sequence: v.sequence, ...algorithms(matched), error: { kind: verdict.kind, offset: ipAt + v.espOffset + 4, reason: verdict.reason } } };
      }
      replay?.update(v.sequence);
      const data = new Uint8Array(ipAt + v.ipPacket.length);
      data.set(frame.subarray(0, ipAt), 0);
      data.set(v.ipPacket, ipAt);
      return { data, info: { ...info, status: 'decrypted', spi: v.spi, sequence: v.sequence, ...algorithms(matched), nextHeader: v.nextHeader } };
    }
    if (r.spi !== undefined) {
      info.spi = r.spi;
      info.sequence = r.sequence;
    }
    if (!matched && r.spi !== undefined && r.error.kind === 'spi-mismatch') {
      return { data: frame, info: { ...info, status: 'no-key', error: { kind: r.error.kind, offset: ipAt + r.error.offset, reason: r.error.reason } } };
    }
    return { data: frame, info: { ...info, ...algorithms(matched), error: { kind: r.error.kind, offset: ipAt + r.error.offset, reason: r.error.reason } } };
  }

  /**
   * RFC 4303 §3.4.2: by SPI, narrowed by the addresses each line names (`*` for any); of several
   * matching lines the one naming more addresses wins (then the first in the file).
   */
  private lookup(spi: number, src: string, dst: string): KeyedSa | undefined {
    let best: KeyedSa | undefined;
    let bestScore = -1;
    for (const k of this.sas) {
      const e = k.entry;
      if (e.spi !== spi || (e.src !== '*' && e.src !== src) || (e.dst !== '*' && e.dst !== dst)) continue;
      const score = (e.src === '*' ? 0 : 1) + (e.dst === '*' ? 0 : 1);
      if (score > bestScore) {
        best = k;
        bestScore = score;
      }
    }
    return best;
  }

  private isakmp(bytes: Uint8Array, at: number, ends: IpsecEndpoints, natT: boolean): IsakmpFrameInfo {
    const r = this.ike.push(bytes);
    const info: IsakmpFrameInfo = { ...ends, layer: 'isakmp', natT, status: r.status };
    if (r.status === 'malformed') return { ...info, reason: r.reason, offset: at + r.offset };
    info.header = summarizeHeader(r.header);
    if (r.status === 'clear' || r.status === 'decrypted') info.payloads = r.payloads.map(summarizePayload);
    else {
      info.reason = r.reason;
      if (r.status === 'failed' && r.offset !== undefined) info.offset = at + r.offset;
    }
    return info;
  }
}

function algorithms(k: KeyedSa | undefined): { cipher?: string; integrity?: string } {
  return k ? { cipher: k.sa.cipher.name, integrity: k.sa.integrity.name } : {};
}

export interface UnwrappedCapture {
  /** The same records, decrypted ESP frames replaced by their clear form. */
  file: CaptureFile;
  /** One entry per frame that carried IPsec, in frame order. */
  frames: IpsecFrameInfo[];
}

/** Unwraps a whole capture. */
export function unwrapIpsecCapture(file: CaptureFile, keys: readonly KeyLogEntry[], opts: IpsecUnwrapOptions = {}): UnwrappedCapture {
  const u = new IpsecUnwrapper(keys, opts);
  const frames: IpsecFrameInfo[] = [];
  const records: CaptureRecord[] = file.records.map((rec, i) => {
    const r = u.unwrap(file.linkTypes[rec.interfaceId ?? 0], rec.data, i + 1);
    if (r.info) frames.push(r.info);
    if (r.data === rec.data) return rec;
    // originalLength no longer describes the rewritten frame: dropped.
    const out: CaptureRecord = { timestampUs: rec.timestampUs, data: r.data };
    if (rec.interfaceId !== undefined) out.interfaceId = rec.interfaceId;
    return out;
  });
  return { file: { format: file.format, linkTypes: file.linkTypes, records }, frames };
}

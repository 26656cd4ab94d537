// IPsec as a frame stage of `decode`'s pipeline (capture/decode-pipeline.ts FrameStage): every
// captured frame passes through IpsecUnwrapper (capture-ipsec.ts); decrypted ESP frames go on to
// the L2TPv3 decoder as their clear form (own buffer, same frame number), all others unchanged.
// What the stage learnt about the frame (ESP SPI/sequence and verdict, ISAKMP header and payloads,
// NAT-keepalive) waits in `notes()` as one output line, text or JSON, for the pipeline to print
// before the frame's L2TPv3 line. Pure.
import type { CapturedFrame, FrameStage } from '../capture/decode-pipeline.ts';
import { IpsecUnwrapper, type IpsecFrameInfo, type IpsecUnwrapOptions } from './capture-ipsec.ts';
import { formatIpsecFrame } from './capture-ipsec-format.ts';
import type { KeyLogEntry } from './key-log.ts';

/** The JSON line of an IPsec frame: `{"frame":N,"timestampUs":T,"ipsec":{...}}`. */
export function ipsecJson(info: IpsecFrameInfo, timestampUs: number): string {
  const { frame, ...ipsec } = info;
  return JSON.stringify({ frame, timestampUs, ipsec });
}

export class IpsecFrameStage implements FrameStage {
  readonly name = 'ipsec';
  private readonly unwrapper: IpsecUnwrapper;
  private pending: { info: IpsecFrameInfo; timestampUs: number } | undefined;

  constructor(keys: readonly KeyLogEntry[], opts: IpsecUnwrapOptions = {}) {
    this.unwrapper = new IpsecUnwrapper(keys, opts);
  }

  process(f: CapturedFrame): CapturedFrame | null {
    const frame = f.bytes.subarray(f.start, f.end);
    const r = this.unwrapper.unwrap(f.linkType, frame, f.frame);
    this.pending = r.info ? { info: r.info, timestampUs: f.timestampUs } : undefined;
    if (r.data === frame) return f;
    return { bytes: r.data, start: 0, end: r.data.length, linkType: f.linkType, frame: f.frame, timestampUs: f.timestampUs };
  }

  /** The line for the frame last processed (none when it carried no IPsec); taken once. */
  notes(json: boolean): string[] {
    const p = this.pending;
    this.pending = undefined;
    if (!p) return [];
    return [json ? ipsecJson(p.info, p.timestampUs) : formatIpsecFrame(p.info)];
  }
}

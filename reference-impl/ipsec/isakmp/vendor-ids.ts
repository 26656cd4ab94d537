// Vendor ID payload contents the oracle sends and recognises. Each is a fixed octet string
// published in the document named beside it.
import { PAYLOAD } from './constants.ts';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));

export const VENDOR_ID = {
  /** RFC 3947 §3.1: MD5("RFC 3947"). */
  natTRfc3947: hex('4a131c81070358455c5728f20e95452f'),
  /** draft-ietf-ipsec-nat-t-ike-02 (with the trailing "\n" typo); peers before RFC 3947 send it. */
  natTDraft02n: hex('90cb80913ebb696e086381b5ec427b1f'),
  /** draft-ietf-ipsec-nat-t-ike-03. */
  natTDraft03: hex('7d9419a65310ca6f2c179d9215529d56'),
  /** RFC 3706 §7: the DPD vendor ID (major 1, minor 0). */
  dpd: hex('afcad71368a1f1c96b8696fc77570100'),
} as const;
export type VendorIdName = keyof typeof VENDOR_ID;

export function vendorIdName(data: Uint8Array): VendorIdName | undefined {
  for (const [k, v] of Object.entries(VENDOR_ID)) if (Buffer.compare(Buffer.from(v), Buffer.from(data)) === 0) return k as VendorIdName;
  return undefined;
}

/** Which NAT-D payload number a NAT-T vendor ID implies: RFC 3947 §3.2 uses 20, the drafts 130. */
export function natDPayloadFor(vid: VendorIdName): number | undefined {
  if (vid === 'natTRfc3947') return PAYLOAD.natD;
  if (vid === 'natTDraft02n' || vid === 'natTDraft03') return PAYLOAD.natDDraft;
  return undefined;
}

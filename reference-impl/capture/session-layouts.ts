// Which cookie length and L2-Specific Sublayer each session direction uses, learnt from the
// control exchange the way Wireshark's dissector does (facts §6.1): a control message from
// endpoint E carrying Local Session ID L, Assigned Cookie C and L2-Specific Sublayer T tells
// that data sent TO E with Session ID L carries a |C|-octet cookie and sublayer T
// (RFC 3931 §5.4.4 Assigned Cookie, §5.4.5 L2-Specific Sublayer: both describe what the
// sender expects to receive).
import { AVP, L2SS_TYPE } from '../l2tpv3/avp-types.ts';
import type { Avp } from '../l2tpv3/avp.ts';
import type { CookieLength, DataLayout, L2ssMode } from '../l2tpv3/data-message.ts';

export class SessionLayouts {
  private readonly byEndpoint = new Map<string, Map<number, DataLayout>>();
  private readonly bySession = new Map<number, DataLayout>();
  /** Pseudowire type per session ID, shared by both directions of a session. */
  private readonly pwTypes = new Map<number, number>();

  /** Learns from a decoded control message sent by `from`. */
  learn(from: string, avps: readonly Avp[]): void {
    let localSid: number | undefined;
    let cookieLength: CookieLength | undefined;
    let l2ss: L2ssMode | undefined;
    let remoteSid: number | undefined;
    let pwType: number | undefined;
    for (const a of avps) {
      if (a.vendorId !== 0) continue;
      const v = a.value;
      if (a.attributeType === AVP.LocalSessionId && v.kind === 'u32') localSid = v.value;
      else if (a.attributeType === AVP.AssignedCookie && v.kind === 'octets' && [0, 4, 8].includes(v.value.length)) cookieLength = v.value.length as CookieLength;
      else if (a.attributeType === AVP.RemoteSessionId && v.kind === 'u32') remoteSid = v.value;
      else if (a.attributeType === AVP.PseudowireType && v.kind === 'u16') pwType = v.value;
      else if (a.attributeType === AVP.L2SpecificSublayer && v.kind === 'u16') l2ss = v.value === L2SS_TYPE.Default ? 'default' : 'none';
    }
    if (localSid === undefined || localSid === 0) return;
    // ICRQ/OCRQ name the PW type; the reply links the peer's session ID to it.
    const pw = pwType ?? this.pwTypes.get(localSid) ?? (remoteSid ? this.pwTypes.get(remoteSid) : undefined);
    if (pw !== undefined) {
      this.pwTypes.set(localSid, pw);
      if (remoteSid) this.pwTypes.set(remoteSid, pw);
    }
    let forEndpoint = this.byEndpoint.get(from);
    if (!forEndpoint) this.byEndpoint.set(from, (forEndpoint = new Map()));
    const prev = forEndpoint.get(localSid);
    // ICRQ/ICRP set the cookie; a later ICCN may only restate the sublayer.
    const layout: DataLayout = { cookieLength: cookieLength ?? prev?.cookieLength ?? 0, l2ss: l2ss ?? prev?.l2ss ?? 'none' };
    forEndpoint.set(localSid, layout);
    this.bySession.set(localSid, layout);
  }

  pseudowireType(sessionId: number): number | undefined {
    return this.pwTypes.get(sessionId);
  }

  /** Layout of data sent to `to` with `sessionId`; by session ID alone when the address is unknown. */
  lookup(to: string, sessionId: number): DataLayout | undefined {
    return this.byEndpoint.get(to)?.get(sessionId) ?? this.bySession.get(sessionId);
  }
}

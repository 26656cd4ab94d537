// Control message types and the AVPs each must / may carry.
// Source: l2tpv3-protocol-facts §2 (RFC 3931 §3.1, §6.1-6.15; Wireshark message_type_vals).

export const MESSAGE_TYPE = {
  SCCRQ: 1, SCCRP: 2, SCCCN: 3, StopCCN: 4, HELLO: 6,
  OCRQ: 7, OCRP: 8, OCCN: 9, ICRQ: 10, ICRP: 11, ICCN: 12,
  CDN: 14, WEN: 15, SLI: 16, ACK: 20,
} as const;

export type MessageTypeName = keyof typeof MESSAGE_TYPE;
export type MessageTypeCode = (typeof MESSAGE_TYPE)[MessageTypeName];

// AVP type codes named here are those of avp-types.ts (kept as numbers to avoid a cycle).
const RV = 36, MD = 59;

export interface MessageTypeInfo {
  code: number;
  name: string;
  longName: string;
  /** AVPs the RFC says MUST be present (Message Type first, except ACK). */
  mandatory: readonly number[];
  optional: readonly number[];
  /** Which FSM the message belongs to: control connection or session. */
  scope: 'connection' | 'session';
}

// l2tpv3-protocol-facts §2, "Mandatory / optional AVPs per message" [3931 §6.1-6.15]
export const MESSAGE_TYPES: readonly MessageTypeInfo[] = [
  { code: 1, name: 'SCCRQ', longName: 'Start-Control-Connection-Request', scope: 'connection', mandatory: [0, 7, 60, 61, 62], optional: [RV, 73, MD, 5, 8, 10, 72] },
  { code: 2, name: 'SCCRP', longName: 'Start-Control-Connection-Reply', scope: 'connection', mandatory: [0, 7, 60, 61, 62], optional: [RV, 73, MD, 8, 10, 72] },
  { code: 3, name: 'SCCCN', longName: 'Start-Control-Connection-Connected', scope: 'connection', mandatory: [0], optional: [RV, MD] },
  { code: 4, name: 'StopCCN', longName: 'Stop-Control-Connection-Notification', scope: 'connection', mandatory: [0, 1], optional: [RV, MD, 61] },
  { code: 6, name: 'HELLO', longName: 'Hello', scope: 'connection', mandatory: [0], optional: [RV, MD] },
  { code: 7, name: 'OCRQ', longName: 'Outgoing-Call-Request', scope: 'session', mandatory: [0, 63, 64, 15, 68, 66, 71], optional: [RV, MD, 65, 74, 75, 5, 69, 70] },
  { code: 8, name: 'OCRP', longName: 'Outgoing-Call-Reply', scope: 'session', mandatory: [0, 63, 64, 71], optional: [RV, MD, 65, 69, 74, 75, 70, 25] },
  { code: 9, name: 'OCCN', longName: 'Outgoing-Call-Connected', scope: 'session', mandatory: [0, 63, 64], optional: [RV, MD, 69, 74, 75, 70, 71] },
  { code: 10, name: 'ICRQ', longName: 'Incoming-Call-Request', scope: 'session', mandatory: [0, 63, 64, 15, 68, 66, 71], optional: [RV, MD, 65, 5, 69, 70, 74, 75, 25] },
  { code: 11, name: 'ICRP', longName: 'Incoming-Call-Reply', scope: 'session', mandatory: [0, 63, 64, 71], optional: [RV, MD, 65, 69, 70, 74, 75, 25] },
  { code: 12, name: 'ICCN', longName: 'Incoming-Call-Connected', scope: 'session', mandatory: [0, 63, 64], optional: [RV, MD, 69, 70, 74, 75, 71] },
  { code: 14, name: 'CDN', longName: 'Call-Disconnect-Notify', scope: 'session', mandatory: [0, 1, 63, 64], optional: [RV, MD] },
  { code: 15, name: 'WEN', longName: 'WAN-Error-Notify', scope: 'session', mandatory: [0, 63, 64, 34], optional: [RV, MD] },
  { code: 16, name: 'SLI', longName: 'Set-Link-Info', scope: 'session', mandatory: [0, 63, 64], optional: [RV, MD, 71] },
  { code: 20, name: 'ACK', longName: 'Explicit-Acknowledgement', scope: 'connection', mandatory: [], optional: [0, MD] },
];

const BY_CODE = new Map(MESSAGE_TYPES.map((m) => [m.code, m]));

export function messageTypeInfo(code: number): MessageTypeInfo | undefined {
  return BY_CODE.get(code);
}

/** Short name as tshark and our logs print it; unknown codes as `type N`. */
export function messageTypeName(code: number): string {
  return BY_CODE.get(code)?.name ?? `type ${code}`;
}

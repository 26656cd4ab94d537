// Informational exchanges (RFC 2408 §4.8, RFC 2409 §5.7): protected ones carry HASH(1) =
// prf(SKEYID_a, M-ID | N/D) first and use their own IV (RFC 2409 Appendix B); unprotected ones
// (before keys exist) carry only the notification. Payload builders for DPD (RFC 3706 §5:
// R-U-THERE / R-U-THERE-ACK with the cookies as SPI and a 32-bit sequence number) and Delete
// (RFC 2408 §3.15).
import { DOI_IPSEC, EXCHANGE, PROTOCOL } from '../isakmp/constants.ts';
import { encodePlainMessage } from '../isakmp/message.ts';
import { encodePayloads, type Payload } from '../isakmp/payloads.ts';
import type { IsakmpSa } from './isakmp-sa.ts';
import { quickHash1 } from './keys.ts';
import { encryptMessage, exchangeIv } from './phase1-cipher.ts';

export function cookiesSpi(sa: IsakmpSa): Uint8Array {
  return Uint8Array.from([...sa.icookie, ...sa.rcookie]);
}

export function notification(protocolId: number, notifyType: number, spi: Uint8Array, data: Uint8Array = new Uint8Array(0)): Payload {
  return { kind: 'notification', doi: DOI_IPSEC, protocolId, notifyType, spi, data };
}

export function dpdNotification(sa: IsakmpSa, notifyType: number, seq: number): Payload {
  const data = new Uint8Array(4);
  new DataView(data.buffer).setUint32(0, seq >>> 0);
  return notification(PROTOCOL.isakmp, notifyType, cookiesSpi(sa), data);
}

export function dpdSequence(p: Payload): number | undefined {
  if (p.kind !== 'notification' || p.data.length !== 4) return undefined;
  return new DataView(p.data.buffer, p.data.byteOffset).getUint32(0);
}

export function deleteEsp(spis: readonly Uint8Array[]): Payload {
  return { kind: 'delete', doi: DOI_IPSEC, protocolId: PROTOCOL.esp, spiSize: 4, spis: [...spis] };
}

export function deleteIsakmp(sa: IsakmpSa): Payload {
  return { kind: 'delete', doi: DOI_IPSEC, protocolId: PROTOCOL.isakmp, spiSize: 16, spis: [cookiesSpi(sa)] };
}

/** A protected informational under an established (or keyed) ISAKMP SA. */
export function protectedInformational(sa: IsakmpSa, messageId: number, payloads: readonly Payload[]): Uint8Array {
  if (!sa.suite || !sa.cipher || !sa.keys || !sa.iv) throw new Error('protected informational without keys');
  const rest = encodePayloads(payloads).bytes;
  const all: Payload[] = [{ kind: 'hash', data: quickHash1(sa.suite.hash, sa.keys.skeyidA, messageId, rest) }, ...payloads];
  const iv = exchangeIv(sa.suite.hash, sa.cipher, sa.iv, messageId);
  return encryptMessage({ icookie: sa.icookie, rcookie: sa.rcookie, exchange: EXCHANGE.informational, messageId }, all, sa.cipher, sa.keys.encKey, iv).bytes;
}

/** An unprotected informational (no keys yet, e.g. NO-PROPOSAL-CHOSEN to message 1). */
export function plainInformational(sa: IsakmpSa, messageId: number, payloads: readonly Payload[]): Uint8Array {
  return encodePlainMessage({ icookie: sa.icookie, rcookie: sa.rcookie, exchange: EXCHANGE.informational, messageId }, payloads);
}

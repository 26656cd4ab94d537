// Decrypting the IKEv1 messages of a captured exchange with only the key-log line
// `IKEV1 ICOOKIE ENCKEY` (issue 14, point 5): like Wireshark's ikev1_decryption_table, the IVs
// are rebuilt from what the capture shows (RFC 2409 Appendix B): the chosen transform (hash and
// cipher) from the responder's SA, g^xi and g^xr from the two KE payloads of phase 1, then the
// CBC chain message by message. Feed every ISAKMP message of the capture in order (without the
// non-ESP marker of port 4500); state is per initiator cookie.
import { CIPHERS, type CbcCipher, type CipherName } from '../cipher-suite.ts';
import { IsakmpDecodeError } from '../isakmp/decode-error.ts';
import { decodeMessage, type IsakmpHeader } from '../isakmp/message.ts';
import type { Payload } from '../isakmp/payloads.ts';
import { readPhase1Transform, type PrfHash } from './algorithms.ts';
import { decryptBody, DecryptError, exchangeIv, phase1Iv } from './phase1-cipher.ts';

export interface Ikev1Key {
  icookie: Uint8Array;
  encKey: Uint8Array;
}

export type CaptureDecryptResult =
  /** The message was not encrypted: its payloads as sent. */
  | { status: 'clear'; header: IsakmpHeader; payloads: Payload[] }
  | { status: 'decrypted'; header: IsakmpHeader; payloads: Payload[]; plaintext: Uint8Array }
  /** Encrypted, but no key for this cookie, or the IV cannot be built yet (no SA/KE seen): `reason` says which. */
  | { status: 'undecryptable'; header: IsakmpHeader; reason: string }
  /** Decryption ran but the plaintext is not a valid payload chain (wrong key, or a lost message broke the IV chain). */
  | { status: 'failed'; header: IsakmpHeader; reason: string; offset?: number }
  /** Not an ISAKMP message at all. */
  | { status: 'malformed'; offset: number; reason: string };

interface CookieState {
  key: Uint8Array;
  hash?: PrfHash;
  cipher?: CbcCipher;
  gxi?: Uint8Array;
  gxr?: Uint8Array;
  /** IV for the next phase-1 message (message ID 0). */
  p1Iv?: Uint8Array;
  /** IV per quick-mode / informational message ID. */
  exchangeIvs: Map<number, Uint8Array>;
  /** Results by message octets, so a retransmission decrypts with the IV its first copy used. */
  seen: Map<string, CaptureDecryptResult>;
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const eq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/** When no SA was seen: the cipher the key length implies (AES-192 is not in RTX's set). */
const CIPHER_BY_KEY_LENGTH: Record<number, CipherName> = { 16: 'aes-cbc', 24: '3des-cbc', 32: 'aes256-cbc' };

export class Ikev1CaptureDecryptor {
  private readonly states = new Map<string, CookieState>();

  constructor(keys: readonly Ikev1Key[]) {
    for (const k of keys) this.states.set(hex(k.icookie), { key: k.encKey, exchangeIvs: new Map(), seen: new Map() });
  }

  /** Decodes one ISAKMP message and decrypts it when it can. Never throws on bad input. */
  push(bytes: Uint8Array): CaptureDecryptResult {
    let msg;
    try {
      msg = decodeMessage(bytes);
    } catch (e) {
      if (e instanceof IsakmpDecodeError) return { status: 'malformed', offset: e.offset, reason: e.what };
      throw e;
    }
    const st = this.states.get(hex(msg.header.icookie));
    if (!msg.encrypted) {
      if (st) this.learn(st, msg.header, msg.payloads);
      return { status: 'clear', header: msg.header, payloads: msg.payloads };
    }
    const header = msg.header;
    if (!st) return { status: 'undecryptable', header, reason: `no key for initiator cookie ${hex(header.icookie)}` };
    const memo = st.seen.get(hex(bytes));
    if (memo) return memo;
    const cipher = st.cipher ?? CIPHERS[CIPHER_BY_KEY_LENGTH[st.key.length]];
    if (!cipher || cipher.keyBytes !== st.key.length) return { status: 'undecryptable', header, reason: `a ${st.key.length}-octet key fits no cipher of the SA` };
    let iv: Uint8Array | undefined;
    if (header.messageId === 0) iv = st.p1Iv;
    else iv = st.exchangeIvs.get(header.messageId) ?? (st.p1Iv && st.hash ? exchangeIv(st.hash, cipher, st.p1Iv, header.messageId) : undefined);
    if (!iv) return { status: 'undecryptable', header, reason: 'the IV needs both KE payloads and the chosen hash of phase 1, not seen in this capture' };
    let result: CaptureDecryptResult;
    try {
      const d = decryptBody(header, msg.body, cipher, st.key, iv);
      if (header.messageId === 0) st.p1Iv = d.nextIv;
      else st.exchangeIvs.set(header.messageId, d.nextIv);
      result = { status: 'decrypted', header, payloads: d.payloads, plaintext: d.plaintext };
    } catch (e) {
      if (e instanceof IsakmpDecodeError) result = { status: 'failed', header, reason: e.what, offset: e.offset };
      else if (e instanceof DecryptError) result = { status: 'failed', header, reason: e.what };
      else throw e;
    }
    st.seen.set(hex(bytes), result);
    return result;
  }

  /** Phase-1 facts from a clear message: the chosen transform and the two public values. */
  private learn(st: CookieState, header: IsakmpHeader, payloads: readonly Payload[]): void {
    if (header.messageId !== 0) return;
    for (const p of payloads) {
      if (p.kind === 'sa') {
        // The responder's SA holds the one chosen transform; an initiator's single offer is as good.
        const ts = p.proposals.flatMap((pr) => pr.transforms);
        const suite = ts.length === 1 ? readPhase1Transform(ts[0]) : undefined;
        if (suite) {
          st.hash = suite.hash;
          st.cipher = CIPHERS[suite.cipher];
        }
      } else if (p.kind === 'ke') {
        // IKEv1 headers carry no initiator flag: the first KE of phase 1 is the initiator's
        // (main mode message 3, aggressive mode message 1), the next different one the responder's.
        if (!st.gxi) st.gxi = p.data;
        else if (!st.gxr && !eq(st.gxi, p.data)) st.gxr = p.data;
      }
    }
    if (st.gxi && st.gxr && st.hash && st.cipher && !st.p1Iv) st.p1Iv = phase1Iv(st.hash, st.cipher, st.gxi, st.gxr);
  }
}

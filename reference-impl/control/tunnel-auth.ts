// `l2tp tunnel auth on <password>` on the wire, both candidate methods (facts §3.7, §3.8):
//  - 'digest':    Nonce AVPs in SCCRQ/SCCRP, then a Message Digest in every message (3931 §4.3);
//  - 'challenge': Challenge in SCCRQ and SCCRP, Challenge Response in SCCRP and SCCCN
//                 = MD5(message type | secret | challenge) (2661 §4.4.3).
// The secret never leaves this object except into HMAC/MD5 inputs.
import { avps as A } from '../l2tpv3/avp-builders.ts';
import { findAvp, type Avp } from '../l2tpv3/avp.ts';
import { AVP } from '../l2tpv3/avp-types.ts';
import { challengeResponse, verifyControlMessage, type DigestNonces } from '../l2tpv3/authentication.ts';
import type { ControlMessage } from '../l2tpv3/control-message.ts';
import type { Secret } from '../l2tpv3/hiding.ts';
import { MESSAGE_TYPE as MT } from '../l2tpv3/message-types.ts';
import { bytesEqual } from '../l2tpv3/wire.ts';
import type { TunnelAuthMethod } from './control-profile.ts';
import { randomBytes, type RandomSource } from './random.ts';

export type AuthCheck = 'ok' | 'fail';

function octetsOf(a: Avp | undefined): Uint8Array | undefined {
  return a && a.value.kind === 'octets' ? a.value.value : undefined;
}

export class TunnelAuth {
  private ourNonce?: Uint8Array;
  private peerNonce?: Uint8Array;
  private ourChallenge?: Uint8Array;
  private peerChallenge?: Uint8Array;

  constructor(
    readonly enabled: boolean,
    readonly method: TunnelAuthMethod,
    private readonly secret: Secret,
    private readonly random: RandomSource,
    private readonly nonceLength: number,
    readonly digestType: 0 | 1,
  ) {}

  /** Every message carries a Message Digest (3931 §4.3): digest method, auth on. */
  get signs(): boolean {
    return this.enabled && this.method === 'digest';
  }

  /** AVPs auth adds to an outgoing message (after the mandatory ones). */
  extraAvps(type: number): Avp[] {
    if (!this.enabled) return [];
    if (this.method === 'digest') {
      if (type === MT.SCCRQ || type === MT.SCCRP) {
        this.ourNonce ??= randomBytes(this.random, this.nonceLength);
        return [A.nonce(this.ourNonce)];
      }
      return [];
    }
    const out: Avp[] = [];
    if ((type === MT.SCCRP || type === MT.SCCCN) && this.peerChallenge) out.push(A.challengeResponse(challengeResponse(type, this.secret, this.peerChallenge)));
    if (type === MT.SCCRQ || type === MT.SCCRP) {
      this.ourChallenge ??= randomBytes(this.random, this.nonceLength);
      out.push(A.challenge(this.ourChallenge));
    }
    return out;
  }

  /** Encoding options for a message we send: the secret and nonces when signing. */
  signOptions(type: number): { secret: Secret; sign: { nonces?: DigestNonces } } | undefined {
    if (!this.signs) return undefined;
    if (type === MT.SCCRQ) return { secret: this.secret, sign: {} };
    return { secret: this.secret, sign: { nonces: { sender: this.ourNonce ?? new Uint8Array(0), receiver: this.peerNonce ?? new Uint8Array(0) } } };
  }

  /** The secret for decoding hidden AVPs, when auth is on. */
  get decodeSecret(): Secret | undefined {
    return this.enabled ? this.secret : undefined;
  }

  /**
   * Checks a received message before its content is used (3931 §4.3). Learns the peer's
   * nonce / challenge from SCCRQ and SCCRP. 'fail' = authentication error.
   */
  check(raw: Uint8Array, msg: ControlMessage, type: number | undefined): AuthCheck {
    const isStart = type === MT.SCCRQ || type === MT.SCCRP;
    if (!this.enabled) {
      // We cannot answer a challenge or verify a digest without a password.
      return isStart && (findAvp(msg.avps, AVP.Challenge) || findAvp(msg.avps, AVP.Nonce)) ? 'fail' : 'ok';
    }
    if (this.method === 'digest') {
      if (isStart) {
        const n = octetsOf(findAvp(msg.avps, AVP.Nonce));
        if (!n) return 'fail';
        this.peerNonce = n;
      }
      const nonces = type === MT.SCCRQ ? undefined : { sender: this.peerNonce ?? new Uint8Array(0), receiver: this.ourNonce ?? new Uint8Array(0) };
      return verifyControlMessage(raw, 'udp', this.secret, nonces) === 'valid' ? 'ok' : 'fail';
    }
    if (type === MT.SCCRP || type === MT.SCCCN) {
      const got = octetsOf(findAvp(msg.avps, AVP.ChallengeResponse));
      if (!got || !this.ourChallenge || !bytesEqual(got, challengeResponse(type, this.secret, this.ourChallenge))) return 'fail';
    }
    if (isStart) {
      const c = octetsOf(findAvp(msg.avps, AVP.Challenge));
      if (!c) return 'fail';
      this.peerChallenge = c;
    }
    return 'ok';
  }
}

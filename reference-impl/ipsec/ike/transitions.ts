// The IKEv1 state tables, one row per message a state accepts, to be held against RFC 2409:
// main mode §5 (6 messages), aggressive mode §5 (3), with pre-shared keys §5.4, and quick mode
// §5.5 (3). "HDR*" marks an encrypted message. A row names the payloads the message must carry,
// the handler that checks and answers it, and the next state; walkRow() is all the node does with
// a row, so what is not in the table does not happen (an unexpected message is dropped).
import type { PayloadKind } from '../isakmp/payloads.ts';
import type { Role } from './isakmp-sa.ts';

/** "sent message N, waiting for the next" (MI = main initiator, MR = main responder, AI/AR aggressive). */
export type Phase1State = 'start' | 'MI1' | 'MI3' | 'MI5' | 'MR2' | 'MR4' | 'AI1' | 'AR2' | 'established';
export type QuickState = 'start' | 'QI1' | 'QR2' | 'done';

export type Phase1Handler =
  | 'sendMM1' | 'recvMM2sendMM3' | 'recvMM4sendMM5' | 'recvMM6'
  | 'recvMM1sendMM2' | 'recvMM3sendMM4' | 'recvMM5sendMM6'
  | 'sendAM1' | 'recvAM2sendAM3'
  | 'recvAM1sendAM2' | 'recvAM3';
export type QuickHandler = 'sendQM1' | 'recvQM2sendQM3' | 'recvQM1sendQM2' | 'recvQM3';

export interface Transition<S, H> {
  role: Role;
  from: S;
  /** The message accepted (RFC 2409 notation), or the local event. */
  on: string;
  /** Payloads that must be present; others may be too (vendor IDs, notifications, NAT-D). */
  requires: readonly PayloadKind[];
  /** yes: HDR*; no: HDR; either: RFC 2409 allows both (aggressive mode message 3). */
  encrypted: 'yes' | 'no' | 'either';
  handler: H;
  /** What we send in answer (RFC 2409 notation). */
  sends: string;
  to: S;
}

export type Phase1Transition = Transition<Phase1State, Phase1Handler> & { mode: 'main' | 'aggressive' };
export type QuickTransition = Transition<QuickState, QuickHandler>;

export const PHASE1_TRANSITIONS: readonly Phase1Transition[] = [
  // RFC 2409 §5.4 main mode with pre-shared key; NAT-T additions RFC 3947 §3.1-3.2, §4.
  { mode: 'main', role: 'initiator', from: 'start', on: 'connect', requires: [], encrypted: 'no', handler: 'sendMM1', sends: 'HDR, SA, VID(NAT-T), VID(DPD)', to: 'MI1' },
  { mode: 'main', role: 'initiator', from: 'MI1', on: 'HDR, SA [, VID]', requires: ['sa'], encrypted: 'no', handler: 'recvMM2sendMM3', sends: 'HDR, KE, Ni [, NAT-D, NAT-D]', to: 'MI3' },
  { mode: 'main', role: 'initiator', from: 'MI3', on: 'HDR, KE, Nr [, NAT-D, NAT-D]', requires: ['ke', 'nonce'], encrypted: 'no', handler: 'recvMM4sendMM5', sends: 'HDR*, IDii, HASH_I [, N(INITIAL-CONTACT)] (to 4500 after a NAT)', to: 'MI5' },
  { mode: 'main', role: 'initiator', from: 'MI5', on: 'HDR*, IDir, HASH_R', requires: ['id', 'hash'], encrypted: 'yes', handler: 'recvMM6', sends: '(nothing: phase 1 done)', to: 'established' },
  { mode: 'main', role: 'responder', from: 'start', on: 'HDR, SA [, VID]', requires: ['sa'], encrypted: 'no', handler: 'recvMM1sendMM2', sends: 'HDR, SA, VID(NAT-T), VID(DPD)', to: 'MR2' },
  { mode: 'main', role: 'responder', from: 'MR2', on: 'HDR, KE, Ni [, NAT-D, NAT-D]', requires: ['ke', 'nonce'], encrypted: 'no', handler: 'recvMM3sendMM4', sends: 'HDR, KE, Nr [, NAT-D, NAT-D]', to: 'MR4' },
  { mode: 'main', role: 'responder', from: 'MR4', on: 'HDR*, IDii, HASH_I', requires: ['id', 'hash'], encrypted: 'yes', handler: 'recvMM5sendMM6', sends: 'HDR*, IDir, HASH_R', to: 'established' },
  // RFC 2409 §5.4 aggressive mode with pre-shared key; RFC 3947 §3.2 (NAT-D in messages 2 and 3), §4 (float with message 3).
  { mode: 'aggressive', role: 'initiator', from: 'start', on: 'connect', requires: [], encrypted: 'no', handler: 'sendAM1', sends: 'HDR, SA, KE, Ni, IDii, VID(NAT-T), VID(DPD)', to: 'AI1' },
  { mode: 'aggressive', role: 'initiator', from: 'AI1', on: 'HDR, SA, KE, Nr, IDir, HASH_R [, VID, NAT-D, NAT-D]', requires: ['sa', 'ke', 'nonce', 'id', 'hash'], encrypted: 'no', handler: 'recvAM2sendAM3', sends: 'HDR*, HASH_I [, NAT-D, NAT-D, N(INITIAL-CONTACT)]', to: 'established' },
  { mode: 'aggressive', role: 'responder', from: 'start', on: 'HDR, SA, KE, Ni, IDii [, VID]', requires: ['sa', 'ke', 'nonce', 'id'], encrypted: 'no', handler: 'recvAM1sendAM2', sends: 'HDR, SA, KE, Nr, IDir, HASH_R, VID(NAT-T), VID(DPD) [, NAT-D, NAT-D]', to: 'AR2' },
  { mode: 'aggressive', role: 'responder', from: 'AR2', on: 'HDR[*], HASH_I [, NAT-D, NAT-D]', requires: ['hash'], encrypted: 'either', handler: 'recvAM3', sends: '(nothing: phase 1 done)', to: 'established' },
];

export const QUICK_TRANSITIONS: readonly QuickTransition[] = [
  // RFC 2409 §5.5 (PFS: KE; client IDs for udp/1701), RFC 3947 §5 (UDP-encapsulated modes, NAT-OA).
  { role: 'initiator', from: 'start', on: 'connect / rekey', requires: [], encrypted: 'yes', handler: 'sendQM1', sends: 'HDR*, HASH(1), SA, Ni [, KE], IDci, IDcr [, NAT-OAi, NAT-OAr]', to: 'QI1' },
  { role: 'initiator', from: 'QI1', on: 'HDR*, HASH(2), SA, Nr [, KE], IDci, IDcr [, NAT-OA]', requires: ['hash', 'sa', 'nonce'], encrypted: 'yes', handler: 'recvQM2sendQM3', sends: 'HDR*, HASH(3)', to: 'done' },
  { role: 'responder', from: 'start', on: 'HDR*, HASH(1), SA, Ni [, KE], IDci, IDcr [, NAT-OA]', requires: ['hash', 'sa', 'nonce'], encrypted: 'yes', handler: 'recvQM1sendQM2', sends: 'HDR*, HASH(2), SA, Nr [, KE], IDci, IDcr [, NAT-OA]', to: 'QR2' },
  { role: 'responder', from: 'QR2', on: 'HDR*, HASH(3)', requires: ['hash'], encrypted: 'yes', handler: 'recvQM3', sends: '(nothing: IPsec SA up)', to: 'done' },
];

/** Why a message does not fit the row for the state, or undefined when it does. */
export function rowMismatch(row: { requires: readonly PayloadKind[]; encrypted: 'yes' | 'no' | 'either' }, encrypted: boolean, kinds: readonly PayloadKind[]): string | undefined {
  if (row.encrypted === 'yes' && !encrypted) return 'expected an encrypted message';
  if (row.encrypted === 'no' && encrypted) return 'expected a message in the clear';
  const missing = row.requires.filter((k) => !kinds.includes(k));
  return missing.length ? `missing payload(s) ${missing.join(', ')}` : undefined;
}

export function phase1Row(mode: 'main' | 'aggressive', role: Role, from: Phase1State): Phase1Transition | undefined {
  return PHASE1_TRANSITIONS.find((t) => t.mode === mode && t.role === role && t.from === from);
}

export function quickRow(role: Role, from: QuickState): QuickTransition | undefined {
  return QUICK_TRANSITIONS.find((t) => t.role === role && t.from === from);
}

// Phase-1 handlers, one per row of PHASE1_TRANSITIONS (transitions.ts): main mode and
// aggressive mode with pre-shared keys (RFC 2409 §5, §5.4) and NAT-T detection (RFC 3947 §3-4).
import { CIPHERS } from '../cipher-suite.ts';
import { DOI_IPSEC, EXCHANGE, ID_TYPE, KEY_IKE, NOTIFY, PROTOCOL, SIT_IDENTITY_ONLY } from '../isakmp/constants.ts';
import { encodePlainMessage } from '../isakmp/message.ts';
import { encodePayloadBody, type Payload } from '../isakmp/payloads.ts';
import type { SaBody, Transform } from '../isakmp/sa.ts';
import { VENDOR_ID, natDPayloadFor, vendorIdName } from '../isakmp/vendor-ids.ts';
import { phase1Transform, readPhase1Transform, type Phase1Suite } from './algorithms.ts';
import { reject, OK, type HandlerResult, type IkeCore, type Received } from './core.ts';
import { dhKeyPair, groupLength } from './dh.ts';
import { addressIdentity, identityData } from './identity.ts';
import type { IkeIdentity } from './ike-events.ts';
import { bytesEqual, type IsakmpSa } from './isakmp-sa.ts';
import { hashI, hashR, phase1Keys } from './keys.ts';
import { detectNat, natDHash } from './nat-t.ts';
import { encryptMessage, phase1Iv } from './phase1-cipher.ts';
import type { Phase1Handler } from './transitions.ts';

type Handler = (core: IkeCore, sa: IsakmpSa, m?: Received) => HandlerResult;

const sameSuite = (a: Phase1Suite, b: Phase1Suite): boolean => a.cipher === b.cipher && a.hash === b.hash && a.group === b.group;

function find<K extends Payload['kind']>(m: Received, kind: K): { p: Extract<Payload, { kind: K }>; body: Uint8Array } | undefined {
  const i = m.payloads.findIndex((p) => p.kind === kind);
  return i < 0 ? undefined : { p: m.payloads[i] as Extract<Payload, { kind: K }>, body: m.bodies[i] };
}

function lifetime(core: IkeCore, sa: IsakmpSa): number {
  return sa.gw.phase1LifetimeS ?? core.profile.defaultLifetimeS;
}

function offeredSa(core: IkeCore, sa: IsakmpSa, suites: readonly Phase1Suite[]): SaBody {
  const transforms = suites.map((s, i) => phase1Transform(i + 1, { ...s, lifetimeS: lifetime(core, sa) }));
  return { doi: DOI_IPSEC, situation: SIT_IDENTITY_ONLY, proposals: [{ number: 1, protocolId: PROTOCOL.isakmp, spi: new Uint8Array(0), transforms }] };
}

function vendorIds(sa: IsakmpSa): Payload[] {
  const out: Payload[] = [];
  if (sa.gw.natTraversal.on) out.push({ kind: 'vendorId', data: VENDOR_ID.natTRfc3947 });
  if (sa.gw.keepalive.method === 'dpd') out.push({ kind: 'vendorId', data: VENDOR_ID.dpd });
  return out;
}

/** RFC 3947 §3.1: NAT-D is exchanged only when both ends sent a NAT-T vendor ID. */
function learnVendorIds(sa: IsakmpSa, m: Received): void {
  for (const p of m.payloads) {
    if (p.kind !== 'vendorId') continue;
    const name = vendorIdName(p.data);
    if (name === 'dpd') sa.peerDpd = true;
    const natD = name ? natDPayloadFor(name) : undefined;
    // Prefer the RFC payload number when the peer offers both (RFC 3947 §3.1).
    if (natD !== undefined && sa.gw.natTraversal.on && (sa.peerNatD === undefined || natD < sa.peerNatD)) sa.peerNatD = natD;
  }
}

/** NAT-D payloads: the peer's address first, then ours (RFC 3947 §3.2); force=on sends one that cannot match ('nat-t-force-fakes-nat-d'). */
function natDPayloads(core: IkeCore, sa: IsakmpSa): Payload[] {
  if (sa.peerNatD === undefined || !sa.suite) return [];
  const draft = sa.peerNatD !== 20;
  const h = sa.suite.hash;
  const mine = sa.gw.natTraversal.force ? core.randomBytes(natDHash(h, sa.icookie, sa.rcookie, sa.local).length) : natDHash(h, sa.icookie, sa.rcookie, sa.local);
  return [
    { kind: 'natD', draft, data: natDHash(h, sa.icookie, sa.rcookie, sa.peer) },
    { kind: 'natD', draft, data: mine },
  ];
}

function learnNat(sa: IsakmpSa, m: Received): void {
  if (sa.peerNatD === undefined || !sa.suite) return;
  const received = m.payloads.flatMap((p) => (p.kind === 'natD' ? [p.data] : []));
  if (received.length === 0) return;
  sa.nat = detectNat(sa.suite.hash, sa.icookie, sa.rcookie, received, { address: sa.local.address, port: m.localPort }, m.from);
}

function natDetected(sa: IsakmpSa): boolean {
  return sa.peerNatD !== undefined && (sa.gw.natTraversal.force || (sa.nat !== undefined && (sa.nat.localBehindNat || sa.nat.peerBehindNat)));
}

/** RFC 3947 §4: the initiator moves to 4500 once a NAT is detected. */
function float(sa: IsakmpSa): void {
  if (!natDetected(sa) || sa.floated) return;
  sa.floated = true;
  sa.localPort = 4500;
  sa.peer = { address: sa.peer.address, port: 4500 };
}

function plain(sa: IsakmpSa, exchange: number, payloads: Payload[]): Uint8Array {
  return encodePlainMessage({ icookie: sa.icookie, rcookie: sa.rcookie, exchange, messageId: 0 }, payloads);
}

function encrypted(sa: IsakmpSa, exchange: number, payloads: Payload[]): Uint8Array {
  if (!sa.cipher || !sa.keys || !sa.iv) throw new Error('phase-1 keys missing before an encrypted message');
  const e = encryptMessage({ icookie: sa.icookie, rcookie: sa.rcookie, exchange, messageId: 0 }, payloads, sa.cipher, sa.keys.encKey, sa.iv);
  sa.iv = e.nextIv;
  return e.bytes;
}

/** Both public values, nonces and the peer's KE are in: g^xy, SKEYID..., the phase-1 IV. */
function deriveKeys(sa: IsakmpSa): void {
  if (!sa.suite || !sa.dh || !sa.gxi || !sa.gxr || !sa.ni || !sa.nr) throw new Error('phase-1 key inputs missing');
  const peerPublic = sa.role === 'initiator' ? sa.gxr : sa.gxi;
  const cipher = CIPHERS[sa.suite.cipher];
  sa.cipher = cipher;
  sa.keys = phase1Keys({ hash: sa.suite.hash, psk: sa.gw.psk, ni: sa.ni, nr: sa.nr, gxy: sa.dh.sharedSecret(peerPublic), icookie: sa.icookie, rcookie: sa.rcookie, encKeyLength: cipher.keyBytes });
  sa.iv = phase1Iv(sa.suite.hash, cipher, sa.gxi, sa.gxr);
}

function authInputs(sa: IsakmpSa, idBody: Uint8Array) {
  if (!sa.suite || !sa.keys || !sa.gxi || !sa.gxr || !sa.saiBody) throw new Error('authentication inputs missing');
  return { hash: sa.suite.hash, skeyid: sa.keys.skeyid, gxi: sa.gxi, gxr: sa.gxr, icookie: sa.icookie, rcookie: sa.rcookie, saiBody: sa.saiBody, idBody };
}

function idPayload(id: IkeIdentity): Payload {
  // 'phase1-id-protocol-port': protocol 0, port 0.
  return { kind: 'id', idType: id.type, protocolId: 0, port: 0, data: identityData(id) };
}

function ownIdentity(sa: IsakmpSa): IkeIdentity {
  return sa.mode === 'aggressive' && sa.gw.localId ? sa.gw.localId : addressIdentity(sa.local.address);
}

function initialContact(core: IkeCore, sa: IsakmpSa): Payload[] {
  if (!core.profile.sendInitialContact) return [];
  return [{ kind: 'notification', doi: DOI_IPSEC, protocolId: PROTOCOL.isakmp, notifyType: NOTIFY.initialContact, spi: Uint8Array.from([...sa.icookie, ...sa.rcookie]), data: new Uint8Array(0) }];
}

/** Initiator: the responder's SA must hold exactly one of the transforms we offered (RFC 2409 §5). */
function acceptChosen(sa: IsakmpSa, m: Received): HandlerResult {
  const s = find(m, 'sa');
  const ts = s?.p.proposals.flatMap((p) => p.transforms) ?? [];
  if (ts.length !== 1) return reject(`responder SA has ${ts.length} transforms, RFC 2409 §5 requires exactly one`);
  const suite = readPhase1Transform(ts[0]);
  if (!suite || !sa.gw.phase1.some((o) => sameSuite(o, suite))) return reject('responder chose a transform we did not offer');
  sa.suite = suite;
  sa.cipher = CIPHERS[suite.cipher];
  return OK;
}

/** Responder: the first transform of the initiator (in its order) that we support ('phase1-proposal-order'). */
function choose(sa: IsakmpSa, m: Received): { body: SaBody } | undefined {
  const s = find(m, 'sa');
  if (!s) return undefined;
  for (const p of s.p.proposals) {
    if (p.protocolId !== PROTOCOL.isakmp) continue;
    for (const t of p.transforms) {
      const suite = readPhase1Transform(t);
      if (t.transformId === KEY_IKE && suite && sa.gw.phase1.some((o) => sameSuite(o, suite))) {
        sa.suite = suite;
        sa.cipher = CIPHERS[suite.cipher];
        sa.saiBody = s.body;
        const chosen: Transform = { number: t.number, transformId: t.transformId, attributes: t.attributes };
        return { body: { doi: s.p.doi, situation: s.p.situation, proposals: [{ number: p.number, protocolId: p.protocolId, spi: p.spi, transforms: [chosen] }] } };
      }
    }
  }
  return undefined;
}

function takeKe(sa: IsakmpSa, m: Received, side: 'gxi' | 'gxr'): HandlerResult {
  const ke = find(m, 'ke');
  if (!ke || !sa.suite) return reject('no KE payload');
  if (ke.p.data.length !== groupLength(sa.suite.group)) return reject(`KE of ${ke.p.data.length} octets for group ${sa.suite.group} (needs ${groupLength(sa.suite.group)})`);
  sa[side] = ke.p.data;
  return OK;
}

function takeNonce(sa: IsakmpSa, m: Received, side: 'ni' | 'nr'): HandlerResult {
  const n = find(m, 'nonce');
  // RFC 2409 §5: nonces are 8 to 256 octets.
  if (!n || n.p.data.length < 8 || n.p.data.length > 256) return reject('nonce missing or outside 8..256 octets');
  sa[side] = n.p.data;
  return OK;
}

function ownDh(core: IkeCore, sa: IsakmpSa): Uint8Array {
  if (!sa.suite) throw new Error('no suite');
  sa.dh = dhKeyPair(sa.suite.group, core.randomBytes(32));
  return sa.dh.publicValue;
}

function firstFailure(...rs: HandlerResult[]): HandlerResult {
  return rs.find((r) => !r.ok) ?? OK;
}

export const PHASE1_HANDLERS: Record<Phase1Handler, Handler> = {
  sendMM1(core, sa) {
    const body = offeredSa(core, sa, sa.gw.phase1);
    sa.saiBody = encodePayloadBody({ kind: 'sa', ...body });
    core.sendPhase1(sa, plain(sa, EXCHANGE.identityProtection, [{ kind: 'sa', ...body }, ...vendorIds(sa)]), true);
    return OK;
  },
  recvMM2sendMM3(core, sa, m) {
    const r = acceptChosen(sa, m!);
    if (!r.ok) return r;
    learnVendorIds(sa, m!);
    sa.gxi = ownDh(core, sa);
    sa.ni = core.randomBytes(core.profile.nonceLength);
    core.sendPhase1(sa, plain(sa, EXCHANGE.identityProtection, [{ kind: 'ke', data: sa.gxi }, { kind: 'nonce', data: sa.ni }, ...natDPayloads(core, sa)]), true);
    return OK;
  },
  recvMM4sendMM5(core, sa, m) {
    const r = firstFailure(takeKe(sa, m!, 'gxr'), takeNonce(sa, m!, 'nr'));
    if (!r.ok) return r;
    learnNat(sa, m!);
    deriveKeys(sa);
    float(sa);
    const id = idPayload(ownIdentity(sa));
    sa.idiBody = encodePayloadBody(id);
    const h = hashI(authInputs(sa, sa.idiBody));
    core.sendPhase1(sa, encrypted(sa, EXCHANGE.identityProtection, [id, { kind: 'hash', data: h }, ...initialContact(core, sa)]), true);
    return OK;
  },
  recvMM6(core, sa, m) {
    const id = find(m!, 'id');
    const h = find(m!, 'hash');
    if (!id || !h) return reject('IDir or HASH_R missing');
    sa.idrBody = id.body;
    if (!bytesEqual(hashR(authInputs(sa, id.body)), h.p.data)) {
      core.failPhase1(sa, 'HASH_R does not verify', NOTIFY.invalidHashInformation);
      return reject('HASH_R does not verify (RFC 2409 §5)');
    }
    core.phase1Established(sa);
    return OK;
  },
  recvMM1sendMM2(core, sa, m) {
    const chosen = choose(sa, m!);
    if (!chosen) {
      core.failPhase1(sa, 'no phase-1 proposal chosen', NOTIFY.noProposalChosen);
      return reject('no acceptable phase-1 transform');
    }
    learnVendorIds(sa, m!);
    core.log(`[IKE] respond ISAKMP phase to ${sa.peer.address}`);
    core.sendPhase1(sa, plain(sa, EXCHANGE.identityProtection, [{ kind: 'sa', ...chosen.body }, ...vendorIds(sa)]), false);
    return OK;
  },
  recvMM3sendMM4(core, sa, m) {
    const r = firstFailure(takeKe(sa, m!, 'gxi'), takeNonce(sa, m!, 'ni'));
    if (!r.ok) return r;
    learnNat(sa, m!);
    sa.gxr = ownDh(core, sa);
    sa.nr = core.randomBytes(core.profile.nonceLength);
    deriveKeys(sa);
    core.sendPhase1(sa, plain(sa, EXCHANGE.identityProtection, [{ kind: 'ke', data: sa.gxr }, { kind: 'nonce', data: sa.nr }, ...natDPayloads(core, sa)]), false);
    return OK;
  },
  recvMM5sendMM6(core, sa, m) {
    const id = find(m!, 'id');
    const h = find(m!, 'hash');
    if (!id || !h) return reject('IDii or HASH_I missing');
    sa.idiBody = id.body;
    if (!bytesEqual(hashI(authInputs(sa, id.body)), h.p.data)) {
      core.failPhase1(sa, 'HASH_I does not verify', NOTIFY.invalidHashInformation);
      return reject('HASH_I does not verify (RFC 2409 §5)');
    }
    if (natDetected(sa)) sa.floated = m!.localPort === 4500;
    const own = idPayload(ownIdentity(sa));
    sa.idrBody = encodePayloadBody(own);
    const hr = hashR(authInputs(sa, sa.idrBody));
    core.sendPhase1(sa, encrypted(sa, EXCHANGE.identityProtection, [own, { kind: 'hash', data: hr }]), false);
    core.phase1Established(sa);
    return OK;
  },
  sendAM1(core, sa) {
    // RFC 2409 §5: aggressive mode cannot negotiate the group; offer only transforms of the first one.
    const group = sa.gw.phase1[0].group;
    const body = offeredSa(core, sa, sa.gw.phase1.filter((s) => s.group === group));
    sa.saiBody = encodePayloadBody({ kind: 'sa', ...body });
    sa.suite = { ...sa.gw.phase1[0] };
    sa.gxi = ownDh(core, sa);
    sa.ni = core.randomBytes(core.profile.nonceLength);
    const id = idPayload(ownIdentity(sa));
    sa.idiBody = encodePayloadBody(id);
    core.sendPhase1(sa, plain(sa, EXCHANGE.aggressive, [{ kind: 'sa', ...body }, { kind: 'ke', data: sa.gxi }, { kind: 'nonce', data: sa.ni }, id, ...vendorIds(sa)]), true);
    return OK;
  },
  recvAM2sendAM3(core, sa, m) {
    const r = firstFailure(acceptChosen(sa, m!), takeKe(sa, m!, 'gxr'), takeNonce(sa, m!, 'nr'));
    if (!r.ok) return r;
    learnVendorIds(sa, m!);
    const id = find(m!, 'id');
    const h = find(m!, 'hash');
    if (!id || !h) return reject('IDir or HASH_R missing');
    deriveKeys(sa);
    sa.idrBody = id.body;
    if (!bytesEqual(hashR(authInputs(sa, id.body)), h.p.data)) {
      // RFC 2409 §5 / RFC 2408 §3.14.1: the responder is not authenticated (wrong pre-shared key).
      core.failPhase1(sa, 'HASH_R does not verify', NOTIFY.invalidHashInformation);
      return reject('HASH_R does not verify (RFC 2409 §5)');
    }
    learnNat(sa, m!);
    float(sa);
    const hi = hashI(authInputs(sa, sa.idiBody!));
    // 'aggressive-3-encrypted'
    core.sendPhase1(sa, encrypted(sa, EXCHANGE.aggressive, [{ kind: 'hash', data: hi }, ...natDPayloads(core, sa), ...initialContact(core, sa)]), false);
    core.phase1Established(sa);
    return OK;
  },
  recvAM1sendAM2(core, sa, m) {
    const id = find(m!, 'id');
    if (!id) return reject('IDii missing');
    // §1.4: under IKEv1 the remote name identifies the peer; its type is not compared.
    const name = Buffer.from(id.p.data).toString('utf8');
    const gw = core.gatewaysFor(m!.from, 'aggressive').find((g) => g.remoteId === undefined || g.remoteId.value === name || (id.p.idType !== ID_TYPE.fqdn && id.p.idType !== ID_TYPE.userFqdn && id.p.idType !== ID_TYPE.keyId && bytesEqual(identityData(g.remoteId), id.p.data)));
    if (!gw) {
      core.failPhase1(sa, 'no gateway for the peer identity', NOTIFY.invalidIdInformation);
      return reject('peer identity matches no `ipsec ike remote name`');
    }
    sa.gw = gw;
    const chosen = choose(sa, m!);
    if (!chosen) {
      core.failPhase1(sa, 'no phase-1 proposal chosen', NOTIFY.noProposalChosen);
      return reject('no acceptable phase-1 transform');
    }
    const r = firstFailure(takeKe(sa, m!, 'gxi'), takeNonce(sa, m!, 'ni'));
    if (!r.ok) return r;
    learnVendorIds(sa, m!);
    sa.idiBody = id.body;
    sa.gxr = ownDh(core, sa);
    sa.nr = core.randomBytes(core.profile.nonceLength);
    deriveKeys(sa);
    learnNat(sa, m!);
    const own = idPayload(ownIdentity(sa));
    sa.idrBody = encodePayloadBody(own);
    const hr = hashR(authInputs(sa, sa.idrBody));
    core.log(`[IKE] respond ISAKMP phase to ${sa.peer.address}`);
    const payloads: Payload[] = [{ kind: 'sa', ...chosen.body }, { kind: 'ke', data: sa.gxr }, { kind: 'nonce', data: sa.nr }, own, { kind: 'hash', data: hr }, ...vendorIds(sa), ...natDPayloads(core, sa)];
    core.sendPhase1(sa, plain(sa, EXCHANGE.aggressive, payloads), false);
    return OK;
  },
  recvAM3(core, sa, m) {
    const h = find(m!, 'hash');
    if (!h) return reject('HASH_I missing');
    if (!bytesEqual(hashI(authInputs(sa, sa.idiBody!)), h.p.data)) {
      core.failPhase1(sa, 'HASH_I does not verify', NOTIFY.invalidHashInformation);
      return reject('HASH_I does not verify (RFC 2409 §5)');
    }
    // In aggressive mode the initiator's NAT-D payloads come only in message 3 (RFC 3947 §3.2).
    learnNat(sa, m!);
    if (natDetected(sa)) sa.floated = m!.localPort === 4500;
    core.phase1Established(sa);
    return OK;
  },
};

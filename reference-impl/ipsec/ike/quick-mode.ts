// Quick-mode handlers, one per row of QUICK_TRANSITIONS (transitions.ts): RFC 2409 §5.5 for one
// transport-mode ESP SA pair protecting `ipsec transport ... udp 1701`, with and without PFS, and
// the UDP-encapsulated modes and NAT-OA of RFC 3947 §5.
import { CIPHERS, INTEGRITIES } from '../cipher-suite.ts';
import { DOI_IPSEC, EXCHANGE, NOTIFY, PROTOCOL, SIT_IDENTITY_ONLY } from '../isakmp/constants.ts';
import { encodePayloads, type Payload } from '../isakmp/payloads.ts';
import { espTransform, readEspTransform, type EspSuite } from './algorithms.ts';
import { OK, reject, type HandlerResult, type IkeCore, type Received } from './core.ts';
import { dhKeyPair, groupLength } from './dh.ts';
import { addressIdentity, addressOctets, identityData } from './identity.ts';
import type { EspKeys } from './ike-events.ts';
import { bytesEqual, type IsakmpSa, type QuickExchange } from './isakmp-sa.ts';
import { keymat, quickHash1, quickHash2, quickHash3 } from './keys.ts';
import { encryptMessage } from './phase1-cipher.ts';
import type { QuickHandler } from './transitions.ts';

type Handler = (core: IkeCore, sa: IsakmpSa, q: QuickExchange, m?: Received) => HandlerResult;

function send(core: IkeCore, sa: IsakmpSa, q: QuickExchange, payloads: Payload[], awaitReply: boolean): void {
  if (!sa.cipher || !sa.keys) throw new Error('quick mode without phase-1 keys');
  const e = encryptMessage({ icookie: sa.icookie, rcookie: sa.rcookie, exchange: EXCHANGE.quick, messageId: q.messageId }, payloads, sa.cipher, sa.keys.encKey, q.iv);
  q.iv = e.nextIv;
  core.sendQuick(sa, q, e.bytes, awaitReply);
}

function withHash(hashOf: (rest: Uint8Array) => Uint8Array, rest: Payload[]): Payload[] {
  return [{ kind: 'hash', data: hashOf(encodePayloads(rest).bytes) }, ...rest];
}

function suiteFor(core: IkeCore, sa: IsakmpSa): EspSuite {
  return { ...sa.gw.esp, udpEncapsulated: sa.floated, pfsGroup: sa.gw.pfsGroup, lifetimeS: sa.gw.phase2LifetimeS ?? core.profile.defaultLifetimeS };
}

function saPayload(spi: Uint8Array, transforms: ReturnType<typeof espTransform>[], number = 1): Payload {
  return { kind: 'sa', doi: DOI_IPSEC, situation: SIT_IDENTITY_ONLY, proposals: [{ number, protocolId: PROTOCOL.esp, spi, transforms }] };
}

/** Client IDs of a transport SA for udp/1701: each end's address with protocol and port (RFC 2409 §5.5, RFC 2407 §4.6.2). */
function clientIds(sa: IsakmpSa): Payload[] {
  const t = sa.gw.transport;
  const remote = sa.gw.remote === 'any' ? sa.peer.address : sa.gw.remote;
  const mk = (addr: string): Payload => {
    const id = addressIdentity(addr);
    return { kind: 'id', idType: id.type, protocolId: t.protocol, port: t.port, data: identityData(id) };
  };
  return [mk(sa.local.address), mk(remote)];
}

/** RFC 3947 §5.2: with UDP-encapsulated transport both original addresses are sent. */
function natOa(sa: IsakmpSa, initiatorAddress: string, responderAddress: string): Payload[] {
  if (!sa.floated || sa.peerNatD === undefined) return [];
  const draft = sa.peerNatD !== 20;
  const mk = (a: string): Payload => ({ kind: 'natOa', draft, idType: addressIdentity(a).type, address: addressOctets(a) });
  return [mk(initiatorAddress), mk(responderAddress)];
}

/** The payload chain after HASH, the ESP proposal, the nonce and the optional KE of a received message. */
function parts(m: Received) {
  const hash = m.payloads[0]?.kind === 'hash' ? m.payloads[0].data : undefined;
  const i = m.payloads.findIndex((p) => p.kind === 'nonce');
  const sa = m.payloads.find((p) => p.kind === 'sa');
  const ke = m.payloads.find((p) => p.kind === 'ke');
  return { hash, nonceBody: i >= 0 ? m.bodies[i] : undefined, sa: sa?.kind === 'sa' ? sa : undefined, ke: ke?.kind === 'ke' ? ke.data : undefined, ids: m.payloads.filter((p) => p.kind === 'id') };
}

function keysFor(sa: IsakmpSa, q: QuickExchange, spi: Uint8Array): EspKeys {
  const c = CIPHERS[q.suite!.cipher];
  const a = INTEGRITIES[q.suite!.integrity];
  const km = keymat({ hash: sa.suite!.hash, skeyidD: sa.keys!.skeyidD, gqmxy: q.gqmxy, protocolId: PROTOCOL.esp, spi, niBody: q.ni!, nrBody: q.nr!, length: c.keyBytes + a.keyBytes });
  return { spi: new DataView(spi.buffer, spi.byteOffset).getUint32(0), encKey: km.slice(0, c.keyBytes), authKey: km.slice(c.keyBytes) };
}

/** Inbound (our SPI) and outbound (the peer's SPI) ESP keys of a finished quick mode. */
export function espKeys(sa: IsakmpSa, q: QuickExchange): { inbound: EspKeys; outbound: EspKeys } {
  return { inbound: keysFor(sa, q, q.spiIn), outbound: keysFor(sa, q, q.spiOut!) };
}

function takePfs(sa: IsakmpSa, q: QuickExchange, ke: Uint8Array | undefined): HandlerResult {
  if (q.suite?.pfsGroup === undefined) return ke ? reject('KE without a PFS group') : OK;
  if (!ke || ke.length !== groupLength(q.suite.pfsGroup)) return reject('PFS group negotiated but KE missing or of the wrong size');
  if (!q.dh) return reject('no own PFS key');
  q.gqmxy = q.dh.sharedSecret(ke);
  return OK;
}

export const QUICK_HANDLERS: Record<QuickHandler, Handler> = {
  sendQM1(core, sa, q) {
    q.suite = suiteFor(core, sa);
    q.ni = core.randomBytes(core.profile.nonceLength);
    if (q.suite.pfsGroup !== undefined) q.dh = dhKeyPair(q.suite.pfsGroup, core.randomBytes(32));
    q.ids = clientIds(sa);
    const remote = sa.gw.remote === 'any' ? sa.peer.address : sa.gw.remote;
    const rest: Payload[] = [saPayload(q.spiIn, [espTransform(1, q.suite)]), { kind: 'nonce', data: q.ni }, ...(q.dh ? [{ kind: 'ke' as const, data: q.dh.publicValue }] : []), ...q.ids, ...natOa(sa, sa.local.address, remote)];
    core.log(`[IKE] initiate IPsec phase to ${sa.peer.address}`);
    send(core, sa, q, withHash((r) => quickHash1(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, r), rest), true);
    return OK;
  },
  recvQM2sendQM3(core, sa, q, m) {
    const p = parts(m!);
    if (!p.hash || !p.nonceBody || !p.sa) return reject('HASH(2), SA or Nr missing');
    if (!bytesEqual(quickHash2(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, q.ni!, m!.afterFirst), p.hash)) return reject('HASH(2) does not verify (RFC 2409 §5.5)');
    const prop = p.sa.proposals;
    const t = prop.length === 1 && prop[0].transforms.length === 1 ? readEspTransform(prop[0].transforms[0]) : undefined;
    if (!t || prop[0].protocolId !== PROTOCOL.esp || prop[0].spi.length !== 4) return reject('responder SA is not one ESP transform with a 4-octet SPI');
    if (t.cipher !== q.suite!.cipher || t.integrity !== q.suite!.integrity || t.pfsGroup !== q.suite!.pfsGroup) return reject('responder chose an ESP transform we did not offer');
    q.spiOut = prop[0].spi;
    q.nr = p.nonceBody;
    const r = takePfs(sa, q, p.ke);
    if (!r.ok) return r;
    core.ctx.out.push({ kind: 'ipsecKeys', gateway: sa.gw.gateway, messageId: q.messageId, ...espKeys(sa, q) });
    send(core, sa, q, [{ kind: 'hash', data: quickHash3(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, q.ni!, q.nr) }], false);
    core.quickEstablished(sa, q);
    return OK;
  },
  recvQM1sendQM2(core, sa, q, m) {
    const p = parts(m!);
    if (!p.hash || !p.nonceBody || !p.sa) return reject('HASH(1), SA or Ni missing');
    if (!bytesEqual(quickHash1(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, m!.afterFirst), p.hash)) return reject('HASH(1) does not verify (RFC 2409 §5.5)');
    q.ni = p.nonceBody;
    // Client IDs: a transport SA for the configured protocol/port, or none (then the addresses, RFC 2409 §5.5).
    const t = sa.gw.transport;
    if (p.ids.some((id) => id.kind === 'id' && ((id.protocolId !== 0 && id.protocolId !== t.protocol) || (id.port !== 0 && id.port !== t.port)))) {
      core.failQuick(sa, q, 'client IDs are not the configured transport', NOTIFY.invalidIdInformation);
      return reject('client IDs do not match `ipsec transport`');
    }
    const want = suiteFor(core, sa);
    let chosen: { number: number; spi: Uint8Array; transform: ReturnType<typeof espTransform>; suite: EspSuite } | undefined;
    for (const prop of p.sa.proposals) {
      if (prop.protocolId !== PROTOCOL.esp || prop.spi.length !== 4) continue;
      for (const tr of prop.transforms) {
        const s = readEspTransform(tr);
        if (!s || s.cipher !== want.cipher || s.integrity !== want.integrity || s.udpEncapsulated !== sa.floated) continue;
        if (want.pfsGroup !== undefined && s.pfsGroup !== want.pfsGroup) continue;
        chosen = { number: prop.number, spi: prop.spi, transform: tr, suite: s };
        break;
      }
      if (chosen) break;
    }
    if (!chosen) {
      core.failQuick(sa, q, 'no ESP proposal chosen', NOTIFY.noProposalChosen);
      return reject('no acceptable ESP transform');
    }
    q.suite = chosen.suite;
    q.spiOut = chosen.spi;
    if (q.suite.pfsGroup !== undefined) q.dh = dhKeyPair(q.suite.pfsGroup, core.randomBytes(32));
    const r = takePfs(sa, q, p.ke);
    if (!r.ok) {
      core.failQuick(sa, q, r.reason, NOTIFY.invalidKeyInformation);
      return r;
    }
    q.nr = core.randomBytes(core.profile.nonceLength);
    q.ids = p.ids;
    const oa = m!.payloads.filter((x) => x.kind === 'natOa');
    core.log(`[IKE] respond IPsec phase to ${sa.peer.address}`);
    const rest: Payload[] = [saPayload(q.spiIn, [chosen.transform], chosen.number), { kind: 'nonce', data: q.nr }, ...(q.dh ? [{ kind: 'ke' as const, data: q.dh.publicValue }] : []), ...q.ids, ...(oa.length ? oa : natOa(sa, sa.peer.address, sa.local.address))];
    core.ctx.out.push({ kind: 'ipsecKeys', gateway: sa.gw.gateway, messageId: q.messageId, ...espKeys(sa, q) });
    send(core, sa, q, withHash((rr) => quickHash2(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, q.ni!, rr), rest), true);
    return OK;
  },
  recvQM3(core, sa, q, m) {
    const p = parts(m!);
    if (!p.hash) return reject('HASH(3) missing');
    if (!bytesEqual(quickHash3(sa.suite!.hash, sa.keys!.skeyidA, q.messageId, q.ni!, q.nr!), p.hash)) return reject('HASH(3) does not verify (RFC 2409 §5.5)');
    core.quickEstablished(sa, q);
    return OK;
  },
};

// An IKEv1 endpoint (one RTX's `ipsec ike` gateways), sans-IO: events in, actions out, like
// control/node.ts. It routes each ISAKMP message to its SA and walks the rows of transitions.ts;
// retransmission, DPD, NAT keepalives, lifetimes and rekeying are timers (lifecycle.ts).
import type { RandomSource } from '../../control/random.ts';
import { randomBytes } from '../../control/random.ts';
import { EXCHANGE, FLAG } from '../isakmp/constants.ts';
import { IsakmpDecodeError } from '../isakmp/decode-error.ts';
import { decodeHeader, HEADER_LENGTH, type IsakmpHeader } from '../isakmp/message.ts';
import { OK, type IkeCore, type Received } from './core.ts';
import type { IkeAction, IkeEvent, IkeGatewayConfig, UdpEndpoint } from './ike-events.ts';
import { IkeTimers, type IkeCtx } from './ike-timers.ts';
import { bytesEqual, hex, saKey, type IsakmpSa, type QuickExchange } from './isakmp-sa.ts';
import { Lifecycle } from './lifecycle.ts';
import { frameForPort, unframe } from './nat-t.ts';
import { decryptBody, DecryptError, exchangeIv } from './phase1-cipher.ts';
import { PHASE1_HANDLERS } from './phase1.ts';
import { DEFAULT_IKE_PROFILE, type IkeProfile } from './profile.ts';
import { QUICK_HANDLERS } from './quick-mode.ts';
import { readChain } from './received.ts';
import { phase1Row, quickRow, rowMismatch } from './transitions.ts';

export interface IkeNodeOptions {
  gateways: readonly IkeGatewayConfig[];
  random: RandomSource;
  profile?: Partial<IkeProfile>;
}

const ZERO_COOKIE = new Uint8Array(8);

export class IkeNode implements IkeCore {
  readonly profile: IkeProfile;
  readonly timers = new IkeTimers();
  readonly sas = new Map<string, IsakmpSa>();
  ctx: IkeCtx = { now: 0, out: [] };
  private readonly life: Lifecycle;

  constructor(private readonly opts: IkeNodeOptions) {
    this.profile = { ...DEFAULT_IKE_PROFILE, ...opts.profile };
    this.life = new Lifecycle(this);
  }

  get gateways(): readonly IkeGatewayConfig[] {
    return this.opts.gateways;
  }

  handle(now: number, ev: IkeEvent): IkeAction[] {
    this.ctx = { now, out: [] };
    switch (ev.kind) {
      case 'timer': this.timers.fire(this.ctx, ev.id); break;
      case 'connect': this.life.connect(ev.gateway); break;
      case 'disconnect': this.life.disconnect(ev.gateway); break;
      case 'udp': this.receive(ev.localPort, ev.from, ev.bytes); break;
    }
    return this.ctx.out;
  }

  nextDeadline(): number | undefined {
    return this.timers.nextDeadline();
  }

  /** The IPsec SAs up now (by our inbound SPI). */
  ipsecSas() {
    return this.life.ipsec;
  }

  // ---- IkeCore ----
  randomBytes(n: number): Uint8Array {
    return randomBytes(this.opts.random, n);
  }
  randomU32(min: number): number {
    for (;;) {
      const v = this.opts.random.nextU32() >>> 0;
      if (v >= min) return v;
    }
  }
  log(text: string): void {
    this.ctx.out.push({ kind: 'log', text });
  }
  sendPhase1(sa: IsakmpSa, bytes: Uint8Array, awaitReply: boolean): void {
    sa.lastSent = { bytes, localPort: sa.localPort, to: { ...sa.peer } };
    this.emit(sa.lastSent);
    if (awaitReply) this.life.armRetransmit(sa, undefined);
  }
  sendQuick(sa: IsakmpSa, q: QuickExchange, bytes: Uint8Array, awaitReply: boolean): void {
    q.lastSent = { bytes, localPort: sa.localPort, to: { ...sa.peer } };
    this.emit(q.lastSent);
    if (awaitReply) this.life.armRetransmit(sa, q);
  }
  emit(m: { bytes: Uint8Array; localPort: 500 | 4500; to: UdpEndpoint }): void {
    this.ctx.out.push({ kind: 'send', localPort: m.localPort, to: m.to, bytes: frameForPort(m.localPort, m.bytes) });
  }
  failPhase1(sa: IsakmpSa, reason: string, notifyType?: number): void {
    this.life.failPhase1(sa, reason, notifyType);
  }
  failQuick(sa: IsakmpSa, q: QuickExchange, reason: string, notifyType?: number): void {
    this.life.failQuick(sa, q, reason, notifyType);
  }
  phase1Established(sa: IsakmpSa): void {
    this.life.phase1Established(sa);
  }
  quickEstablished(sa: IsakmpSa, q: QuickExchange): void {
    this.life.quickEstablished(sa, q);
  }
  gatewaysFor(peer: UdpEndpoint, mode: 'main' | 'aggressive'): IkeGatewayConfig[] {
    const exact = this.gateways.filter((g) => g.exchange === mode && g.remote === peer.address);
    return exact.length ? exact : this.gateways.filter((g) => g.exchange === mode && g.remote === 'any');
  }

  // ---- receiving ----
  private drop(from: UdpEndpoint, reason: string, offset?: number): void {
    this.ctx.out.push({ kind: 'dropped', from, reason, ...(offset === undefined ? {} : { offset }) });
  }

  private receive(localPort: 500 | 4500, from: UdpEndpoint, datagram: Uint8Array): void {
    const u = unframe(localPort, datagram);
    if (u.kind === 'keepalive') return;
    if (u.kind === 'esp') return this.drop(from, 'ESP on port 4500 belongs to the data plane');
    let header: IsakmpHeader;
    try {
      header = decodeHeader(u.bytes);
    } catch (e) {
      if (e instanceof IsakmpDecodeError) return this.drop(from, e.what, e.offset);
      throw e;
    }
    const bytes = u.bytes;
    let sa = this.sas.get(saKey(header.icookie));
    const initial = (header.exchange === EXCHANGE.identityProtection || header.exchange === EXCHANGE.aggressive) && header.messageId === 0 && bytesEqual(header.rcookie, ZERO_COOKIE);
    if (!sa) {
      if (!initial || header.flags & FLAG.encryption) return this.drop(from, `no ISAKMP SA for initiator cookie ${hex(header.icookie)}`);
      sa = this.life.newResponder(header, localPort, from);
      if (!sa) return this.drop(from, `no gateway accepts ${header.exchange === EXCHANGE.aggressive ? 'aggressive' : 'main'} mode from ${from.address}`);
    } else if (sa.role === 'initiator' && bytesEqual(sa.rcookie, ZERO_COOKIE) && !bytesEqual(header.rcookie, ZERO_COOKIE)) {
      sa.rcookie = header.rcookie;
    } else if (!bytesEqual(header.rcookie, sa.rcookie) && !(initial && sa.role === 'responder') && header.exchange !== EXCHANGE.informational) {
      return this.drop(from, 'responder cookie does not match the SA');
    }
    const key = hex(bytes);
    if (header.exchange === EXCHANGE.quick) return this.receiveQuick(sa, header, bytes, key, from, localPort);
    if (header.exchange === EXCHANGE.informational) return this.life.receiveInformational(sa, header, bytes, from, localPort);
    if (header.exchange !== EXCHANGE.identityProtection && header.exchange !== EXCHANGE.aggressive) return this.drop(from, `exchange type ${header.exchange} not supported`);
    if (header.messageId !== 0) return this.drop(from, 'phase-1 message with a non-zero message ID');
    if (key === sa.lastReceivedHex) {
      // A retransmission of what we answered: answer again with the same octets (RFC 2408 §5.x practice).
      if (sa.lastSent && sa.role === 'responder') this.emit(sa.lastSent);
      return;
    }
    this.phase1Step(sa, header, bytes, key, from, localPort);
  }

  /** Decodes (and decrypts with iv) a message into what handlers read; a string says why not. */
  decode(header: IsakmpHeader, bytes: Uint8Array, iv: Uint8Array | undefined, sa: IsakmpSa, from: UdpEndpoint, localPort: 500 | 4500): { m: Received; nextIv?: Uint8Array } | { error: string; offset?: number } {
    const encrypted = (header.flags & FLAG.encryption) !== 0;
    const body = bytes.subarray(HEADER_LENGTH);
    try {
      if (!encrypted) {
        const c = readChain(header.nextPayload, body, false);
        return { m: { header, encrypted, ...c, from, localPort } };
      }
      if (!sa.cipher || !sa.keys || !iv) return { error: 'encrypted message before the keys exist' };
      const d = decryptBody(header, body, sa.cipher, sa.keys.encKey, iv);
      const c = readChain(header.nextPayload, d.plaintext, true);
      return { m: { header, encrypted, ...c, from, localPort }, nextIv: d.nextIv };
    } catch (e) {
      if (e instanceof IsakmpDecodeError) return { error: `${encrypted ? 'decrypted payloads invalid (wrong key?): ' : ''}${e.what}`, offset: e.offset };
      if (e instanceof DecryptError) return { error: e.what };
      throw e;
    }
  }

  private phase1Step(sa: IsakmpSa, header: IsakmpHeader, bytes: Uint8Array, key: string, from: UdpEndpoint, localPort: 500 | 4500): void {
    const row = phase1Row(sa.mode, sa.role, sa.state);
    if (!row) return this.drop(from, `no phase-1 transition from state ${sa.state}`);
    const d = this.decode(header, bytes, sa.iv, sa, from, localPort);
    // 'undecryptable-phase1-dropped': a wrong pre-shared key ends here.
    if ('error' in d) return this.drop(from, d.error, d.offset);
    const why = rowMismatch(row, d.m.encrypted, d.m.payloads.map((p) => p.kind));
    if (why) return this.drop(from, `${row.on}: ${why}`);
    const ivBefore = sa.iv;
    if (d.nextIv) sa.iv = d.nextIv;
    if (sa.role === 'responder') {
      // RFC 3947 §4: the responder answers from and to where the initiator's message came.
      sa.peer = { ...from };
      sa.localPort = localPort;
    }
    this.life.cancelRetransmit(sa, undefined);
    const r = PHASE1_HANDLERS[row.handler](this, sa, d.m);
    if (!r.ok) {
      sa.iv = ivBefore;
      return this.drop(from, r.reason);
    }
    sa.state = row.to;
    sa.lastReceivedHex = key;
  }

  private receiveQuick(sa: IsakmpSa, header: IsakmpHeader, bytes: Uint8Array, key: string, from: UdpEndpoint, localPort: 500 | 4500): void {
    if (sa.state !== 'established' || !sa.suite || !sa.cipher || !sa.iv) return this.drop(from, 'quick mode before phase 1 is established');
    let q = sa.quick.get(header.messageId);
    if (q && key === q.lastReceivedHex) {
      if (q.lastSent && q.role === 'responder') this.emit(q.lastSent);
      return;
    }
    const fresh = !q;
    if (!q) q = this.life.newQuick(sa, 'responder', header.messageId);
    const row = quickRow(q.role, q.state);
    const d = row ? this.decode(header, bytes, q.iv, sa, from, localPort) : { error: `no quick-mode transition from state ${q.state}` };
    if ('error' in d || !row) {
      if (fresh) sa.quick.delete(header.messageId);
      return this.drop(from, 'error' in d ? d.error : 'no row', 'offset' in d ? d.offset : undefined);
    }
    const why = rowMismatch(row, d.m.encrypted, d.m.payloads.map((p) => p.kind));
    if (why) {
      if (fresh) sa.quick.delete(header.messageId);
      return this.drop(from, `${row.on}: ${why}`);
    }
    const ivBefore = q.iv;
    q.iv = d.nextIv!;
    this.life.cancelRetransmit(sa, q);
    const r = QUICK_HANDLERS[row.handler](this, sa, q, d.m);
    if (!r.ok) {
      q.iv = ivBefore;
      if (fresh) sa.quick.delete(header.messageId);
      return this.drop(from, r.reason);
    }
    q.state = row.to;
    q.lastReceivedHex = key;
  }

  /** IV of an informational message ID (RFC 2409 Appendix B), chained per message ID. */
  infoIv(sa: IsakmpSa, messageId: number): Uint8Array | undefined {
    if (!sa.suite || !sa.cipher || !sa.iv) return undefined;
    return sa.infoIvs.get(messageId) ?? exchangeIv(sa.suite.hash, sa.cipher, sa.iv, messageId);
  }

  walkQuickStart(sa: IsakmpSa, q: QuickExchange): void {
    const row = quickRow('initiator', 'start');
    if (!row) throw new Error('quick-mode table has no initiator start row');
    const r = QUICK_HANDLERS[row.handler](this, sa, q);
    if (r.ok) q.state = row.to;
  }

  walkPhase1Start(sa: IsakmpSa): void {
    const row = phase1Row(sa.mode, 'initiator', 'start');
    if (!row) throw new Error('phase-1 table has no initiator start row');
    const r = PHASE1_HANDLERS[row.handler](this, sa);
    if (r === OK || r.ok) sa.state = row.to;
  }
}

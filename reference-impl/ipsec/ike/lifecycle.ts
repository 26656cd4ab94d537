// The life of SAs around the message tables: creating them (connect, a peer's first message),
// retransmission ('retransmission' assumption), DPD (RFC 3706), NAT keepalives (RFC 3948 §2.3),
// lifetimes and rekeying ('rekey-margin'), Delete (RFC 2408 §3.15) and notifications.
import { FLAG, NOTIFY, PROTOCOL, notifyName } from '../isakmp/constants.ts';
import type { IsakmpHeader } from '../isakmp/message.ts';
import { dpdNotification, dpdSequence, deleteEsp, deleteIsakmp, notification, plainInformational, protectedInformational, cookiesSpi } from './informational.ts';
import type { IkeGatewayConfig, UdpEndpoint } from './ike-events.ts';
import type { IkeNode } from './ike-node.ts';
import { bytesEqual, hex, saKey, type IsakmpSa, type QuickExchange, type Role } from './isakmp-sa.ts';
import { quickHash1 } from './keys.ts';
import { NAT_KEEPALIVE } from './nat-t.ts';
import { espKeys } from './quick-mode.ts';
import { exchangeIv } from './phase1-cipher.ts';

export interface IpsecSaRecord {
  gateway: number;
  /** The ISAKMP SA that negotiated it (icookie hex). */
  isakmp: string;
  inboundSpi: number;
  outboundSpi: number;
  role: Role;
  createdAt: number;
  lifetimeS: number;
  rekeyed: boolean;
}

const u32bytes = (v: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
};

/**
 * The lifetime an SA lives by: the shorter of ours and the one in the chosen transform; a missing
 * or zero value in the transform (charon sends 0 with rekey_time = 0) means ours.
 */
export function effectiveLifetimeS(ownS: number, negotiatedS: number | undefined): number {
  return negotiatedS !== undefined && negotiatedS > 0 ? Math.min(ownS, negotiatedS) : ownS;
}

export class Lifecycle {
  readonly ipsec = new Map<number, IpsecSaRecord>();
  /** Gateways whose phase 1 was started to carry a quick mode. */
  private readonly wantQuick = new Set<number>();

  constructor(private readonly n: IkeNode) {}

  private gw(id: number): IkeGatewayConfig | undefined {
    return this.n.gateways.find((g) => g.gateway === id);
  }

  private saTimer(sa: IsakmpSa, what: string): string {
    return `ike:${hex(sa.icookie)}:${what}`;
  }

  private liveSa(gateway: number): IsakmpSa | undefined {
    let best: IsakmpSa | undefined;
    for (const sa of this.n.sas.values()) if (sa.gw.gateway === gateway && sa.state === 'established' && !sa.retiring && (!best || (sa.establishedAt ?? 0) > (best.establishedAt ?? 0))) best = sa;
    return best;
  }

  connect(gateway: number): void {
    const gw = this.gw(gateway);
    if (!gw) return;
    // §1.4: with `remote address any` the router accepts but cannot initiate.
    if (gw.remote === 'any') return this.n.log(`[IKE] gateway ${gateway} has remote address any and cannot initiate`);
    const live = this.liveSa(gateway);
    if (live) return this.startQuick(live);
    this.wantQuick.add(gateway);
    if ([...this.n.sas.values()].some((s) => s.gw.gateway === gateway && s.state !== 'established')) return;
    this.startPhase1(gw);
  }

  private startPhase1(gw: IkeGatewayConfig): void {
    const sa = this.newSa(gw, 'initiator', this.n.randomBytes(8), new Uint8Array(8), { address: gw.local, port: 500 }, { address: gw.remote, port: 500 });
    this.n.log(`[IKE] initiate ISAKMP phase to ${gw.remote} (local address ${gw.local})`);
    this.n.walkPhase1Start(sa);
  }

  private newSa(gw: IkeGatewayConfig, role: Role, icookie: Uint8Array, rcookie: Uint8Array, local: UdpEndpoint, peer: UdpEndpoint): IsakmpSa {
    const sa: IsakmpSa = {
      gw, role, mode: gw.exchange, state: 'start', icookie, rcookie, local, peer, localPort: 500,
      peerDpd: false, floated: false, retries: 0, quick: new Map(), infoIvs: new Map(), dpd: { seq: this.n.randomU32(1) & 0x7fffffff, unanswered: 0 }, retiring: false,
    };
    this.n.sas.set(saKey(icookie), sa);
    return sa;
  }

  newResponder(h: IsakmpHeader, localPort: 500 | 4500, from: UdpEndpoint): IsakmpSa | undefined {
    const mode = h.exchange === 2 ? 'main' : 'aggressive';
    const gws = this.n.gatewaysFor(from, mode);
    if (!gws.length) return undefined;
    // Aggressive mode picks among these by the peer's ID (phase1.ts recvAM1sendAM2).
    const sa = this.newSa(gws[0], 'responder', h.icookie, this.n.randomBytes(8), { address: gws[0].local, port: localPort }, from);
    sa.localPort = localPort;
    return sa;
  }

  newQuick(sa: IsakmpSa, role: Role, messageId: number): QuickExchange {
    const q: QuickExchange = {
      messageId, role, state: 'start', iv: exchangeIv(sa.suite!.hash, sa.cipher!, sa.iv!, messageId),
      spiIn: u32bytes(this.n.randomU32(256)), ids: [], retries: 0,
    };
    sa.quick.set(messageId, q);
    return q;
  }

  startQuick(sa: IsakmpSa, rekeyOf?: number): void {
    let mid = this.n.randomU32(1);
    while (sa.quick.has(mid)) mid = this.n.randomU32(1);
    const q = this.newQuick(sa, 'initiator', mid);
    q.rekeyOf = rekeyOf;
    this.n.walkQuickStart(sa, q);
  }

  // ---- retransmission ----
  armRetransmit(sa: IsakmpSa, q: QuickExchange | undefined): void {
    const id = this.saTimer(sa, q ? `q${q.messageId}:retransmit` : 'retransmit');
    const holder = q ?? sa;
    holder.retries = 0;
    const fire = (): void => {
      const sent = holder.lastSent;
      if (!sent) return;
      if (holder.retries >= this.n.profile.retransmitTries) {
        if (q) this.failQuick(sa, q, 'quick mode: no answer after retransmissions');
        else this.failPhase1(sa, 'phase 1: no answer after retransmissions');
        return;
      }
      holder.retries++;
      this.n.emit(sent);
      this.n.timers.set(this.n.ctx, id, this.n.ctx.now + this.n.profile.retransmitIntervalMs, fire);
    };
    this.n.timers.set(this.n.ctx, id, this.n.ctx.now + this.n.profile.retransmitIntervalMs, fire);
  }

  cancelRetransmit(sa: IsakmpSa, q: QuickExchange | undefined): void {
    this.n.timers.cancel(this.n.ctx, this.saTimer(sa, q ? `q${q.messageId}:retransmit` : 'retransmit'));
  }

  // ---- outcomes ----
  failPhase1(sa: IsakmpSa, reason: string, notifyType?: number): void {
    if (notifyType !== undefined) {
      this.n.emit({ bytes: plainInformational(sa, this.n.randomU32(1), [notification(PROTOCOL.isakmp, notifyType, cookiesSpi(sa))]), localPort: sa.localPort, to: sa.peer });
    }
    this.removeSa(sa, reason);
  }

  failQuick(sa: IsakmpSa, q: QuickExchange, reason: string, notifyType?: number): void {
    if (notifyType !== undefined) this.sendProtected(sa, [notification(PROTOCOL.esp, notifyType, q.spiOut ?? q.spiIn)]);
    this.n.timers.cancelPrefix(this.n.ctx, this.saTimer(sa, `q${q.messageId}:`));
    sa.quick.delete(q.messageId);
    this.n.log(`[IKE] quick mode ${q.messageId.toString(16)} abandoned: ${reason}`);
  }

  private removeSa(sa: IsakmpSa, reason: string): void {
    this.n.timers.cancelPrefix(this.n.ctx, `ike:${hex(sa.icookie)}:`);
    this.n.sas.delete(saKey(sa.icookie));
    this.n.ctx.out.push({ kind: 'phase1Down', gateway: sa.gw.gateway, icookie: sa.icookie, reason });
  }

  phase1Established(sa: IsakmpSa): void {
    sa.state = 'established';
    sa.establishedAt = this.n.ctx.now;
    const k = sa.keys!;
    this.n.ctx.out.push({ kind: 'phase1Up', gateway: sa.gw.gateway, peer: { ...sa.peer }, natDetected: sa.floated, keys: { icookie: sa.icookie, rcookie: sa.rcookie, skeyid: k.skeyid, skeyidD: k.skeyidD, skeyidA: k.skeyidA, skeyidE: k.skeyidE, encKey: k.encKey } });
    const now = this.n.ctx.now;
    const ka = sa.gw.keepalive;
    if (ka.method === 'dpd' && sa.peerDpd) this.n.timers.set(this.n.ctx, this.saTimer(sa, 'dpd'), now + ka.intervalS * 1000, () => this.dpdTick(sa));
    const natKa = sa.gw.natTraversal.keepaliveS;
    // RFC 3948 §2.3: the side behind the NAT keeps its mapping open (force=on counts as behind one).
    if (sa.floated && natKa !== 'off' && (sa.nat?.localBehindNat || sa.gw.natTraversal.force)) this.n.timers.set(this.n.ctx, this.saTimer(sa, 'nat-keepalive'), now + natKa * 1000, () => this.natKeepalive(sa, natKa));
    const life = effectiveLifetimeS(sa.gw.phase1LifetimeS ?? this.n.profile.defaultLifetimeS, sa.suite?.lifetimeS) * 1000;
    this.n.timers.set(this.n.ctx, this.saTimer(sa, 'expire'), now + life, () => this.expirePhase1(sa));
    if (sa.role === 'initiator' && sa.gw.autoRefresh) {
      this.n.timers.set(this.n.ctx, this.saTimer(sa, 'rekey'), now + Math.floor(life * this.n.profile.rekeyAtFraction), () => {
        sa.retiring = true;
        this.startPhase1(sa.gw);
      });
    }
    if (sa.role === 'initiator' && this.wantQuick.delete(sa.gw.gateway)) this.startQuick(sa);
  }

  quickEstablished(sa: IsakmpSa, q: QuickExchange): void {
    const keys = espKeys(sa, q);
    const lifetimeS = effectiveLifetimeS(sa.gw.phase2LifetimeS ?? this.n.profile.defaultLifetimeS, q.suite!.lifetimeS);
    const rec: IpsecSaRecord = { gateway: sa.gw.gateway, isakmp: hex(sa.icookie), inboundSpi: keys.inbound.spi, outboundSpi: keys.outbound.spi, role: q.role, createdAt: this.n.ctx.now, lifetimeS, rekeyed: false };
    this.ipsec.set(rec.inboundSpi, rec);
    this.n.ctx.out.push({ kind: 'ipsecSaUp', sa: { gateway: sa.gw.gateway, cipher: q.suite!.cipher, integrity: q.suite!.integrity, udpEncapsulated: q.suite!.udpEncapsulated, inbound: keys.inbound, outbound: keys.outbound, local: { address: sa.local.address, port: sa.localPort }, peer: { ...sa.peer }, pfsGroup: q.suite!.pfsGroup, lifetimeS } });
    const id = `ipsec:${rec.inboundSpi}`;
    this.n.timers.set(this.n.ctx, `${id}:expire`, this.n.ctx.now + lifetimeS * 1000, () => this.expireIpsec(rec, 'lifetime expired'));
    if (q.role === 'initiator' && sa.gw.autoRefresh) {
      this.n.timers.set(this.n.ctx, `${id}:rekey`, this.n.ctx.now + Math.floor(lifetimeS * 1000 * this.n.profile.rekeyAtFraction), () => {
        const live = this.liveSa(rec.gateway);
        rec.rekeyed = true;
        if (live) this.startQuick(live, rec.inboundSpi);
        else this.connect(rec.gateway);
      });
    }
  }

  private expireIpsec(rec: IpsecSaRecord, reason: string, tellPeer = true): void {
    if (!this.ipsec.delete(rec.inboundSpi)) return;
    this.n.timers.cancelPrefix(this.n.ctx, `ipsec:${rec.inboundSpi}:`);
    const sa = this.liveSa(rec.gateway) ?? this.n.sas.get(rec.isakmp);
    if (tellPeer && sa && sa.state === 'established') this.sendProtected(sa, [deleteEsp([u32bytes(rec.inboundSpi)])]);
    this.n.ctx.out.push({ kind: 'ipsecSaDown', gateway: rec.gateway, inboundSpi: rec.inboundSpi, outboundSpi: rec.outboundSpi, reason });
  }

  private expirePhase1(sa: IsakmpSa): void {
    this.sendProtected(sa, [deleteIsakmp(sa)]);
    this.removeSa(sa, 'ISAKMP SA lifetime expired');
  }

  disconnect(gateway: number): void {
    for (const rec of [...this.ipsec.values()]) if (rec.gateway === gateway) this.expireIpsec(rec, 'disconnect');
    for (const sa of [...this.n.sas.values()]) {
      if (sa.gw.gateway !== gateway) continue;
      if (sa.state === 'established') this.sendProtected(sa, [deleteIsakmp(sa)]);
      this.removeSa(sa, 'disconnect');
    }
  }

  sendProtected(sa: IsakmpSa, payloads: Parameters<typeof protectedInformational>[2]): void {
    this.n.emit({ bytes: protectedInformational(sa, this.n.randomU32(1), payloads), localPort: sa.localPort, to: sa.peer });
  }

  // ---- keepalives ----
  private dpdTick(sa: IsakmpSa): void {
    const ka = sa.gw.keepalive;
    if (sa.dpd.unanswered >= ka.count) {
      this.n.ctx.out.push({ kind: 'peerDead', gateway: sa.gw.gateway });
      for (const rec of [...this.ipsec.values()]) if (rec.gateway === sa.gw.gateway) this.expireIpsec(rec, 'DPD: peer dead', false);
      this.removeSa(sa, 'DPD: peer dead (RFC 3706 §5.5)');
      return;
    }
    sa.dpd.seq = (sa.dpd.seq + 1) >>> 0;
    sa.dpd.waitingSeq = sa.dpd.seq;
    sa.dpd.unanswered++;
    this.sendProtected(sa, [dpdNotification(sa, NOTIFY.rUThere, sa.dpd.seq)]);
    this.n.timers.set(this.n.ctx, this.saTimer(sa, 'dpd'), this.n.ctx.now + ka.intervalS * 1000, () => this.dpdTick(sa));
  }

  private natKeepalive(sa: IsakmpSa, intervalS: number): void {
    this.n.ctx.out.push({ kind: 'send', localPort: 4500, to: { ...sa.peer }, bytes: NAT_KEEPALIVE });
    this.n.timers.set(this.n.ctx, this.saTimer(sa, 'nat-keepalive'), this.n.ctx.now + intervalS * 1000, () => this.natKeepalive(sa, intervalS));
  }

  // ---- informational ----
  receiveInformational(sa: IsakmpSa, h: IsakmpHeader, bytes: Uint8Array, from: UdpEndpoint, localPort: 500 | 4500): void {
    const encrypted = (h.flags & FLAG.encryption) !== 0;
    const d = this.n.decode(h, bytes, encrypted ? this.n.infoIv(sa, h.messageId) : undefined, sa, from, localPort);
    if ('error' in d) return void this.n.ctx.out.push({ kind: 'dropped', from, reason: d.error, ...(d.offset === undefined ? {} : { offset: d.offset }) });
    const m = d.m;
    if (encrypted) {
      const first = m.payloads[0];
      if (first?.kind !== 'hash' || !bytesEqual(quickHash1(sa.suite!.hash, sa.keys!.skeyidA, h.messageId, m.afterFirst), first.data)) {
        return void this.n.ctx.out.push({ kind: 'dropped', from, reason: 'informational HASH(1) missing or wrong (RFC 2409 §5.7)' });
      }
      if (d.nextIv) sa.infoIvs.set(h.messageId, d.nextIv);
    }
    for (const p of m.payloads) {
      if (p.kind === 'notification') {
        if (encrypted && p.notifyType === NOTIFY.rUThere) {
          const seq = dpdSequence(p);
          if (seq !== undefined) this.sendProtected(sa, [dpdNotification(sa, NOTIFY.rUThereAck, seq)]);
          continue;
        }
        if (encrypted && p.notifyType === NOTIFY.rUThereAck) {
          if (dpdSequence(p) === sa.dpd.waitingSeq) sa.dpd.unanswered = 0;
          continue;
        }
        this.n.ctx.out.push({ kind: 'notifyReceived', gateway: sa.gw.gateway, notifyType: p.notifyType, protected: encrypted });
        if (p.notifyType < 16384) {
          // An error: unprotected ones end a phase 1 in progress; protected ones a quick mode in progress.
          if (sa.state !== 'established' && !encrypted) this.removeSa(sa, `peer sent ${notifyName(p.notifyType)}`);
          else if (encrypted) for (const q of [...sa.quick.values()]) if (q.state !== 'done') this.failQuick(sa, q, `peer sent ${notifyName(p.notifyType)}`);
        }
      } else if (p.kind === 'delete' && encrypted) {
        if (p.protocolId === PROTOCOL.esp) {
          for (const spi of p.spis) {
            if (spi.length !== 4) continue;
            const v = new DataView(spi.buffer, spi.byteOffset).getUint32(0);
            // RFC 2408 §3.15 does not say whose SPI; peers send their inbound one (our outbound), and
            // charon (5.9.8) after a failed install its outbound one (our inbound): accept both.
            for (const rec of [...this.ipsec.values()]) if (rec.outboundSpi === v || rec.inboundSpi === v) this.expireIpsec(rec, 'peer sent Delete', false);
          }
        } else if (p.protocolId === PROTOCOL.isakmp && p.spis.some((s) => bytesEqual(s, cookiesSpi(sa)))) {
          this.removeSa(sa, 'peer sent Delete for the ISAKMP SA');
        }
      }
    }
  }
}

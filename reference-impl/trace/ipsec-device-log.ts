// The syslog lines an RTX logs for what its IKE does (ipsec-facts.md "Syslog seen on real RTX";
// the other lines are the catalogue's assumptions, syslog/ike-catalogue.ts): the IKE oracle's own
// lines as it logs them, plus the lines of the IPsec layer around it (an SA made or deleted, the
// L2TPv3/IPsec tunnel interface up or down, a message dropped), from the oracle's actions for the
// device in a simulation (ipsec-simulation.ts). Pure.
import type { IkeAction, IkeGatewayConfig } from '../ipsec/ike/ike-events.ts';
import { ikeLogLevel, renderIkeSyslog, type IkeSyslogId } from '../syslog/ike-catalogue.ts';

export interface DeviceLogLine {
  readonly t: number;
  readonly level: 'INFO' | 'DEBUG';
  readonly text: string;
}

export interface DeviceLogContext {
  readonly gateways: readonly IkeGatewayConfig[];
  /** L2TPv3/IPsec tunnel interfaces and the gateway each uses (`tunnel select N` + `ipsec tunnel P` -> policy's gateway). */
  readonly tunnels: readonly { tunnel: number; gateway: number }[];
  /** The peer an ISAKMP SA (by initiator cookie, hex) was negotiated with: the address its lines name. */
  readonly peerOfCookie?: (icookieHex: string) => string | undefined;
  /** `ipsec ike keepalive log GW on|off` (default on). */
  readonly keepaliveLog?: boolean;
}

/** The device's IKE log lines, in order, for its actions in a simulation. */
export function deviceIkeLog(actions: readonly { t: number; action: IkeAction }[], ctx: DeviceLogContext): DeviceLogLine[] {
  const out: DeviceLogLine[] = [];
  const line = (t: number, id: IkeSyslogId, args: Record<string, string | number>) => {
    const text = renderIkeSyslog(id, args);
    out.push({ t, level: ikeLogLevel(text), text });
  };
  // live IPsec SAs per gateway (inbound SPI -> peer address), for the tunnel interface's state
  const live = new Map<number, Map<number, string>>();
  for (const { t, action: a } of actions) {
    switch (a.kind) {
      case 'log':
        out.push({ t, level: ikeLogLevel(a.text), text: a.text });
        break;
      case 'phase1Down':
        // the SA's peer; the gateway's configured remote when the SA never got a message through
        line(t, 'phase1Down', { address: ctx.peerOfCookie?.(Buffer.from(a.icookie).toString('hex')) ?? ctx.gateways.find((g) => g.gateway === a.gateway)?.remote ?? '?', reason: a.reason });
        break;
      case 'ipsecSaUp': {
        const sas = live.get(a.sa.gateway) ?? new Map<number, string>();
        const first = sas.size === 0;
        sas.set(a.sa.inbound.spi, a.sa.peer.address);
        live.set(a.sa.gateway, sas);
        // yamaha-platform-facts.md §3.5: `IP Tunnel[1] Up` once the IPsec phase is done
        if (first) for (const b of ctx.tunnels) if (b.gateway === a.sa.gateway) line(t, 'ipTunnelUp', { tunnel: b.tunnel });
        break;
      }
      case 'ipsecSaDown': {
        const sas = live.get(a.gateway);
        const peer = sas?.get(a.inboundSpi);
        if (peer === undefined) break;
        sas!.delete(a.inboundSpi);
        line(t, 'ipsecSaDown', { address: peer, reason: a.reason });
        if (sas!.size === 0) for (const b of ctx.tunnels) if (b.gateway === a.gateway) line(t, 'ipTunnelDown', { tunnel: b.tunnel });
        break;
      }
      case 'peerDead':
        // `ipsec ike keepalive log GW on` is the default (yamaha-platform-facts.md §1.4): the give-up is logged
        if (ctx.keepaliveLog !== false) line(t, 'keepaliveDown', { address: ctx.gateways.find((g) => g.gateway === a.gateway)?.remote ?? '?' });
        break;
      case 'dropped':
        line(t, 'dropped', { address: a.from.address, reason: a.reason });
        break;
      default:
        break;
    }
  }
  return out;
}

// Per-tunnel packet and octet counters for `show status tunnel N` (underlay datagrams).
import type { TunnelInterfaceStatus, Traffic } from './device.ts';

export class TrafficCounters {
  private readonly byTunnel = new Map<number, { rx: Traffic; tx: Traffic }>();

  private get(n: number): { rx: Traffic; tx: Traffic } {
    let c = this.byTunnel.get(n);
    if (!c) this.byTunnel.set(n, (c = { rx: { packets: 0, octets: 0 }, tx: { packets: 0, octets: 0 } }));
    return c;
  }

  rx(n: number, octets: number): void {
    const c = this.get(n).rx;
    c.packets++;
    c.octets += octets;
  }

  tx(n: number, octets: number): void {
    const c = this.get(n).tx;
    c.packets++;
    c.octets += octets;
  }

  /** ASSUMPTION: counted under IPv4 whatever the underlay family (the CR splits them; not modelled). */
  view(n: number): Pick<TunnelInterfaceStatus, 'rx' | 'tx'> {
    const c = this.get(n);
    const zero = { packets: 0, octets: 0 };
    return { rx: { ipv4: { ...c.rx }, ipv6: zero }, tx: { ipv4: { ...c.tx }, ipv6: zero } };
  }
}

// The peer driver tests' lab: the DeviceLab of drivers/dut/device-lab.ts around an
// emulated router (drivers/dut/), with the defaults these tests share: RTX1210 at Rev.14.01.26,
// timers ten times faster, peers on 127.0.0.2, 127.0.0.3, ... or, on an IPv6 underlay, on [::1].
import { EmulatedDut } from '../../../../drivers/dut/emulated-dut.ts';
import { DeviceLab } from '../../../../drivers/dut/device-lab.ts';
import { type RouterTunnelSpec } from '../../../../drivers/dut/lab-config.ts';

/** IPv6 lab: the config's underlay addresses (seed ex3 style); sockets are on ::1. */
export const V6 = { router: '2001:db8:1::1', peer: '2001:db8:1::2' } as const;

export interface PeerLabOptions {
  tunnels: RouterTunnelSpec[];
  model?: string;
  firmware?: string;
  timeScale?: number;
  /** Replace the generated config (e.g. to exceed a model's limit). */
  config?: string;
  /** Defects injected into the router (a suite proves itself by failing on them). */
  defects?: string[];
  /** IPv6 underlay: the router on [::1], its config addresses V6.router / the peers' mapped (start peers first). */
  ipv6?: boolean;
}

export async function openPeerLab(o: PeerLabOptions): Promise<DeviceLab> {
  const model = o.model ?? 'RTX1210';
  const firmware = o.firmware ?? '14.01.26';
  const defects = o.defects ?? [];
  const dut = await EmulatedDut.open({ role: model, model, firmware, timeScale: o.timeScale ?? 10, defects, ...(o.ipv6 ? { ipv6Underlay: { routerAddress: V6.router } } : {}) });
  const config = o.config;
  return DeviceLab.around({ model, firmware, kind: 'emulated', role: model, defects }, dut, { tunnels: o.tunnels, ...(config !== undefined ? { config: () => config } : {}) });
}

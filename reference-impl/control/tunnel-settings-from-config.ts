// A tunnel's control-plane settings from its `tunnel select N` block of an RTX config (the config
// oracle's view): the configured values, and the command reference defaults where a line is
// missing (tunnel-settings.ts). One function for the emulated router (which bends it with its
// defects) and for the suites' oracle simulations of whole topologies. Pure.
import type { L2tpTunnelView } from '../config/views.ts';
import { defaultTunnelSettings, type TunnelSettings } from './tunnel-settings.ts';

export function tunnelSettingsFromConfig(v: L2tpTunnelView, model: string): TunnelSettings {
  const d = defaultTunnelSettings(model, v.tunnel);
  return {
    ...d,
    alwaysOn: v.alwaysOn,
    hostname: v.hostname ?? d.hostname,
    auth: { enabled: v.tunnelAuth.enabled, password: v.tunnelAuth.password?.reveal() ?? d.auth.password },
    disconnectTimeS: v.disconnectTime,
    keepalive: { use: v.keepalive.enabled, intervalS: v.keepalive.interval, count: v.keepalive.count },
    keepaliveLog: v.keepaliveLog,
    syslog: v.syslog,
    localRouterId: v.localRouterId,
    remoteRouterId: v.remoteRouterId,
    remoteEndId: v.remoteEndId,
  };
}

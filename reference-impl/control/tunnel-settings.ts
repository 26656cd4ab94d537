// The per-tunnel `l2tp ...` settings of an RTX, with the command reference's defaults.
// Source: yamaha-platform-facts.md §1.1 (CR ch.16, §16.2-§16.11) and §1.2 (tunnel commands).
import type { Secret } from '../l2tpv3/hiding.ts';

export interface KeepaliveSetting {
  /** `l2tp keepalive use on|off`. */
  use: boolean;
  /** Seconds between Hellos, 1..600. */
  intervalS: number;
  /** Unanswered intervals before the peer is declared down, 1..50. */
  count: number;
}

export interface TunnelSettings {
  /** The tunnel interface number: the XX of `TUNNEL[XX]` and of `connect tunnel N`. */
  tunnel: number;
  /** `l2tp always-on`. */
  alwaysOn: boolean;
  /** `l2tp hostname`: the Host Name AVP (up to 32 characters). */
  hostname: string;
  /** `l2tp tunnel auth on [password]`; the password never appears in logs. */
  auth: { enabled: boolean; password: Secret };
  /** `l2tp tunnel disconnect time`: idle seconds, or 'off'. */
  disconnectTimeS: number | 'off';
  keepalive: KeepaliveSetting;
  /** `l2tp keepalive log`. */
  keepaliveLog: boolean;
  /** `l2tp syslog`. */
  syslog: boolean;
  /** `l2tp local router-id` / `l2tp remote router-id`, dotted quads. */
  localRouterId: string;
  remoteRouterId: string;
  /** `l2tp remote end-id`: undefined when not configured (no default). */
  remoteEndId?: string;
}

// yamaha-platform-facts.md §1.1 (CR 16.2-16.11): ranges the settings must respect.
export const TUNNEL_SETTING_LIMITS = {
  hostnameMaxLength: 32, // §16.8
  passwordMaxLength: 32, // §16.2
  endIdMaxLength: 32, // §16.11
  disconnectTimeS: { min: 1, max: 21474836 }, // §16.3
  keepaliveIntervalS: { min: 1, max: 600 }, // §16.4
  keepaliveCount: { min: 1, max: 50 }, // §16.4
} as const;

/** The settings an RTX of `model` has for tunnel `tunnel` after `tunnel select N` and no l2tp commands. */
export function defaultTunnelSettings(model: string, tunnel = 1): TunnelSettings {
  return {
    tunnel,
    alwaysOn: true, // §16.7 default on
    hostname: model, // §16.8 default: the model name
    auth: { enabled: false, password: model }, // §16.2 default off; omitted password = model name
    disconnectTimeS: 60, // §16.3 default 60 s
    keepalive: { use: true, intervalS: 10, count: 6 }, // §16.4 defaults on, 10 s, 6
    keepaliveLog: false, // §16.5 default off
    syslog: false, // §16.6 default off
    localRouterId: '0.0.0.0', // §16.9 default
    remoteRouterId: '0.0.0.0', // §16.10 default
    remoteEndId: undefined, // §16.11: no default
  };
}

/** Throws a clear error (never naming the password) when a setting is out of its documented range. */
export function validateTunnelSettings(s: TunnelSettings): void {
  const L = TUNNEL_SETTING_LIMITS;
  const where = `tunnel ${s.tunnel}`;
  if (s.hostname.length === 0 || s.hostname.length > L.hostnameMaxLength) throw new Error(`${where}: l2tp hostname must be 1..32 characters`);
  const pwLen = typeof s.auth.password === 'string' ? s.auth.password.length : s.auth.password.length;
  if (pwLen > L.passwordMaxLength) throw new Error(`${where}: l2tp tunnel auth password longer than 32 characters`);
  if (s.remoteEndId !== undefined && (s.remoteEndId.length === 0 || s.remoteEndId.length > L.endIdMaxLength)) {
    throw new Error(`${where}: l2tp remote end-id must be 1..32 characters`);
  }
  if (s.disconnectTimeS !== 'off' && !(s.disconnectTimeS >= L.disconnectTimeS.min && s.disconnectTimeS <= L.disconnectTimeS.max)) {
    throw new Error(`${where}: l2tp tunnel disconnect time ${s.disconnectTimeS} is outside 1..21474836`);
  }
  const k = s.keepalive;
  if (!(k.intervalS >= L.keepaliveIntervalS.min && k.intervalS <= L.keepaliveIntervalS.max)) throw new Error(`${where}: keepalive interval ${k.intervalS} is outside 1..600`);
  if (!(k.count >= L.keepaliveCount.min && k.count <= L.keepaliveCount.max)) throw new Error(`${where}: keepalive count ${k.count} is outside 1..50`);
  parseRouterId(s.localRouterId, `${where}: l2tp local router-id`);
  parseRouterId(s.remoteRouterId, `${where}: l2tp remote router-id`);
}

/** A dotted quad as the 32-bit Router ID AVP value (3931 §5.4.3: a u32, not necessarily an address). */
export function parseRouterId(dotted: string, what = 'router-id'): number {
  const parts = dotted.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new Error(`${what}: '${dotted}' is not an IPv4 dotted quad`);
  }
  return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
}

// Topology fields for the IPv6 access underlays (issue 19): the ISP side of a link (`relay`: a
// MAP-E Border Relay that also ends fixed-address IPIP tunnels, played by a lab process) and a
// router's MAP-E parameters (what the service hands its CE: the rule and the delegated prefix).
// Field meanings follow RFC 7597 §5 (reference-impl/underlay/map-e-rule.ts MapERule).
import { z } from 'zod';

const text = (what: string) => z.string().min(1, { error: `${what} is required` });

export const mapERuleSchema = z.strictObject({
  /** Rule IPv6 prefix, e.g. 2001:db8:aa00::/40 */
  ipv6_prefix: text('ipv6_prefix'),
  /** Rule IPv4 prefix, e.g. 192.0.2.0/24 */
  ipv4_prefix: text('ipv4_prefix'),
  /** EA-bits length, 0..48 */
  ea_bits: z.int().min(0).max(48),
  /** PSID offset (a); RFC 7597 default 6 */
  psid_offset: z.int().min(0).max(15).optional(),
});

export const linkRelaySchema = z.strictObject({
  /** the relay's IPv6 address on the link: the BR address of every rule and the IPIP gateway */
  address: text('address'),
  /** its MAC (default 02:00:5e:00:53:01, locally administered) */
  mac: z.string().regex(/^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/, { error: 'a MAC address aa:bb:cc:dd:ee:ff' }).optional(),
  map_e_rules: z.array(mapERuleSchema).optional(),
  /** fixed-address IPIP customers: the IPv4 prefix routed to each IPv6 tunnel end */
  ipip: z.array(z.strictObject({ ipv4_prefix: text('ipv4_prefix'), remote: text('remote') })).optional(),
});

export const routerMapESchema = z.strictObject({
  /** the link whose relay holds the rule */
  link: text('link'),
  /** index into that relay's map_e_rules (default 0) */
  rule: z.int().min(0).optional(),
  /** the CE's delegated End-user IPv6 prefix (DHCPv6-PD in a real service) */
  end_user_prefix: text('end_user_prefix'),
});

// The emulated router's reading of an IPIP / MAP-E underlay from its config: which L2TPv3 peers go
// into which tunnel, the tunnel's ends and the inner IPv4 source, and (MAP-E) the source port in
// the CE's port set. Expectations are written from RFC 7597 §5.1 arithmetic by hand, not read
// back from the code: PSID 0x12 with a = 6, k = 8 owns ports (A << 10) | (0x12 << 2) | j.
import { expect, test } from '@playwright/test';
import { parseConfig } from '../../../../reference-impl/config/index.ts';
import { parseMapELabParams, planUnderlay, UnderlayPlanError } from '../../../../reference-impl/router/underlay/underlay-plan.ts';

const l2tp = (local: string, remote: string, extra = '') => `tunnel select 1
 tunnel encapsulation l2tpv3-raw
 tunnel endpoint address ${local} ${remote}
 l2tp always-on on
 tunnel enable 1
${extra}`;

const RULE = { ipv6Prefix: '2001:db8:aa00::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:1::100' };

test('IPIP: the default route into tunnel 2 carries the L2TPv3 peer; inner source is the L2TPv3 local endpoint', () => {
  const doc = parseConfig(`ip route default gateway tunnel 2
ip bridge1 address 192.168.100.1/24
${l2tp('203.0.113.1', '203.0.113.2')}tunnel select 2
 tunnel encapsulation ipip
 tunnel endpoint address 2001:db8:1::11 2001:db8:1::100
 tunnel enable 2
`);
  expect(planUnderlay(doc)).toEqual({ kind: 'ipip', tunnel: 2, local6: '2001:db8:1::11', remote6: '2001:db8:1::100', ipv4: '203.0.113.1', sourcePort: 1701, peers: ['203.0.113.2'] });
});

test('IPIP without a local endpoint uses the WAN address; a more specific route elsewhere keeps the peer out', () => {
  const text = `ip route default gateway tunnel 2
ip bridge1 address 192.168.100.1/24
${l2tp('203.0.113.1', '203.0.113.2')}tunnel select 2
 tunnel encapsulation ipip
 tunnel endpoint address 2001:db8::65
`;
  expect(planUnderlay(parseConfig(text), { wanIpv6: '2001:db8:1::1' })?.local6).toBe('2001:db8:1::1');
  expect(() => planUnderlay(parseConfig(text))).toThrow(UnderlayPlanError);
  expect(planUnderlay(parseConfig(`ip route 203.0.113.2 gateway 198.51.100.254\n${text}`))).toBeUndefined();
  expect(planUnderlay(parseConfig(l2tp('198.51.100.1', '198.51.100.2')))).toBeUndefined();
});

test('MAP-E: the MAP address, the BR, the shared IPv4 address and a source port inside the port set', () => {
  const doc = parseConfig(`ip route default gateway tunnel 2
${l2tp('192.0.2.5', '203.0.113.2')}tunnel select 2
 tunnel encapsulation map-e
 tunnel map-e type v6plus
 tunnel enable 2
`);
  expect(() => planUnderlay(doc)).toThrow(/no MAP-E rule/);
  // End-user prefix 2001:db8:aa05:1200::/56: EA bits 0x05 (IPv4 suffix) 0x12 (PSID 18)
  const p = planUnderlay(doc, { mapE: { rule: RULE, endUserPrefix: '2001:db8:aa05:1200::/56' } })!;
  expect([p.kind, p.tunnel, p.ipv4, p.remote6, p.mapEType]).toEqual(['map-e', 2, '192.0.2.5', '2001:db8:1::100', 'v6plus']);
  // RFC 7597 §6: 16 zero bits, IPv4 c000:0205, PSID 0x0012
  expect(p.local6).toBe('2001:db8:aa05:1200:0:c000:205:12');
  // 1701 = (1 << 10) | (0xa9 << 2) | 1 is PSID 0xa9's; PSID 0x12's first port is (1 << 10) | (0x12 << 2) = 1096
  expect(p.sourcePort).toBe(1096);
  expect(p.sourcePort).not.toBe(1701);
});

test('--map-e JSON is checked: shape and the rule itself', () => {
  expect(parseMapELabParams(JSON.stringify({ rule: RULE, endUserPrefix: '2001:db8:aa05:1200::/56' })).rule.eaBits).toBe(16);
  expect(() => parseMapELabParams('{')).toThrow(/not JSON/);
  expect(() => parseMapELabParams(JSON.stringify({ rule: { ...RULE, eaBits: '16' }, endUserPrefix: 'x' }))).toThrow(/eaBits/);
  expect(() => parseMapELabParams(JSON.stringify({ rule: { ...RULE, eaBits: 60 }, endUserPrefix: '2001:db8:aa05:1200::/56' }))).toThrow(/--map-e:/);
});

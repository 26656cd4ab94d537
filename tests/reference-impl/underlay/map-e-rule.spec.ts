// MAP-E's mapping held against RFC 7597's own worked example (Appendix A, example 1) and against
// the definitions of §5.1 as properties: every PSID's port set is disjoint from the others, and
// together they cover every port from 2^(16-a) up; a port's PSID read back from its bits is the
// PSID whose set holds it. An oracle that shifts one bit fails the example and the properties.
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { l2tpSourcePort, mapECe, MapERuleError, portInSet, portSet, psidOfPort, type MapERule } from '../../../reference-impl/underlay/index.ts';

// RFC 7597 Appendix A, example 1 (the BR address is ours: the example does not give one).
const RFC_EXAMPLE_RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };

test.describe('MAP-E rule (RFC 7597 §5, §6)', () => {
  test('RFC 7597 Appendix A example 1: IPv4 address, PSID, port set and MAP IPv6 address', () => {
    const ce = mapECe(RFC_EXAMPLE_RULE, '2001:db8:0012:3400::/56');
    expect(ce).toEqual({
      ipv4: '192.0.2.18', ipv4PrefixLength: 32, psid: 0x34, psidLength: 8, psidOffset: 6,
      ceIpv6: '2001:db8:12:3400:0:c000:212:34', brIpv6: '2001:db8:ffff::1',
    });
    const set = portSet(ce);
    // "Port-set-1: 1232-1235, Port-set-2: 2256-2259, ..., Port-set-63: 64720-64723"
    expect(set.length).toBe(63);
    expect(set[0]).toEqual({ first: 1232, last: 1235 });
    expect(set[1]).toEqual({ first: 2256, last: 2259 });
    expect(set[62]).toEqual({ first: 64720, last: 64723 });
  });

  test('the draft-03 interface identifier puts the IPv4 address and PSID one octet earlier', () => {
    const ce = mapECe(RFC_EXAMPLE_RULE, '2001:db8:0012:3400::/56', 'draft-03');
    expect(ce.ceIpv6).toBe('2001:db8:12:3400:c0:2:1200:3400');
  });

  test('port sets of all PSIDs are disjoint and cover every port from 2^(16-a) up', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 8 }), (a, k) => {
      fc.pre(a + k <= 16);
      const owner = new Map<number, number>();
      for (let psid = 0; psid < 2 ** k; psid++) {
        for (const r of portSet({ psid, psidLength: k, psidOffset: a })) {
          for (let p = r.first; p <= r.last; p++) {
            // plain checks inside the 65536-port walk (an expect per port is too slow); thrown as a failure
            if (owner.has(p)) throw new Error(`port ${p} in the sets of PSID ${owner.get(p)} and ${psid} (a=${a} k=${k})`);
            owner.set(p, psid);
            if (psidOfPort(p, a, k) !== psid) throw new Error(`port ${p}: psidOfPort gives ${psidOfPort(p, a, k)}, its set is PSID ${psid} (a=${a} k=${k})`);
          }
        }
      }
      const excluded = a > 0 ? 2 ** (16 - a) : 0;
      expect(owner.size).toBe(65536 - excluded);
      const claimed = Array.from({ length: excluded }, (_, p) => p).filter((p) => psidOfPort(p, a, k) !== undefined);
      expect(claimed, `ports below 2^(16-a) given a PSID (a=${a} k=${k})`).toEqual([]);
    }), { numRuns: 25 });
  });

  test('the End-user prefix decides address and PSID one-to-one', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 0xffff }), (ea) => {
      const hi = (ea >> 8).toString(16).padStart(2, '0');
      const lo = (ea & 0xff).toString(16).padStart(2, '0');
      const ce = mapECe(RFC_EXAMPLE_RULE, `2001:db8:00${hi}:${lo}00::/56`);
      expect(ce.ipv4).toBe(`192.0.2.${ea >> 8}`);
      expect(ce.psid).toBe(ea & 0xff);
    }), { numRuns: 200 });
  });

  test('L2TPv3 keeps 1701 only when the port set holds it; otherwise the set\'s first port', () => {
    const ce = mapECe(RFC_EXAMPLE_RULE, '2001:db8:0012:3400::/56');
    expect(portInSet(1701, ce)).toBe(false);
    expect(l2tpSourcePort(ce)).toBe(1232);
    // 1701 = 0b000001 10101001 01: a=6 -> A=1, k=8 -> PSID 0xa9
    const owner = mapECe(RFC_EXAMPLE_RULE, '2001:db8:00a9:a900::/56');
    expect(owner.psid).toBe(0xa9);
    expect(portInSet(1701, owner)).toBe(true);
    expect(l2tpSourcePort(owner)).toBe(1701);
    expect(l2tpSourcePort({ psid: 0, psidLength: 0, psidOffset: 6 })).toBe(1701);
  });

  test('bad rules and prefixes are refused, naming what is wrong', () => {
    expect(() => mapECe(RFC_EXAMPLE_RULE, '2001:db9:0012:3400::/56')).toThrow(/not inside the rule IPv6 prefix 2001:db8::\/40/);
    expect(() => mapECe(RFC_EXAMPLE_RULE, '2001:db8:0012::/48')).toThrow(/\/48 is shorter than the rule's \/56/);
    expect(() => mapECe({ ...RFC_EXAMPLE_RULE, eaBits: 30 }, '2001:db8::/64')).toThrow(/longer than 64/);
    expect(() => mapECe({ ...RFC_EXAMPLE_RULE, psidOffset: 12 }, '2001:db8:0012:3400::/56')).toThrow(/PSID offset 12 plus PSID length 8 exceeds 16/);
    expect(() => mapECe({ ...RFC_EXAMPLE_RULE, ipv4Prefix: '192.0.2.300/24' }, '2001:db8:0012:3400::/56')).toThrow(MapERuleError);
    expect(() => mapECe({ ...RFC_EXAMPLE_RULE, brAddress: '2001:db8:::1' }, '2001:db8:0012:3400::/56')).toThrow(/BR address/);
  });
});

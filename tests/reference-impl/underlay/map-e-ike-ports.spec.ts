// The ports a MAP-E CE's IKE uses (assumption map-e-ike-ports), held against RFC 7597's worked
// example (Appendix A example 1 lists the CE's port set: "1232-1235, 2256-2259, ...") and against
// a port set computed here from the §5.1 definition by brute force over all 65536 ports (not with
// the oracle's portSet / portInSet): both ports in the set, distinct from each other and from the
// L2TPv3 source port, 500 / 4500 kept when the set holds them, the lowest free ports otherwise.
import { expect, test } from '@playwright/test';
import fc from 'fast-check';
import { l2tpSourcePort, mapECe, mapEIkePorts, MapERuleError, type MapERule } from '../../../reference-impl/underlay/index.ts';

const RFC_EXAMPLE_RULE: MapERule = { ipv6Prefix: '2001:db8::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:ffff::1' };

/** RFC 7597 §5.1, read directly: a port is the CE's when its PSID bits equal the PSID and its A bits are not all zero (a > 0). */
function bruteForceSet(psid: number, a: number, k: number): number[] {
  const m = 16 - a - k;
  const out: number[] = [];
  for (let port = 0; port < 65536; port++) {
    const A = Math.floor(port / 2 ** (16 - a));
    const p = Math.floor(port / 2 ** m) % 2 ** k;
    if ((a === 0 || A > 0) && p === psid) out.push(port);
  }
  return out;
}

test.describe('MAP-E IKE ports (assumption map-e-ike-ports)', () => {
  test('RFC 7597 Appendix A example 1 (PSID 0x34, ports 1232-1235 first): L2TPv3 1232, IKE 1233, NAT-T 1234', () => {
    const ce = mapECe(RFC_EXAMPLE_RULE, '2001:db8:0012:3400::/56');
    expect(l2tpSourcePort(ce)).toBe(1232);
    expect(mapEIkePorts(ce)).toEqual({ ike: 1233, natT: 1234 });
  });

  test('the lab\'s CE (mape-ex1 / mape-ex4-ipsec: 2001:db8:aa05:1200::/56, PSID 0x12, a = 6): ports 1097 and 1098', () => {
    const ce = mapECe({ ...RFC_EXAMPLE_RULE, ipv6Prefix: '2001:db8:aa00::/40' }, '2001:db8:aa05:1200::/56');
    expect(ce.psid).toBe(0x12);
    // 2^10 (A = 1) + 0x12 * 2^2 = 1096: L2TPv3's; the next two are IKE's
    expect(mapEIkePorts(ce)).toEqual({ ike: 1097, natT: 1098 });
  });

  test('a set holding 1701 (PSID 0xa9, a = 6, k = 8: 1700-1703): L2TPv3 keeps 1701, IKE takes 1700 below it, NAT-T 1702', () => {
    expect(mapEIkePorts({ psid: 0xa9, psidLength: 8, psidOffset: 6 })).toEqual({ ike: 1700, natT: 1702 });
  });

  test('a set holding 4500 (v6plus-like a = 4, k = 8, PSID 25: 4496-4511) keeps 4500 for NAT-T; an unshared address keeps 500 and 4500', () => {
    expect(mapEIkePorts({ psid: 25, psidLength: 8, psidOffset: 4 })).toEqual({ ike: 4497, natT: 4500 });
    expect(mapEIkePorts({ psid: 0, psidLength: 0, psidOffset: 6 })).toEqual({ ike: 500, natT: 4500 });
  });

  test('a one-port set cannot hold L2TPv3 and IKE: refused, named', () => {
    expect(() => mapEIkePorts({ psid: 7, psidLength: 16, psidOffset: 0 })).toThrow(MapERuleError);
  });

  test('for any (a, k, PSID): both ports in the set, distinct from each other and L2TPv3\'s, well-known kept, else the lowest free', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 1, max: 12 }), fc.nat(), (a, k, seed) => {
      fc.pre(a + k <= 14); // at least 4 ports per range
      const psid = seed % 2 ** k;
      const set = bruteForceSet(psid, a, k);
      const got = mapEIkePorts({ psid, psidLength: k, psidOffset: a });
      const l2tp = set.includes(1701) ? 1701 : set[0];
      const natT = set.includes(4500) && l2tp !== 4500 ? 4500 : undefined;
      const ike = set.includes(500) && l2tp !== 500 ? 500 : set.find((p) => p !== l2tp && p !== natT);
      const expected = { ike, natT: natT ?? set.find((p) => p !== l2tp && p !== ike) };
      expect(got).toEqual(expected);
      expect(set).toContain(got.ike);
      expect(set).toContain(got.natT);
      expect(new Set([l2tp, got.ike, got.natT]).size).toBe(3);
    }), { numRuns: 60 });
  });
});

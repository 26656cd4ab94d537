// The nested carriage of an L2TPv3 data packet (reference-impl/underlay/nested-carriage.ts), against
// lengths worked out by hand from RFC 791 §3.2 (fragment data a multiple of 8 octets) and RFC 8200
// §4.5 (40-octet header + 8-octet Fragment header per IPv6 fragment).
import { expect, test } from '@playwright/test';
import { ipv4FragmentLengths, l2tpDataIpv4Length, nestedCarriage } from '../../../reference-impl/underlay/index.ts';

test('a full-size frame: 1550-octet IPv4 packet, two IPv6 fragments on a 1500 link, two IPv4 fragments on a 1500 uplink', () => {
  const shape = { frameLength: 1514, cookieLength: 0, l2ss: false };
  expect(l2tpDataIpv4Length(shape)).toBe(1550); // 20 + 8 + 8 + 1514
  // IPv6: 1590 octets whole; fragments carry floor((1500-48)/8)*8 = 1448 octets: 48+1448 = 1496, then 48+(1550-1448) = 150
  // IPv4: fragments carry floor((1500-20)/8)*8 = 1480 octets: 20+1480 = 1500, then 20+(1530-1480) = 70
  expect(nestedCarriage(shape)).toEqual({ ipv4Length: 1550, ipv6Link: { packets: 2, lengths: [1496, 150] }, ipv4Uplink: { packets: 2, lengths: [1500, 70] } });
});

test('cookie and L2SS lengthen the packet; a small frame is carried whole on both wires', () => {
  expect(l2tpDataIpv4Length({ frameLength: 1514, cookieLength: 8, l2ss: true })).toBe(1562);
  expect(nestedCarriage({ frameLength: 64, cookieLength: 4, l2ss: false })).toEqual({ ipv4Length: 104, ipv6Link: { packets: 1, lengths: [144] }, ipv4Uplink: { packets: 1, lengths: [104] } });
  // the largest packet the IPv6 link carries whole: 1460 (tunnel MTU, RFC 2473 §6.7)
  expect(nestedCarriage({ frameLength: 1460 - 36, cookieLength: 0, l2ss: false }).ipv6Link).toEqual({ packets: 1, lengths: [1500] });
  expect(nestedCarriage({ frameLength: 1461 - 36, cookieLength: 0, l2ss: false }).ipv6Link.packets).toBe(2);
});

test('RFC 791 arithmetic on other sizes and MTUs', () => {
  expect(ipv4FragmentLengths(1500, 1500)).toEqual([1500]);
  expect(ipv4FragmentLengths(1501, 1500)).toEqual([1500, 21]);
  expect(ipv4FragmentLengths(3000, 1500)).toEqual([1500, 1500, 40]);
  // an MTU that is not 20 + a multiple of 8: 1006 - 20 = 986 -> 984 octets per fragment
  expect(ipv4FragmentLengths(2000, 1006)).toEqual([1004, 1004, 32]);
  expect(() => ipv4FragmentLengths(100, 24)).toThrow(/no room/);
});

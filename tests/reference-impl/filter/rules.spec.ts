// Rule semantics of `ethernet filter` and `ip filter` (yamaha-platform-facts.md §1.5, §4.1:
// first match decides, no match drops), plus the interface acceptance table.
import { test, expect } from '@playwright/test';
import {
  FilterSyntaxError, evaluateEthernetFilters, evaluateIpFilters, evaluateSecureFilter, filterCommandAccepted,
  parseEthernetFilter, parseIpDynamicFilter, parseIpFilter, resolveFilterList, type DynamicConnection,
  type Ipv4PacketView,
} from '../../../reference-impl/filter/index.ts';
import { capabilities } from '../../../reference-impl/platform/index.ts';

function frame(dst: string, src: string, etherType: number, payload: number[] = []): Uint8Array {
  const mac = (m: string) => m.split(':').map((h) => parseInt(h, 16));
  return Uint8Array.from([...mac(dst), ...mac(src), etherType >> 8, etherType & 0xff, ...payload]);
}
const PC_A = '00:a0:de:00:00:01';
const PC_B = '00:11:22:33:44:55';
const BCAST = 'ff:ff:ff:ff:ff:ff';

test.describe('ethernet filter', () => {
  test('first match decides', () => {
    const rules = [
      parseEthernetFilter('ethernet filter 1 reject-log 00:a0:de:*:*:* *'),
      parseEthernetFilter('ethernet filter 2 pass-nolog * *'),
    ];
    expect(evaluateEthernetFilters(rules, frame(BCAST, PC_A, 0x0806))).toEqual({ verdict: 'reject', matchedId: 1, log: true });
    expect(evaluateEthernetFilters(rules, frame(BCAST, PC_B, 0x0806))).toEqual({ verdict: 'pass', matchedId: 2, log: false });
    expect(evaluateEthernetFilters([...rules].reverse(), frame(BCAST, PC_A, 0x0806)).verdict).toBe('pass');
  });
  test('no match drops', () => {
    const rules = [parseEthernetFilter(`ethernet filter 1 pass-log ${PC_A} *`)];
    expect(evaluateEthernetFilters(rules, frame(BCAST, PC_B, 0x0800))).toEqual({ verdict: 'reject', log: false });
    expect(evaluateEthernetFilters([], frame(BCAST, PC_B, 0x0800)).verdict).toBe('reject');
  });
  test('destination MAC and byte comparison at an offset (EtherType at offset 0, ASSUMPTION)', () => {
    const arpOnly = parseEthernetFilter('ethernet filter 3 pass-nolog * ff:ff:ff:ff:ff:ff 0 08,06');
    expect(evaluateEthernetFilters([arpOnly], frame(BCAST, PC_A, 0x0806)).verdict).toBe('pass');
    expect(evaluateEthernetFilters([arpOnly], frame(BCAST, PC_A, 0x0800)).verdict).toBe('reject');
    expect(evaluateEthernetFilters([arpOnly], frame(PC_B, PC_A, 0x0806)).verdict).toBe('reject');
  });
  test('bad lines name the line and the token', () => {
    expect(() => parseEthernetFilter('ethernet filter 1 allow * *')).toThrow(FilterSyntaxError);
    expect(() => parseEthernetFilter('ethernet filter 1 pass-log 00:zz:00:00:00:00')).toThrow(/"zz"/);
    expect(() => parseEthernetFilter('ethernet filter x pass-log *')).toThrow(/filter number "x"/);
  });
  test('list resolution keeps list order and reports undefined numbers', () => {
    const defs = [parseEthernetFilter('ethernet filter 1 pass-log * *'), parseEthernetFilter('ethernet filter 2 reject-log * *')];
    const r = resolveFilterList(defs, [2, 9, 1]);
    expect(r.rules.map((x) => x.id)).toEqual([2, 1]);
    expect(r.missing).toEqual([9]);
  });
});

const tcp = (src: string, dst: string, sport: number, dport: number, ack = false): Ipv4PacketView => ({
  src, dst, protocol: 6, srcPort: sport, dstPort: dport, tcpFlags: { syn: !ack, ack, fin: false, rst: false },
});

test.describe('ip filter (secure filter)', () => {
  test('first match decides, list order matters', () => {
    const rules = [
      parseIpFilter('ip filter 10 reject 192.168.100.0/24 * tcp * telnet'),
      parseIpFilter('ip filter 20 pass * * * * *'),
    ];
    expect(evaluateIpFilters(rules, tcp('192.168.100.5', '10.0.0.1', 40000, 23))).toEqual({ verdict: 'reject', matchedId: 10, log: true });
    expect(evaluateIpFilters(rules, tcp('192.168.100.5', '10.0.0.1', 40000, 80)).matchedId).toBe(20);
    expect(evaluateIpFilters(rules, tcp('192.168.101.5', '10.0.0.1', 40000, 23)).matchedId).toBe(20);
  });
  test('a packet matching no filter is dropped (§1.5)', () => {
    const rules = [parseIpFilter('ip filter 1 pass 192.168.100.1 192.168.100.2 icmp')];
    expect(evaluateIpFilters(rules, { src: '192.168.100.2', dst: '192.168.100.1', protocol: 1, icmpType: 8, icmpCode: 0 }))
      .toEqual({ verdict: 'reject', log: false });
  });
  test('address forms: octet wildcard, range, mask', () => {
    const p = (spec: string) => parseIpFilter(`ip filter 1 pass ${spec} * * * *`);
    const pk = tcp('172.16.5.9', '10.0.0.1', 1, 2);
    expect(evaluateIpFilters([p('172.16.*.*')], pk).verdict).toBe('pass');
    expect(evaluateIpFilters([p('172.16.5.1-172.16.5.10')], pk).verdict).toBe('pass');
    expect(evaluateIpFilters([p('172.16.5.10-')], pk).verdict).toBe('reject');
    expect(evaluateIpFilters([p('172.16.4.0/23')], pk).verdict).toBe('pass');
    expect(evaluateIpFilters([p('172.16.6.0/24')], pk).verdict).toBe('reject');
  });
  test('log variants and restrict', () => {
    const pk = tcp('1.1.1.1', '2.2.2.2', 1, 2);
    expect(evaluateIpFilters([parseIpFilter('ip filter 1 pass-log * *')], pk).log).toBe(true);
    expect(evaluateIpFilters([parseIpFilter('ip filter 1 reject-nolog * *')], pk)).toEqual({ verdict: 'reject', matchedId: 1, log: false });
    const restrict = [parseIpFilter('ip filter 1 restrict * *')];
    expect(evaluateIpFilters(restrict, pk).verdict).toBe('pass');
    expect(evaluateIpFilters(restrict, pk, { lineConnected: false }).verdict).toBe('reject');
  });
  test('established matches TCP with ACK only', () => {
    const r = [parseIpFilter('ip filter 1 pass * * established * *')];
    expect(evaluateIpFilters(r, tcp('1.1.1.1', '2.2.2.2', 80, 4000, true)).verdict).toBe('pass');
    expect(evaluateIpFilters(r, tcp('1.1.1.1', '2.2.2.2', 80, 4000, false)).verdict).toBe('reject');
  });
  test('bad lines are named', () => {
    expect(() => parseIpFilter('ip filter 1 allow * *')).toThrow(/action "allow"/);
    expect(() => parseIpFilter('ip filter 1 pass 300.1.1.1 *')).toThrow(/"300.1.1.1" is not an IPv4 address/);
    expect(() => parseIpFilter('ip filter 1 pass * * tcp * 99999')).toThrow(/port "99999"/);
  });
});

test.describe('dynamic filters', () => {
  const binding = {
    staticRules: [parseIpFilter('ip filter 1 reject 10.0.0.0/8 * * * *')],
    dynamicRules: [parseIpDynamicFilter('ip filter dynamic 100 * * www')],
  };
  test('an outbound trigger opens a connection; the reply passes inbound although no static rule matches', () => {
    const out = evaluateSecureFilter(binding, tcp('192.168.100.2', '203.0.113.5', 40000, 80), []);
    expect(out.decision.verdict).toBe('pass');
    expect(out.by).toBe('dynamic-trigger');
    const inboundStatic = { staticRules: [], dynamicRules: [] };
    const reply = evaluateSecureFilter(inboundStatic, tcp('203.0.113.5', '192.168.100.2', 80, 40000, true), out.state);
    expect(reply).toMatchObject({ by: 'connection', decision: { verdict: 'pass', matchedId: 100 } });
    const other = evaluateSecureFilter(inboundStatic, tcp('203.0.113.5', '192.168.100.2', 80, 40001, true), out.state);
    expect(other.decision.verdict).toBe('reject');
  });
  test('a static reject wins over the trigger and opens nothing', () => {
    const r = evaluateSecureFilter(binding, tcp('10.1.1.1', '203.0.113.5', 40000, 80), []);
    expect(r.decision).toMatchObject({ verdict: 'reject', matchedId: 1 });
    expect(r.state).toEqual([] as DynamicConnection[]);
  });
});

test.describe('which interfaces accept which filter commands', () => {
  const rtx1210new = capabilities('RTX1210', 'Rev.14.01.26');
  const rtx1210old = capabilities('RTX1210', 'Rev.14.01.20');
  test('bridgeN accepts the IP secure filter (confirmed), not the Ethernet filter', () => {
    expect(filterCommandAccepted('ip-secure-filter', 'bridge', rtx1210new)).toMatchObject({ accepted: true, evidence: 'confirmed' });
    expect(filterCommandAccepted('ethernet-filter', 'bridge', rtx1210new).accepted).toBe(false);
  });
  test('Ethernet filter on a tunnel only with tunnel-interface filtering', () => {
    expect(filterCommandAccepted('ethernet-filter', 'tunnel', rtx1210new)).toMatchObject({ accepted: true, evidence: 'confirmed' });
    expect(filterCommandAccepted('ethernet-filter', 'tunnel', rtx1210old)).toMatchObject({ accepted: false, evidence: 'assumption' });
  });
  test('input blocking only on policy-filter models (ASSUMPTION)', () => {
    expect(filterCommandAccepted('ip-inbound-filter', 'lan', rtx1210new).accepted).toBe(false);
    expect(filterCommandAccepted('ip-inbound-filter', 'lan', capabilities('RTX5000', 'Rev.14.00.26')).accepted).toBe(true);
  });
});

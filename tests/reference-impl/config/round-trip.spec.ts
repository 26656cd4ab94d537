// Issue 5 point 1: byte-identical round trip of RTX config text, on the two real RTX830 configs of
// yamaha-platform-facts.md §2.1 ([BLOG-830], copied verbatim into fixtures/) and on generated text.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { canonicalText, isCanonical, parseConfig, renderConfig, l2tpTunnels, bridges, vlans, ipsec, l2tpService } from '../../../reference-impl/config/index.ts';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
const REAL = ['rtx830-rt2-dynamic-initiator.conf', 'rtx830-rt1-fixed-responder.conf'];

for (const name of REAL) {
  test(`real RTX830 config ${name} renders back byte-identical`, () => {
    const text = fixture(name);
    expect(text.split('\n').length - 1).toBe(47); // both listings in §2.1 have 47 lines
    expect(renderConfig(parseConfig(text))).toBe(text);
  });

  test(`every modelled command of ${name} renders from its typed values exactly as the router showed it`, () => {
    const doc = parseConfig(fixture(name));
    expect(doc.lines.filter((l) => l.parsed.kind === 'error')).toEqual([]);
    const commandLines = doc.lines.filter((l) => l.parsed.kind === 'command');
    expect(commandLines.length).toBeGreaterThan(40);
    for (const l of commandLines) expect(canonicalText(l), `line ${l.lineNo}`).toBe(l.text);
    // what §2.1 shows that the subset does not model stays as written, in place
    const unknown = doc.lines.filter((l) => l.parsed.kind === 'unknown').map((l) => l.text);
    expect(unknown).toContain('ip tunnel tcp mss limit auto');
    expect(unknown).toContain('telnetd host lan');
  });
}

test('typed views of RT2 match the design the blog states (§2.1)', () => {
  const doc = parseConfig(fixture(REAL[0]));
  const [t] = l2tpTunnels(doc);
  expect(l2tpTunnels(doc)).toHaveLength(1);
  expect(t).toMatchObject({
    tunnel: 1, encapsulation: 'l2tpv3', ipsec: true, endpointAddress: { local: '192.168.100.254', remote: '10.10.10.138' },
    ipsecPolicy: 101, alwaysOn: true, hostname: 'RT2', disconnectTime: 'off', keepalive: { enabled: true, interval: 60, count: 3 },
    keepaliveLog: true, syslog: true, localRouterId: '192.168.100.254', remoteRouterId: '192.168.100.1', remoteEndId: 'yamaha', enabled: true,
  });
  expect(t.tunnelAuth.enabled).toBe(true);
  expect(t.tunnelAuth.password?.reveal()).toBe('yamaha');
  expect(JSON.stringify(t.tunnelAuth)).toBe('{"enabled":true,"password":"********"}');
  expect(bridges(doc)).toEqual([
    { bridge: 'bridge1', members: ['lan1', 'tunnel1'], learning: true, learningTimer: 300, statics: [], address: '192.168.100.254/24', memberLine: 2 },
  ]);
  expect(vlans(doc).map((v) => [v.interface, v.vid, v.name])).toEqual([['lan1/1', 10, 'VLAN10'], ['lan1/2', 20, 'VLAN20'], ['lan1/3', 30, 'VLAN30']]);
  const sec = ipsec(doc);
  expect(sec.policies).toEqual([{ policy: 101, gateway: 1, esp: 'aes-cbc', auth: 'sha-hmac' }]);
  expect(sec.transports).toEqual([{ id: 1, policy: 101, protocol: 'udp', srcPorts: '1701', dstPorts: undefined }]);
  expect(sec.gateways[0]).toMatchObject({ gateway: 1, ikeVersion: 1, localAddress: '192.168.100.254', remoteAddress: '10.10.10.138', natTraversal: true, localName: { name: 'l2tpv3' } });
  expect(String(sec.gateways[0].preSharedKey)).toBe('********');
  expect(l2tpService(doc)).toEqual({ enabled: true, versions: ['l2tpv3'] });
});

test('RT1, the responder, has no endpoint address and accepts any remote (§2.1)', () => {
  const doc = parseConfig(fixture(REAL[1]));
  const [t] = l2tpTunnels(doc);
  expect(t.endpointAddress).toBeUndefined();
  expect(t.hostname).toBe('RT1');
  expect(ipsec(doc).gateways[0]).toMatchObject({ remoteAddress: 'any', remoteName: { name: 'l2tpv3' } });
});

test('show config header, select blocks, pp blocks, CRLF, tabs and a missing final newline survive', () => {
  const text = [
    '# RTX830 Rev.15.02.17 (Fri Jul 10 09:59:21 2020)', // §3.4 header form
    '# MAC Address : ac:44:f2:xx:xx:xx, ac:44:f2:xx:xx:xx',
    '# Memory 256Mbytes, 2LAN',
    '',
    'login password encrypted *',
    'console prompt "[RTX1210] "',
    'pp select 1',
    ' pp always-on on',
    'pp select none',
    'tunnel select 1',
    '\ttunnel encapsulation   l2tpv3-raw   ',
    ' no l2tp keepalive use',
    'tunnel select none',
    'unheard-of command with  odd   spacing',
  ].join('\r\n') + '\r\nlast line without newline';
  const doc = parseConfig(text);
  expect(renderConfig(doc)).toBe(text);
  expect(doc.lines[7]).toMatchObject({ pp: 1, tunnel: null, indent: ' ' });
  expect(doc.lines[10]).toMatchObject({ tunnel: 1, indent: '\t', eol: '\r\n' });
  expect(isCanonical(doc.lines[10])).toBe(false);
  expect(canonicalText(doc.lines[10])).toBe('tunnel encapsulation l2tpv3-raw');
  expect(canonicalText(doc.lines[5])).toBe('console prompt "[RTX1210] "');
  expect(doc.lines[11].parsed.kind).toBe('command');
  expect(doc.lines.at(-1)!.eol).toBe('');
});

// Lines drawn from every kind the parser distinguishes, including broken ones.
const LINE_POOL = [
  '# comment', '', '   ', 'tunnel select 1', 'tunnel select none', 'tunnel encapsulation l2tpv3', 'l2tp hostname RT1',
  'l2tp keepalive use on 600 50', 'l2tp keepalive use on 0', 'ipsec tunnel 101', 'ipsec ike pre-shared-key 1 text s3cret',
  'bridge member bridge1 lan1 tunnel1', 'vlan lan1/1 802.1q vid=10', 'pp select 2', 'no tunnel enable all', 'ip route default gateway 10.0.0.1',
  'console prompt "unterminated', 'l2tp bogus', 'ｌ２ｔｐ 全角', '\u0000binary\u00ff',
];

test('property: any document built from those lines, with any indentation and line endings, renders back identical', () => {
  const line = fc.record({
    indent: fc.constantFrom('', ' ', '  ', '\t'),
    body: fc.oneof(fc.constantFrom(...LINE_POOL), fc.string({ maxLength: 30 }).filter((s) => !s.includes('\n'))),
    eol: fc.constantFrom('\n', '\r\n'),
  });
  fc.assert(
    fc.property(fc.array(line, { maxLength: 40 }), fc.boolean(), (lines, dropLastEol) => {
      let text = lines.map((l) => l.indent + l.body + l.eol).join('');
      if (dropLastEol && text.endsWith('\n')) text = text.replace(/\r?\n$/, '');
      expect(renderConfig(parseConfig(text))).toBe(text);
    }),
    { numRuns: 300 },
  );
});

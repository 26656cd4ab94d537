// Issue 5 point 2 (platform rules): one test per validation rule, each with a model/revision
// that accepts the config and one that refuses it. Limits come from the seed's support table
// through reference-impl/platform, and from the command reference (yamaha-platform-facts.md).
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkConfigText, configPlatform, formatIssue, type ConfigIssue, type ConfigPlatform } from '../../../reference-impl/config/index.ts';

const check = (text: string, model: string, rev: string): ConfigIssue[] => checkConfigText(text, configPlatform(model, rev)).issues;
const rulesOf = (issues: ConfigIssue[]) => issues.map((i) => `${i.rule}@${i.line}`);

const l2tpv3Tunnel = (n: number, enc = 'l2tpv3-raw') => [`tunnel select ${n}`, ` tunnel encapsulation ${enc}`, ` tunnel endpoint address 198.51.100.${n}`, ` tunnel enable ${n}`];
const lines = (...ls: (string | string[])[]) => ls.flat().join('\n') + '\n';

test('the real RTX830 configs (§2.1) are valid on the revisions they ran on', () => {
  for (const [name, rev] of [['rtx830-rt2-dynamic-initiator.conf', '15.02.10'], ['rtx830-rt1-fixed-responder.conf', '15.02.17']]) {
    const text = readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');
    expect(check(text, 'RTX830', rev)).toEqual([]);
  }
});

test('rule l2tpv3-unsupported: L2TPv3 keywords need a model/revision of the support table', () => {
  const text = lines(l2tpv3Tunnel(1), ' l2tp hostname RT1', 'l2tp service on l2tpv3');
  expect(check(text, 'RTX830', '15.02.01')).toEqual([]); // seed: RTX830 Rev.15.02.01以降
  const issues = check(text, 'RTX830', '15.02.00');
  expect(rulesOf(issues)).toEqual(['l2tpv3-unsupported@2', 'l2tpv3-unsupported@5', 'l2tpv3-unsupported@6']);
  expect(issues[0].message).toBe('Error: Illegal keyword');
  // RTX1200: only Rev.10.01.53 and Rev.10.01.59, then Rev.10.01.65以降
  expect(check(text, 'RTX1200', '10.01.59')).toEqual([]);
  expect(rulesOf(check(text, 'RTX1200', '10.01.60'))).toContain('l2tpv3-unsupported@2');
  // plain L2TP/IPsec service is not an L2TPv3 keyword
  expect(check('l2tp service on\n', 'RTX830', '15.02.00')).toEqual([]);
});

test('rule l2tpv3-ipsec-unsupported: `tunnel encapsulation l2tpv3` needs L2TPv3/IPsec', () => {
  const text = lines(l2tpv3Tunnel(1, 'l2tpv3'));
  expect(check(text, 'RTX1210', '14.01.26')).toEqual([]);
  // Every row of the seed's table, as the platform matrix reads it, has L2TPv3/IPsec (its lost
  // check marks: ASSUMPTION marks-first-two-columns), so the refusing platform is that row with
  // L2TPv3/IPsec switched off: the rule must still fire when a hardware run refutes the assumption.
  const withoutIpsec: ConfigPlatform = { ...configPlatform('RTX1210', '14.01.26'), l2tpv3Ipsec: false };
  expect(rulesOf(checkConfigText(text, withoutIpsec).issues)).toEqual(['l2tpv3-ipsec-unsupported@2']);
  expect(checkConfigText(lines(l2tpv3Tunnel(1, 'l2tpv3-raw')), withoutIpsec).issues).toEqual([]);
});

test('rule too-many-l2tpv3-tunnels: at most the model\'s L2TPv3 tunnels (seed: L2TPv3動作可能最大トンネル数)', () => {
  const two = lines(l2tpv3Tunnel(1), l2tpv3Tunnel(2));
  expect(check(two, 'RTX1210', '14.01.26')).toEqual([]); // 9
  expect(rulesOf(check(two, 'RTX830', '15.02.17'))).toEqual(['too-many-l2tpv3-tunnels@6']); // 1: the second one is refused
  const nine = lines(...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => l2tpv3Tunnel(n)));
  const ten = nine + lines(l2tpv3Tunnel(10));
  expect(check(nine, 'RTX1210', '14.01.26')).toEqual([]);
  expect(rulesOf(check(ten, 'RTX1210', '14.01.26'))).toEqual(['too-many-l2tpv3-tunnels@38']);
  expect(check(ten, 'RTX5000', '14.00.26')).toEqual([]); // 49
  // a tunnel that is not L2TPv3 does not count
  expect(check(lines(l2tpv3Tunnel(1), 'tunnel select 2', ' tunnel encapsulation ipsec'), 'RTX830', '15.02.17')).toEqual([]);
});

test('rule tag-vlan-with-l2tpv3: `vlan` beside an L2TPv3 tunnel needs タグVLAN機能との併用', () => {
  const text = lines('vlan lan1/1 802.1q vid=10 name=VLAN10', 'bridge member bridge1 lan1 tunnel1', l2tpv3Tunnel(1));
  expect(check(text, 'RTX1210', '14.01.09')).toEqual([]);
  const issues = check(text, 'RTX1210', '14.01.08'); // band Rev.14.01.09より前: "- - -"
  expect(rulesOf(issues)).toEqual(['tag-vlan-with-l2tpv3@1']);
  // without an L2TPv3 tunnel the VLAN is fine on the same revision
  expect(check('vlan lan1/1 802.1q vid=10\n', 'RTX1210', '14.01.08')).toEqual([]);
});

test('rule tunnel-number-range: a tunnel number above the model\'s VPN total (seed ※1)', () => {
  const text = lines(l2tpv3Tunnel(21));
  expect(check(text, 'RTX1210', '14.01.26')).toEqual([]); // (100)
  const issues = check(text, 'RTX830', '15.02.17'); // (20)
  expect(rulesOf(issues)).toEqual(['tunnel-number-range@1']);
  expect(issues[0].message).toBe('Error: Parameter out of range');
});

test('rule tunnel-enable-arguments: several tunnel numbers in one tunnel enable (CR §14.1)', () => {
  const text = lines(l2tpv3Tunnel(1), 'tunnel select 2', ' tunnel encapsulation ipsec', 'tunnel enable 1 2');
  expect(check(text, 'RTX830', '15.02.03')).toEqual([]);
  expect(rulesOf(check(text, 'RTX830', '15.02.02'))).toEqual(['tunnel-enable-arguments@7']);
  expect(check(text, 'RTX1210', '14.01.26')).toEqual([]);
  expect(rulesOf(check(text, 'RTX1210', '14.01.25'))).toEqual(['tunnel-enable-arguments@7']);
});

test('rule ethernet-filter-list-length: 512 from Rev.14.01.16 / Rev.15.02, otherwise 100 (CR §9.2)', () => {
  const list = Array.from({ length: 101 }, (_, i) => i + 1).join(' ');
  const text = lines(`ethernet lan1 filter in ${list}`);
  expect(check(text, 'RTX1210', '14.01.16')).toEqual([]);
  expect(rulesOf(check(text, 'RTX1210', '14.01.15'))).toEqual(['ethernet-filter-list-length@1']);
  const list513 = Array.from({ length: 513 }, (_, i) => i + 1).join(' ');
  expect(rulesOf(check(`ethernet lan1 filter in ${list513}\n`, 'RTX830', '15.02.17'))).toEqual(['ethernet-filter-list-length@1']);
});

test('rule console-columns: 80..4096, 80..200 on RTX5000/3500 (CR §4.22)', () => {
  expect(check('console columns 300\n', 'RTX1210', '14.01.26')).toEqual([]);
  expect(rulesOf(check('console columns 300\n', 'RTX5000', '14.00.26'))).toEqual(['console-columns@1']);
  expect(check('console columns 200\n', 'RTX3500', '14.00.26')).toEqual([]);
});

test('rule bridge-member: members the model accepts, one bridge per interface (CR §45.1)', () => {
  const vlanMember = lines('bridge member bridge1 vlan1 tunnel1', l2tpv3Tunnel(1));
  expect(check(vlanMember, 'RTX1220', 'any')).toEqual([]);
  expect(rulesOf(check(vlanMember, 'RTX1300', 'any'))).toEqual(['bridge-member@1']);
  const range = 'bridge member bridge1 lan1 tunnel1-tunnel2\n';
  expect(check(range, 'RTX1210', '14.01.26')).toEqual([]);
  expect(rulesOf(check(range, 'RTX830', '15.02.17'))).toEqual(['bridge-member@1']);
  const twice = lines('bridge member bridge1 lan1 tunnel1', 'bridge member bridge2 lan2 tunnel1');
  expect(rulesOf(check(twice, 'RTX1210', '14.01.26'))).toEqual(['bridge-member@2']);
  expect(check(lines('bridge member bridge1 lan1 tunnel1', 'bridge member bridge1 lan1 tunnel2'), 'RTX1210', '14.01.26')).toEqual([]);
  expect(rulesOf(check('bridge member bridge1 lan1 pp\n', 'RTX1210', '14.01.26'))).toEqual(['bridge-member@1']);
});

test('rule endpoint-family: tunnel endpoint local and remote of one family (CR §14.9)', () => {
  expect(check(lines('tunnel select 1', ' tunnel encapsulation l2tpv3-raw', ' tunnel endpoint address 2001:db8::1 2001:db8::2'), 'RTX830', '15.02.17')).toEqual([]);
  const issues = check(lines('tunnel select 1', ' tunnel encapsulation l2tpv3-raw', ' tunnel endpoint address 192.0.2.1 2001:db8::2'), 'RTX830', '15.02.17');
  expect(rulesOf(issues)).toEqual(['endpoint-family@3']);
  expect(issues[0].column).toBe(2); // after the 1-space indent
});

test('rule endpoint-name-type: an l2tpv3 tunnel\'s endpoint name is an FQDN, not tel (CR §14.10)', () => {
  const base = ['tunnel select 1', ' tunnel encapsulation l2tpv3-raw'];
  expect(check(lines(base, ' tunnel endpoint name peer.example.jp fqdn'), 'RTX830', '15.02.17')).toEqual([]);
  expect(rulesOf(check(lines(base, ' tunnel endpoint name 0312345678 tel'), 'RTX830', '15.02.17'))).toEqual(['endpoint-name-type@3']);
});

test('rule ike-version: L2TPv3/IPsec supports only IKEv1 (facts §1.4, §6)', () => {
  const cfg = (v: number) => lines(l2tpv3Tunnel(1, 'l2tpv3'), ' ipsec tunnel 101', '  ipsec sa policy 101 1 esp aes-cbc sha-hmac', `  ipsec ike version 1 ${v}`, 'ipsec transport 1 101 udp 1701');
  expect(check(cfg(1), 'RTX830', '15.02.17')).toEqual([]);
  expect(rulesOf(check(cfg(2), 'RTX830', '15.02.17'))).toEqual(['ike-version@7']);
});

test('rule syntax: per-line errors carry the line and column, in the router\'s words', () => {
  const issues = check(lines('tunnel select 1', ' l2tp keepalive use on 601'), 'RTX830', '15.02.17');
  expect(issues).toEqual([
    expect.objectContaining({ rule: 'syntax', line: 2, column: 24, kind: 'parameterOutOfRange', message: 'Error: Parameter out of range' }),
  ]);
  expect(formatIssue('rt1.conf', issues[0])).toBe('rt1.conf:2: Error: Parameter out of range (l2tp keepalive use: interval: 601 is not in 1..600)');
  const ja = checkConfigText('l2tp hostname x\n', configPlatform('RTX830', '15.02.17'), { lang: 'ja' }).issues;
  expect(ja.map((i) => i.message)).toEqual(['エラー：コマンド名を確認してください']); // tunnel-only outside tunnel select
});

test('unknown models and revisions of another firmware series are not guessed', () => {
  expect(() => configPlatform('RTX9999', '15.02.17')).toThrow(/unknown model "RTX9999".*RTX830/);
  expect(() => configPlatform('RTX830', '14.01.26')).toThrow(/not a revision of the RTX830 firmware series/);
});

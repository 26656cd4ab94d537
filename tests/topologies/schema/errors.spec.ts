// Issue 5, point 3: each kind of mistake in a topology file gives file:line:column, the offending
// key and a clear message. Positions are found in the test's own text, not taken from the loader.
import { test, expect } from '@playwright/test';
import { parseTopology } from '../../../topologies/schema/index.ts';
import { FILE, VALID, edit, errors, where } from './fixture.ts';

test('the fixture itself is valid', () => {
  const r = parseTopology(VALID, FILE);
  expect(r.diagnostics).toEqual([]);
  expect(r.value?.routers.map((x) => x.name)).toEqual(['rt1', 'rt2']);
});

test('YAML syntax error: position and a YAML: prefix', () => {
  const text = edit(VALID, '  - { name: lan-b, ipv4: 192.168.100.0/24 }', '  - { name: lan-b, ipv4: 192.168.100.0/24');
  const e = errors(text);
  expect(e.length).toBeGreaterThan(0);
  expect(e[0]).toMatch(new RegExp(`^${FILE}:\\d+:\\d+: YAML: `));
  // the error is at or after the unclosed flow mapping's line
  expect(Number(e[0].split(':')[1])).toBeGreaterThanOrEqual(Number(where(text, 'name: lan-b').split(':')[0]));
});

test('duplicate YAML key is refused', () => {
  const text = edit(VALID, '    role: site2\n', '    role: site2\n    role: site3\n');
  expect(errors(text).join('\n')).toMatch(/YAML: Map keys must be unique/);
});

test('unknown key: points at the key and names it', () => {
  const text = edit(VALID, '    model: RTX830', '    modle: RTX830');
  const e = errors(text);
  expect(e).toContain(`${FILE}:${where(text, 'modle')}: routers[1].modle: unknown key 'modle'`);
});

test('missing required key: names the key and its parent', () => {
  const text = edit(VALID, '    firmware: Rev.15.02.22\n', '');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'name: rt2')}: routers[1].firmware: missing required key 'firmware' (a string)`]);
});

test('wrong type: says what was expected and what was found', () => {
  const text = edit(VALID, '    wan:\n      - { interface: lan2, link: internet, ipv4: 198.51.100.2/24 }', '    wan: lan2');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'lan2', 'wan: lan2')}: routers[1].wan: expected a list, got a string ('lan2')`]);
});

test('value outside a closed set: lists the allowed values', () => {
  const text = edit(VALID, '    encapsulation: l2tpv3-raw', '    encapsulation: l2tpv3-ipsec');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'l2tpv3-ipsec')}: pseudowires[0].encapsulation: a string ('l2tpv3-ipsec') is not one of: l2tpv3-raw, l2tpv3`]);
});

test('bad IPv4 address', () => {
  const text = edit(VALID, 'ipv4: 198.51.100.2/24', 'ipv4: 198.51.100.300/24');
  expect(errors(text)).toEqual([
    `${FILE}:${where(text, '198.51.100.300/24')}: routers[1].wan[0].ipv4: '198.51.100.300/24' is not an IPv4 interface address (host address with prefix, e.g. 192.0.2.1/24) or one of 'dhcp'`,
  ]);
});

test('bad IPv6 prefix', () => {
  const text = edit(VALID, '"2001:db8:1::/64"', '"2001:db8:1::g/64"');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '"2001:db8:1::g/64"')}: links[0].ipv6: '2001:db8:1::g/64' is not an IPv6 prefix (network address with prefix and zero host bits, e.g. 2001:db8:1::/64)`]);
});

test('subnet with host bits set', () => {
  const text = edit(VALID, 'ipv4: 198.51.100.0/24', 'ipv4: 198.51.100.7/24');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '198.51.100.7/24')}: links[0].ipv4: '198.51.100.7/24' is not an IPv4 subnet (network address with prefix and zero host bits, e.g. 192.0.2.0/24)`]);
});

test('address outside the subnet of its wire', () => {
  const text = edit(VALID, 'ipv4: 192.168.100.12/24', 'ipv4: 192.168.200.12/24');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '192.168.200.12/24')}: hosts[1].ipv4: 192.168.200.12/24 is outside segment lan-b (192.168.100.0/24)`]);
});

test('same address given twice', () => {
  const text = edit(VALID, 'ipv4: 192.168.100.12/24', 'ipv4: 192.168.100.11/24');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '192.168.100.11/24', 'name: pc2')}: hosts[1].ipv4: address 192.168.100.11 is already used at hosts[0].ipv4`]);
});

test('dangling reference to an unknown link', () => {
  const text = edit(VALID, 'link: internet, ipv4: 198.51.100.2/24', 'link: internet2, ipv4: 198.51.100.2/24');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'internet2')}: routers[1].wan[0].link: unknown link 'internet2'`]);
});

test('dangling reference to an unknown segment', () => {
  const text = edit(VALID, '{ name: pc2, segment: lan-b,', '{ name: pc2, segment: lan-c,');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'lan-c')}: hosts[1].segment: unknown segment 'lan-c'`]);
});

test('dangling reference to an unknown router in a pseudowire', () => {
  const text = edit(VALID, '{ node: rt2, tunnel: 1', '{ node: rt9, tunnel: 1');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'rt9')}: pseudowires[0].ends[1].node: unknown router or tester 'rt9'`]);
});

test('dangling reference to an unknown host in a scenario', () => {
  const text = edit(VALID, 'from: pc1, to: pc2', 'from: pc1, to: pc3');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'pc3')}: scenarios[0].stimulus.to: unknown host, router or tester 'pc3'`]);
});

test('VLAN the segment does not carry', () => {
  const text = edit(VALID, '{ name: pc1, segment: lan-a, ipv4: 192.168.100.11/24 }', '{ name: pc1, segment: lan-a, vlan: 20, ipv4: 192.168.100.11/24 }');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '20', 'name: pc1')}: hosts[0].vlan: segment lan-a carries no VLAN 20 (declare it under segments[].vlans)`]);
});

test('duplicate router names', () => {
  const text = edit(VALID, '  - name: rt2\n', '  - name: rt1\n');
  const e = errors(text);
  expect(e).toContain(`${FILE}:${where(text, 'rt1', 'role: site1')}: routers[1].name: duplicate node name 'rt1' (first defined at routers[0].name)`);
});

test('overlapping DHCP pools', () => {
  const text = edit(VALID, 'pool: 192.168.100.110-192.168.100.199', 'pool: 192.168.100.90-192.168.100.199');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '192.168.100.90-')}: routers[1].lan[0].dhcp_server.pool: pool 192.168.100.90-192.168.100.199 overlaps pool 192.168.100.10-192.168.100.99 at routers[0].lan[0].dhcp_server.pool`]);
});

test('missing config file', () => {
  const text = edit(VALID, '    config: |\n      bridge member bridge1 lan1 tunnel1\n      l2tp service on l2tpv3\n', '    config_file: configs/rt2.conf\n');
  expect(errors(text)).toEqual([`${FILE}:${where(text, 'configs/rt2.conf')}: routers[1].config_file: config file 'configs/rt2.conf' not found (looked for lab/configs/rt2.conf)`]);
});

test('config given twice, or not at all', () => {
  const both = edit(VALID, '    model: RTX830\n', '    model: RTX830\n    config_file: x.conf\n');
  expect(errors(both)).toContain(`${FILE}:${where(both, 'config_file')}: routers[1].config_file: give either 'config' or 'config_file', not both`);
  const none = edit(VALID, '    config: |\n      bridge member bridge1 lan1 tunnel1\n      l2tp service on l2tpv3\n', '');
  expect(errors(none)).toEqual([`${FILE}:${where(none, 'name: rt2')}: routers[1]: a router needs its configuration: 'config' (inline) or 'config_file'`]);
});

test('a bridge loop nobody declared is an error; a declared finding that does not occur is too', () => {
  const loop = edit(VALID, '      - { port: lan1, bridge: bridge1, segment: lan-b,', '      - { port: lan1, bridge: bridge1, segment: lan-a,');
  expect(errors(edit(loop, '- { name: lan-b, ipv4: 192.168.100.0/24 }', '- { name: lan-b, ipv4: 192.168.101.0/24 }')).join('\n'))
    .toMatch(/^lab\/t\.yaml:1:1: bridge-loop: loop closed by .* \(declare it under expected_findings if this topology is a negative case\)$/m);
  const declared = `${VALID}expected_findings:\n  - { kind: bridge-loop }\n`;
  expect(errors(declared)).toEqual([`${FILE}:${where(declared, 'bridge-loop')}: expected_findings[0].kind: expected finding bridge-loop does not occur in this topology`]);
});

test('firmware revision in the wrong form', () => {
  const text = edit(VALID, 'firmware: Rev.15.02.22', 'firmware: 15.02.22');
  expect(errors(text)).toEqual([`${FILE}:${where(text, '15.02.22')}: routers[1].firmware: '15.02.22' is not a firmware revision (Rev.NN.NN.NN, e.g. Rev.15.02.17)`]);
});

test('unknown model, through the injected platform check', () => {
  const text = edit(VALID, 'model: RTX830', 'model: RTX999');
  const e = errors(text, { checkModel: (m) => (m === 'RTX999' ? `unknown model '${m}'` : undefined) });
  expect(e).toEqual([`${FILE}:${where(text, 'RTX999')}: routers[1].model: unknown model 'RTX999'`]);
});

test('empty file', () => {
  expect(errors('')).toEqual([`${FILE}:1:1: the file is empty`]);
});

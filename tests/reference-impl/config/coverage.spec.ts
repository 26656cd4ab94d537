// Issue 17 point 4: what the checker does with lines outside the modelled subset (a real RTX command
// is a warning "not modelled, not checked", a typo is an error with "did you mean", --strict makes
// the warnings errors), the commands real configs use around L2VPN sites, and non-text input.
import { test, expect } from '@playwright/test';
import {
  configPlatform,
  decodeConfigBytes,
  editDistance,
  knownCommand,
  parseCommandLine,
  reviewConfigText,
  suggestCommand,
  type ConfigIssue,
} from '../../../reference-impl/config/index.ts';

const RTX1210 = configPlatform('RTX1210', '14.01.42');
const review = (text: string, strict = false): ConfigIssue[] => reviewConfigText(text, RTX1210, { strict }).issues;
const brief = (issues: ConfigIssue[]) => issues.map((i) => `${i.line}:${i.severity}:${i.rule}${i.suggestion ? `>${i.suggestion}` : ''}`);

test('an unknown command is an error, not silently accepted', () => {
  expect(brief(review('foo bar\n'))).toEqual(['1:error:unknown-command']);
  const [i] = review('foo bar\n');
  expect(i.message).toBe('Error: Invalid command name');
  expect(i.detail).toContain("'foo'");
});

test('a typo gets a "did you mean" from the keyword tables', () => {
  // l2tp is a closed family: the syntax refusal carries the suggestion
  expect(brief(review('tunnel select 1\n l2tp syslgo on\n'))).toEqual(['2:error:syntax>l2tp syslog']);
  expect(brief(review('tunnle select 1\n'))).toEqual(['1:error:unknown-command>tunnel select']);
  expect(brief(review('ip lan1 adress 192.168.0.1/24\n'))).toEqual(['1:error:unknown-command>ip lan1 address']);
  // interface names in the suggestion are the line's own
  expect(brief(review('bridge membr bridge1 lan1 tunnel1\n'))).toEqual(['1:error:unknown-command>bridge member bridge1']);
  // a real range error has no suggestion: its keywords are right
  expect(brief(review('tunnel select 1\n l2tp keepalive use on 0\n'))).toEqual(['2:error:syntax']);
});

test('the suggestion never carries parameter values (a secret may follow the keywords)', () => {
  const [i] = review('tunnel select 1\n l2tp tunnel auht on S3cretValue\n').filter((x) => x.line === 2);
  expect(i.suggestion).toBe('l2tp tunnel auth');
  expect(JSON.stringify(i)).not.toContain('S3cretValue');
});

test('a real RTX command the checker does not model is a warning with its source; --strict makes it an error', () => {
  const text = 'ip lan2 intrusion detection in on\nip route default gateway 192.0.2.1\n';
  expect(brief(review(text))).toEqual(['1:warning:not-modelled', '2:warning:not-modelled']);
  const [w] = review(text);
  expect(w.message).toBe('not modelled, not checked');
  expect(w.detail).toMatch(/^ip lan2 intrusion detection: known from \[RTSIM\]/);
  expect(brief(review(text, true))).toEqual(['1:error:not-modelled', '2:error:not-modelled']);
});

test('port-based VLANs, LAN type and link aggregation of a real RTX1210 are modelled commands', () => {
  const lines = [
    'vlan port mapping lan1.1 vlan1',
    'vlan port mapping lan1.4 vlan8',
    'lan type lan1 port-based-option=divide-network',
    'lan link-aggregation static 1 lan1:1 lan1:5',
    'rip use on',
    'ip vlan1 rip send off',
    'ip vlan1 rip receive on version 2',
    'ip vlan1 rip filter in 101 102',
    'no vlan port mapping lan1.1',
  ];
  for (const l of lines) expect(parseCommandLine(l).kind, l).toBe('command');
  expect(review(lines.join('\n') + '\n')).toEqual([]);
});

test('their parameters are checked: CR §38.2 takes lanN.M and vlanN', () => {
  expect(brief(review('vlan port mapping lan1 vlan1\n'))).toEqual(['1:error:syntax']);
  expect(brief(review('vlan port mapping lan1.1 lan2\n'))).toEqual(['1:error:syntax']);
  expect(brief(review('lan link-aggregation static 1 lan1.1 lan1.5\n'))).toEqual(['1:error:syntax']);
  expect(brief(review('vlan interconnect log lan1 pass drop\n'))).toEqual(['1:error:syntax']);
});

test('tag VLAN and port-based LAN division on one LAN: the later one is refused (CR §38.1 note)', () => {
  expect(brief(review('vlan lan1/1 802.1q vid=10\nlan type lan1 port-based-option=divide-network\n'))).toEqual(['2:error:vlan-mode-conflict']);
  expect(brief(review('lan type lan1 port-based-option=divide-network\nvlan lan1/1 802.1q vid=10\n'))).toEqual(['2:error:vlan-mode-conflict']);
  // other LANs, or a lan type without the division, are fine
  expect(review('vlan lan2/1 802.1q vid=10\nlan type lan1 port-based-option=divide-network\nlan type lan2 auto\n')).toEqual([]);
});

test('intrusion detection, NAT descriptor extras, DHCP scope options and filters with address lists: modelled or reported', () => {
  const text = [
    'ip lan2 intrusion detection in ip on reject=on',
    'nat descriptor masquerade incoming 211 reject',
    'nat descriptor masquerade static 211 1 192.168.10.9 tcp 8009=https,8089',
    'dhcp scope 1 192.168.1.20-192.168.1.99/16 gateway 192.168.1.253 expire 12:00',
    'dhcp scope option 1 dns=1.1.1.1,1.0.0.1',
    'ip filter 101003 reject 192.168.100.0/24,192.168.10.0/24 * * * *',
    'ip filter 109998 reject 192.168.61.240-192.168.61.242,192.168.62.2-192.168.62.4 * udp,tcp * 21,22,telnet',
  ].join('\n');
  expect(brief(review(text))).toEqual(['1:warning:not-modelled', '2:warning:not-modelled', '5:warning:not-modelled']);
});

test('the known-command table answers for interface placeholders and keeps the longest match', () => {
  expect(knownCommand(['ip', 'lan2', 'intrusion', 'detection', 'in', 'on'])?.path).toEqual(['ip', '<if>', 'intrusion', 'detection']);
  expect(knownCommand(['ip', 'pp', 'mtu', '1454'])?.path).toEqual(['ip', 'pp', 'mtu']);
  expect(knownCommand(['foo', 'bar'])).toBeUndefined();
  expect(suggestCommand(['xyzzy', 'plugh'])).toBeUndefined();
  expect(editDistance('syslgo', 'syslog')).toBe(1);
  expect(editDistance('', 'abc')).toBe(3);
});

test('non-text input is one refusal naming the byte offset', () => {
  expect(decodeConfigBytes(Buffer.from('ip lan1 address 192.168.0.1/24\n'))).toMatchObject({ ok: true, encoding: 'utf-8' });
  expect(decodeConfigBytes(Buffer.from([0x61, 0x0a, 0x00, 0x62]))).toEqual({ ok: false, offset: 2, reason: 'NUL byte at byte offset 2' });
  expect(decodeConfigBytes(Buffer.from([0x61, 0x1b, 0x62]))).toMatchObject({ ok: false, offset: 1 });
  const bad = decodeConfigBytes(Buffer.from([0x61, 0x62, 0x63, 0xff, 0xfe, 0x41]));
  expect(bad).toMatchObject({ ok: false, offset: 3 });
  // a Shift_JIS config (console character ja.sjis) is text: `description lan1 本社`
  const sjis = Buffer.concat([Buffer.from('description lan1 '), Buffer.from([0x96, 0x7b, 0x8e, 0xd0]), Buffer.from('\n')]);
  expect(decodeConfigBytes(sjis)).toEqual({ ok: true, text: 'description lan1 本社\n', encoding: 'shift_jis' });
  // a UTF-8 BOM is not part of the first command
  expect(decodeConfigBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toMatchObject({ ok: true, text: 'a' });
});

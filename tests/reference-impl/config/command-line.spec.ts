// Issue 5 point 2 (value rules): ranges and lengths of yamaha-platform-facts.md §1, each with a
// value at the bound that is accepted and one past it that is refused with the router's message.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { parseCommandLine, renderCommand, routerErrorText, params, param, type ParsedLine } from '../../../reference-impl/config/index.ts';

const errorOf = (p: ParsedLine) => (p.kind === 'error' ? p.error : undefined);
const ok = (line: string) => {
  const p = parseCommandLine(line);
  expect(p.kind, `${line}: ${JSON.stringify(errorOf(p))}`).toBe('command');
  return p.kind === 'command' ? p.command : undefined!;
};
const refused = (line: string, kind: string) => {
  const p = parseCommandLine(line);
  expect(p.kind, line).toBe('error');
  expect(errorOf(p)!.kind, line).toBe(kind);
  return errorOf(p)!;
};

// [accepted at the bound, refused past it, error kind], source in the title
const RANGES: [string, string, string, string][] = [
  ['§1.1 l2tp keepalive interval 1..600', 'l2tp keepalive use on 600', 'l2tp keepalive use on 601', 'parameterOutOfRange'],
  ['§1.1 l2tp keepalive interval lower bound', 'l2tp keepalive use on 1 1', 'l2tp keepalive use on 0', 'parameterOutOfRange'],
  ['§1.1 l2tp keepalive count 1..50', 'l2tp keepalive use on 10 50', 'l2tp keepalive use on 10 51', 'parameterOutOfRange'],
  ['§1.1 l2tp hostname up to 32 characters', `l2tp hostname ${'h'.repeat(32)}`, `l2tp hostname ${'h'.repeat(33)}`, 'parameterOutOfRange'],
  ['§1.1 l2tp remote end-id up to 32 characters', `l2tp remote end-id ${'e'.repeat(32)}`, `l2tp remote end-id ${'e'.repeat(33)}`, 'parameterOutOfRange'],
  ['§1.1 l2tp tunnel auth password up to 32', `l2tp tunnel auth on ${'p'.repeat(32)}`, `l2tp tunnel auth on ${'p'.repeat(33)}`, 'parameterOutOfRange'],
  ['§1.1 l2tp tunnel disconnect time 1..21474836', 'l2tp tunnel disconnect time 21474836', 'l2tp tunnel disconnect time 21474837', 'parameterOutOfRange'],
  ['§1.1 l2tp tunnel disconnect time lower bound', 'l2tp tunnel disconnect time 1', 'l2tp tunnel disconnect time 0', 'parameterOutOfRange'],
  ['§1.1 l2tp tunnel disconnect time off or a number', 'l2tp tunnel disconnect time off', 'l2tp tunnel disconnect time never', 'integerRequired'],
  ['§1.1 l2tp local router-id is IPv4', 'l2tp local router-id 192.168.100.1', 'l2tp local router-id 192.168.100.256', 'unrecognizedIpAddress'],
  ['§1.1 l2tp remote router-id is IPv4', 'l2tp remote router-id 0.0.0.0', 'l2tp remote router-id 2001:db8::1', 'unrecognizedIpAddress'],
  ['§1.1 l2tp always-on on|off', 'l2tp always-on off', 'l2tp always-on yes', 'illegalKeyword'],
  ['§1.1 l2tp service versions', 'l2tp service on l2tpv3 l2tp', 'l2tp service on l2tpv2', 'illegalKeyword'],
  ['§1.2 tunnel encapsulation types', 'tunnel encapsulation l2tpv3-raw', 'tunnel encapsulation l2tpv4', 'illegalKeyword'],
  ['§1.2 tunnel endpoint address is IPv4 or IPv6', 'tunnel endpoint address 2001:db8::1 2001:db8::2', 'tunnel endpoint address 10.0.0.300', 'unrecognizedIpAddress'],
  ['§1.3 bridge learning timer 30..32767', 'bridge learning bridge1 timer 30', 'bridge learning bridge1 timer 29', 'parameterOutOfRange'],
  ['§1.3 bridge learning timer upper bound', 'bridge learning bridge1 timer 32767', 'bridge learning bridge1 timer 32768', 'parameterOutOfRange'],
  ['§1.6 vlan vid 2..4094', 'vlan lan1/1 802.1q vid=4094', 'vlan lan1/1 802.1q vid=1', 'parameterOutOfRange'],
  ['§1.4 ipsec ike keepalive interval 1..600, count 1..50', 'ipsec ike keepalive use 1 on heartbeat 600 50', 'ipsec ike keepalive use 1 on heartbeat 600 51', 'parameterOutOfRange'],
  ['§1.4 ipsec ike nat-traversal keepalive 30..100000', 'ipsec ike nat-traversal 1 on keepalive=30', 'ipsec ike nat-traversal 1 on keepalive=29', 'parameterOutOfRange'],
  ['§1.4 ipsec ike pre-shared-key text up to 128', `ipsec ike pre-shared-key 1 text ${'k'.repeat(128)}`, `ipsec ike pre-shared-key 1 text ${'k'.repeat(129)}`, 'parameterOutOfRange'],
  ['§1.4 ipsec ike pre-shared-key hex up to 128 bytes', `ipsec ike pre-shared-key 1 0x${'ab'.repeat(128)}`, `ipsec ike pre-shared-key 1 0x${'ab'.repeat(129)}`, 'parameterOutOfRange'],
  ['§1.4 ipsec transport ids 1..2147483647', 'ipsec transport 2147483647 101 udp 1701', 'ipsec transport 2147483648 101 udp 1701', 'parameterOutOfRange'],
  ['§1.4 ipsec ike remote name up to 256', `ipsec ike remote name 1 ${'n'.repeat(256)} key-id`, `ipsec ike remote name 1 ${'n'.repeat(257)} key-id`, 'parameterOutOfRange'],
  ['§3.3 console columns 80..4096', 'console columns 4096', 'console columns 79', 'parameterOutOfRange'],
  ['§3.3 console lines 10..100|infinity', 'console lines infinity', 'console lines 101', 'parameterOutOfRange'],
  ['§3.2 console prompt up to 64', `console prompt ${'p'.repeat(64)}`, `console prompt ${'p'.repeat(65)}`, 'parameterOutOfRange'],
  ['§3.1 login timer 120..21474836|clear', 'login timer clear', 'login timer 119', 'parameterOutOfRange'],
];

for (const [title, good, bad, kind] of RANGES) {
  test(`range ${title}`, () => {
    ok(good);
    refused(bad, kind);
  });
}

test('missing and extra parameters are "Insufficient or too many parameters"', () => {
  refused('l2tp keepalive use', 'wrongNumberOfParameters');
  refused('l2tp keepalive use on 10 6 7', 'wrongNumberOfParameters');
  refused('l2tp hostname', 'wrongNumberOfParameters');
  expect(routerErrorText('wrongNumberOfParameters')).toBe('Error: Insufficient or too many parameters');
});

test('messages come in English and Japanese in the router format (§3.1)', () => {
  expect(routerErrorText('parameterOutOfRange', 'en')).toBe('Error: Parameter out of range');
  expect(routerErrorText('parameterOutOfRange', 'ja')).toBe('エラー：パラメータが範囲を越えています');
  expect(routerErrorText('illegalKeyword', 'ja')).toBe('エラー：パラメータのキーワードが認識できません');
});

test('an error points at the offending token', () => {
  const e = refused('l2tp keepalive use on 10 99', 'parameterOutOfRange');
  expect(e.column).toBe('l2tp keepalive use on 10 '.length);
  expect(e.reason).toContain('count');
});

test('secrets never appear in an error', () => {
  const secret = 'Sup3rS3cretPassw0rdThatIsWayTooLong!!';
  const e1 = refused(`l2tp tunnel auth on ${secret}`, 'parameterOutOfRange');
  const e2 = refused(`ipsec ike pre-shared-key 1 text ${secret.repeat(4)}`, 'parameterOutOfRange');
  const e3 = refused(`ipsec ike pre-shared-key 1 0x${'zz'}${secret}`, 'illegalKeyword');
  for (const e of [e1, e2, e3]) expect(JSON.stringify(e)).not.toContain('S3cret');
});

test('tunnel-only commands need tunnel select (CR ch.16 "Tunnel-only")', () => {
  expect(parseCommandLine('l2tp hostname RT1', { tunnel: 1 }).kind).toBe('command');
  expect(parseCommandLine('l2tp service on', { tunnel: null }).kind).toBe('command'); // global command
  const p = parseCommandLine('l2tp hostname RT1', { tunnel: null });
  expect(errorOf(p)?.kind).toBe('invalidCommandName');
});

test('no forms take the leading keywords with any trailing parameters (CR convention)', () => {
  const c = ok('no l2tp keepalive use');
  expect(c.negated).toBe(true);
  expect(renderCommand(ok('no l2tp keepalive use on 10'))).toBe('no l2tp keepalive use on 10');
  expect(ok('no tunnel enable all').id).toBe('tunnel enable');
  refused('no l2tp keepalive use on 0', 'parameterOutOfRange');
});

test('commands outside the subset are unknown (kept), closed families are refused', () => {
  expect(parseCommandLine('ip route default gateway 10.0.0.1').kind).toBe('unknown');
  expect(parseCommandLine('ip tunnel tcp mss limit auto').kind).toBe('unknown');
  expect(parseCommandLine('ipsec ike encryption 1 aes-cbc').kind).toBe('unknown');
  refused('l2tp cookie on', 'illegalKeyword'); // facts §1.1: there is no l2tp cookie command
  refused('l2tp local session-id 5', 'illegalKeyword');
});

test('typed values: optional parts and repeated parameters', () => {
  const name = ok('tunnel endpoint name itm.ohno.be fqdn'); // §1.2 real line: remote + type, no local
  expect([param(name, 'local'), param(name, 'remote'), param(name, 'type')]).toEqual([undefined, 'itm.ohno.be', 'fqdn']);
  const both = ok('tunnel endpoint name a.example b.example');
  expect([param(both, 'local'), param(both, 'remote')]).toEqual(['a.example', 'b.example']);
  expect(params(ok('bridge member bridge1 lan1 tunnel1 tunnel2'), 'members')).toEqual(['lan1', 'tunnel1', 'tunnel2']);
  const f = ok('ip bridge1 secure filter in 1 2 3 dynamic 100 101');
  expect([params(f, 'filters'), params(f, 'dynamicFilters')]).toEqual([[1, 2, 3], [100, 101]]);
  expect(param(ok('l2tp keepalive use on 60 3'), 'interval')).toBe(60);
});

test('property: keepalive interval/count are accepted exactly on 1..600 / 1..50 and render back unchanged (§1.1)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100 }), (interval, count) => {
      const line = `l2tp keepalive use on ${interval} ${count}`;
      const p = parseCommandLine(line);
      const valid = interval >= 1 && interval <= 600 && count >= 1 && count <= 50;
      expect(p.kind).toBe(valid ? 'command' : 'error');
      if (p.kind === 'command') expect(renderCommand(p.command)).toBe(line);
      else expect(errorOf(p)!.kind).toBe('parameterOutOfRange');
    }),
  );
});

test('property: hostname and end-id are accepted exactly up to 32 characters (§1.1)', () => {
  const word = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'), minLength: 1, maxLength: 48 });
  fc.assert(
    fc.property(word, fc.constantFrom('l2tp hostname', 'l2tp remote end-id'), (w, cmd) => {
      const p = parseCommandLine(`${cmd} ${w}`);
      expect(p.kind).toBe(w.length <= 32 ? 'command' : 'error');
      if (p.kind === 'command') expect(renderCommand(p.command)).toBe(`${cmd} ${w}`);
    }),
  );
});

test('a quoted prompt with a backslash and a space renders back to the same value', () => {
  const p = parseCommandLine('console prompt "a\\\\ b\\" c"');
  expect(p.kind === 'command' && param(p.command, 'prompt')).toBe('a\\ b" c');
  if (p.kind === 'command') expect(renderCommand(p.command)).toBe('console prompt "a\\\\ b\\" c"');
});

test('property: quoted strings render back to a token that parses to the same value', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 64 }).filter((s) => !s.includes('\n')), (prompt) => {
      const first = parseCommandLine(`console prompt "${prompt.replace(/["\\]/g, (c) => `\\${c}`)}"`);
      expect(first.kind).toBe('command');
      if (first.kind !== 'command') return;
      expect(param(first.command, 'prompt')).toBe(prompt);
      const again = parseCommandLine(renderCommand(first.command));
      expect(again.kind === 'command' && param(again.command, 'prompt')).toBe(prompt);
    }),
  );
});

// The change plan in RTX terms (pure): which lines get `no`, which get set, in which
// `tunnel select N` context. Expectations follow the command reference as the facts digest gives
// it: commands inside `tunnel select N` belong to that tunnel (facts §3.4), a `no` form is `no` +
// the command's keywords with its parameters optional (CR convention, facts §1), secrets never
// appear in a `no` line.

import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { ConfigPlanError, desiredConfig, planChange, type PlannedCommand } from '../../../drivers/config/plan.ts';
import { readConfig } from '../../../drivers/config/settings.ts';

const CURRENT = readConfig(
  [
    'bridge member bridge1 lan1 tunnel1',
    'tunnel select 1',
    ' tunnel encapsulation l2tpv3-raw',
    ' l2tp tunnel auth on planSecret1',
    ' l2tp keepalive use on 60 3',
    ' l2tp hostname one',
    ' tunnel enable 1',
    'tunnel select 2',
    ' l2tp hostname two',
    'syslog host 192.0.2.9',
    'l2tp service on l2tpv3',
  ].join('\n'),
).settings;

const show = (cmds: readonly PlannedCommand[]) => cmds.map((c) => `${c.context ?? '-'}: ${c.text}`);

function plan(lines: string[], mode: 'merge' | 'replace' = 'merge') {
  const d = desiredConfig(CURRENT, lines, mode, 'test');
  return planChange(CURRENT, d.settings, { force: d.explicit });
}

test('a changed tunnel setting is set in its own tunnel context, nothing else is sent', () => {
  expect(show(plan(['tunnel select 2', ' l2tp hostname changed']).commands)).toEqual(['2: l2tp hostname changed']);
});

test('the same command in two tunnels is two settings', () => {
  expect(show(plan(['tunnel select 1', 'l2tp hostname x', 'tunnel select 2', 'l2tp hostname y']).commands)).toEqual(['1: l2tp hostname x', '2: l2tp hostname y']);
});

test('a line already in the config is not sent again', () => {
  expect(plan(['tunnel select 1', ' l2tp hostname one', 'l2tp service on l2tpv3']).commands).toEqual([]);
});

test('`no` in a fragment removes the setting with its no-form, in its tunnel', () => {
  expect(show(plan(['tunnel select 1', 'no l2tp keepalive use']).commands)).toEqual(['1: no l2tp keepalive use on 60 3']);
});

test('a second syslog host is added, not a replacement (host names which setting)', () => {
  expect(show(plan(['syslog host 192.0.2.10']).commands)).toEqual(['-: syslog host 192.0.2.10']);
});

test('removing a setting with a secret never names the secret', () => {
  const p = plan(['tunnel select 1', 'no l2tp tunnel auth']);
  expect(show(p.commands)).toEqual(['1: no l2tp tunnel auth on']);
  expect(JSON.stringify(p)).not.toContain('planSecret1');
});

test('replace mode removes what the whole config does not have, last line first', () => {
  const p = plan(['bridge member bridge1 lan1 tunnel1', 'tunnel select 1', ' tunnel encapsulation l2tpv3-raw', ' tunnel enable 1', 'l2tp service on l2tpv3'], 'replace');
  expect(show(p.commands)).toEqual(['-: no syslog host 192.0.2.9', '2: no l2tp hostname two', '1: no l2tp hostname one', '1: no l2tp keepalive use on 60 3', '1: no l2tp tunnel auth on']);
});

test('setting a secret shown only as `*` is refused with a message that names no value', () => {
  const hidden = readConfig('tunnel select 1\n l2tp tunnel auth on *\n').settings;
  const err = (() => {
    try {
      planChange([], hidden);
    } catch (e) {
      return e;
    }
  })();
  expect(err).toBeInstanceOf(ConfigPlanError);
  expect((err as Error).message).toContain("'l2tp tunnel auth on *' (tunnel 1)");
});

test('a bad line in a fragment is an error naming where, without its secret', () => {
  expect(() => desiredConfig(CURRENT, ['tunnel select 1', 'l2tp keepalive use on 9999'], 'merge', 'frag')).toThrow(/^frag:2: l2tp keepalive use/);
});

test('property: the planned commands (with and without restartService), read back as commands in their contexts, turn the current config into the wanted one', () => {
  const pool = [
    ['1', 'l2tp hostname a'], ['1', 'l2tp hostname b'], ['2', 'l2tp hostname c'], ['1', 'l2tp keepalive use on 30 5'],
    ['1', 'l2tp keepalive use off'], ['-', 'syslog host 192.0.2.1'], ['-', 'syslog host 192.0.2.2'], ['-', 'l2tp service on'], ['-', 'l2tp service on l2tpv3'], ['1', 'l2tp syslog on'],
    ['1', 'l2tp tunnel auth on k1'], ['2', 'l2tp tunnel auth on k2'], ['-', 'ipsec ike pre-shared-key 1 text p1'], ['-', 'ipsec ike pre-shared-key 2 text p2'],
  ] as const;
  const text = (sel: readonly (readonly [string, string])[]) => sel.map(([t, l]) => (t === '-' ? `tunnel select none\n${l}` : `tunnel select ${t}\n ${l}`)).join('\n');
  const pick = fc.subarray([...pool]);
  fc.assert(
    fc.property(pick, pick, fc.boolean(), (a, b, restartService) => {
      const cur = readConfig(text(a)).settings;
      const want = readConfig(text(b)).settings;
      const p = planChange(cur, want, { restartService });
      // apply: each command parsed in its context, as the device would run it
      const state = new Map(cur.map((s) => [s.key, s.text]));
      for (const c of p.commands) {
        const r = readConfig(`tunnel select ${c.context ?? 'none'}\n${c.text}\n`);
        if (c.kind === 'remove') state.delete(r.removals[0].key);
        else state.set(r.settings[0].key, r.settings[0].text);
      }
      expect(Object.fromEntries(state)).toEqual(Object.fromEntries(new Map(want.map((s) => [s.key, s.text]))));
      expect(planChange(want, want).commands).toEqual([]);
    }),
  );
});

test('a bench already running `l2tp service on l2tpv3`: the service off first, then the harness\'s syslog settings, the lab config, and the service on last', () => {
  // issue 16: every tunnel line takes effect as it is sent on such a bench, and the lab config
  // lists its syslog lines last (as an RTX config does). The suites' pushes (restartService) stop
  // the service first (its `closed port` line goes to the bench's old collector), set the
  // harness's syslog, then the config, and start the service last: the device starts as the
  // oracle predicts a device booting with the config, and the harness sees all of it.
  const bench = readConfig(['ip lan1 address 192.168.50.1/24', 'syslog host 192.0.2.200', 'l2tp service on l2tpv3'].join('\n')).settings;
  const lab = [
    'bridge member bridge1 lan1 tunnel1',
    'tunnel select 1',
    ' tunnel encapsulation l2tpv3-raw',
    ' tunnel endpoint address 192.0.2.1 192.0.2.100',
    ' l2tp always-on on',
    ' l2tp syslog on',
    ' tunnel enable 1',
    'tunnel select none',
    'syslog host 192.0.2.100:5514',
    'syslog info on',
    'syslog debug on',
    'l2tp service on l2tpv3',
  ];
  const d = desiredConfig(bench, lab, 'merge', 'lab');
  const texts = planChange(bench, d.settings, { force: d.explicit, restartService: true }).commands.map((c) => c.text);
  expect(texts[0]).toBe('l2tp service off');
  expect(texts[texts.length - 1]).toBe('l2tp service on l2tpv3');
  const observation = ['syslog host 192.0.2.100:5514', 'syslog info on', 'syslog debug on', 'l2tp syslog on'];
  for (const o of observation) expect(texts, o).toContain(o);
  const lastObservation = Math.max(...observation.map((o) => texts.indexOf(o)));
  const firstAction = Math.min(...['l2tp always-on on', 'tunnel enable 1', 'tunnel endpoint address 192.0.2.1 192.0.2.100'].map((a) => texts.indexOf(a)));
  expect(lastObservation, texts.join(' / ')).toBeLessThan(firstAction);
  // without restartService (a plain push) the service is left alone; syslog still goes first
  const plain = planChange(bench, d.settings, { force: d.explicit }).commands.map((c) => c.text);
  expect(plain).not.toContain('l2tp service off');
  expect(plain.slice(0, observation.length).sort()).toEqual([...observation].sort());
});

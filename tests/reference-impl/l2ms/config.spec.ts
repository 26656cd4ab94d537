// The L2MS commands in the config oracle (CR §48.1.1-48.1.3; reference-impl/config l2ms-gates.ts):
// syntax and ranges, the per-model and per-revision gates of the CR's notes, and the seed's rule
// for tunnel endpoints, checked on every band of the support table against its L2MS-manager column.
import { test, expect } from '@playwright/test';
import { checkConfigText, configPlatform, l2msSettings, parseCommandLine, parseConfig, renderCommand } from '../../../reference-impl/config/index.ts';
import { formatRevision, supportBands } from '../../../reference-impl/platform/index.ts';

const ENDPOINT = ['bridge member bridge1 lan1 tunnel1', 'tunnel select 1', ' tunnel encapsulation l2tpv3-raw', ' tunnel endpoint address 192.0.2.1 192.0.2.2', ' tunnel enable 1', 'l2tp service on l2tpv3'];
const check = (model: string, rev: string, lines: string[], endpoint = true) =>
  checkConfigText([...(endpoint ? ENDPOINT : []), ...lines].join('\n') + '\n', configPlatform(model, rev)).issues.map((i) => `${i.rule}: ${i.message}`);

test('syntax and ranges of CR §48.1.1-48.1.3; the no forms; rendering back', () => {
  const parse = (l: string) => parseCommandLine(l, { tunnel: null });
  for (const ok of ['switch control mode manager', 'switch control mode agent', 'switch control mode off', 'no switch control mode', 'switch control use lan1 on', 'switch control use bridge1 off terminal=on', 'no switch control use lan1', 'switch control watch interval 2 10', 'no switch control watch interval']) {
    const p = parse(ok);
    expect(p.kind, ok).toBe('command');
    if (p.kind === 'command') expect(renderCommand(p.command)).toBe(ok);
  }
  const err = (l: string) => { const p = parse(l); return p.kind === 'error' ? p.error.kind : p.kind; };
  expect(err('switch control mode master')).toBe('illegalKeyword');
  expect(err('switch control use lan1 yes')).toBe('illegalKeyword');
  expect(err('switch control watch interval 11')).toBe('parameterOutOfRange');
  expect(err('switch control watch interval 3 1')).toBe('parameterOutOfRange');
  // §48.2 switch operation stays an unmodelled command
  expect(parse('switch control function set port-speed 1 auto').kind).toBe('unknown');
});

test('the mode a config runs: the last `switch control mode`, else the initial manager; `use` per interface, initial off', () => {
  expect(l2msSettings(parseConfig('')).mode).toBe('manager');
  expect(l2msSettings(parseConfig('switch control mode off\n')).mode).toBe('off');
  expect(l2msSettings(parseConfig('switch control mode off\nno switch control mode\n')).mode).toBe('manager');
  const s = l2msSettings(parseConfig('switch control use lan1 on\nswitch control use bridge1 off\nswitch control use lan2 on\nno switch control use lan2\n'));
  expect([...s.use]).toEqual([['lan1', true], ['bridge1', false]]);
});

test('every band of the support table: the endpoint as manager is accepted iff the L2MS-manager column says so, where the model has L2MS commands', () => {
  for (const b of supportBands()) {
    const rev = b.sampleRevision === 'any' ? 'any' : formatRevision(b.sampleRevision).replace(/^Rev\./, '');
    const p = configPlatform(b.model, rev);
    const manager = check(b.model, rev, ['switch control use lan1 on']);
    const disabled = check(b.model, rev, ['switch control use lan1 off']);
    const hasL2ms = !['vRX VMware ESXi版', 'RTX5000', 'RTX3500', 'RTX3510'].includes(b.model);
    const where = `${b.model} ${b.bandText}`;
    if (!hasL2ms) {
      expect(manager, where).toEqual(['l2ms-unavailable: Error: Invalid command name']);
      expect(disabled, where).toEqual(['l2ms-unavailable: Error: Invalid command name']);
      continue;
    }
    expect(p.l2msManagerWithL2tpv3, where).toBe(b.capabilities.l2msManager);
    expect(manager, where).toEqual(b.capabilities.l2msManager ? [] : ['l2ms-manager-with-l2tpv3: Error: Illegal keyword']);
    // the seed's advice works everywhere: L2MS disabled on the endpoint
    expect(disabled, where).toEqual([]);
    // without a tunnel the router may be the manager (the seed's manager is not an endpoint)
    expect(check(b.model, rev, ['switch control use lan1 on'], false), where).toEqual([]);
  }
});

test('CR §48.1.1 notes: `switch control mode` on RTX1210 from Rev.14.01.20; manager/agent from RTX1210 14.01.41, RTX830 15.02.24, RTX1220 15.04.04', () => {
  expect(check('RTX1210', '14.01.19', ['switch control mode off'], false)).toEqual(['l2ms-unavailable: Error: Invalid command name']);
  expect(check('RTX1210', '14.01.20', ['switch control mode off'], false)).toEqual([]);
  expect(check('RTX1210', '14.01.40', ['switch control mode agent'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX1210', '14.01.41', ['switch control mode agent'], false)).toEqual([]);
  expect(check('RTX830', '15.02.23', ['switch control mode manager'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX830', '15.02.24', ['switch control mode manager'], false)).toEqual([]);
  expect(check('RTX1220', 'any', ['switch control mode agent'], false)).toEqual([]);
  // RTX1210 Rev.14.01.41 has the combination: the endpoint may be the manager explicitly; NVR700W Rev.15.00.02 may not
  expect(check('RTX1210', '14.01.41', ['switch control mode manager'])).toEqual([]);
  expect(check('NVR700W', '15.00.02', ['switch control use lan1 on'])).toEqual(['l2ms-manager-with-l2tpv3: Error: Illegal keyword']);
  // agent mode on an endpoint is what the seed advises for a managed router: no combination needed
  expect(check('RTX1210', '14.01.41', ['switch control mode agent', 'switch control use lan1 on'])).toEqual([]);
});

test('CR §48.1.2 notes: bridge interfaces from RTX1210 Rev.14.01.20 and Rev.15.02 firmware; VLAN interfaces per model; terminal from Rev.14.01', () => {
  expect(check('RTX1210', '14.01.19', ['switch control use bridge1 off'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX1210', '14.01.20', ['switch control use bridge1 off'], false)).toEqual([]);
  expect(check('RTX830', '15.02.01', ['switch control use bridge1 off'], false)).toEqual([]);
  expect(check('NVR700W', '15.00.14', ['switch control use bridge1 off'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX830', '15.02.29', ['switch control use vlan1 off'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX830', '15.02.30', ['switch control use vlan1 off'], false)).toEqual([]);
  expect(check('RTX1200', '10.01.65', ['switch control use lan1 off terminal=on'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
  expect(check('RTX1210', '14.01.26', ['switch control use lan1 off terminal=on'], false)).toEqual([]);
  expect(check('RTX1210', '14.01.26', ['switch control use tunnel1 on'], false)).toEqual(['l2ms-unavailable: Error: Illegal keyword']);
});

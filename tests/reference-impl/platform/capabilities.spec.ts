// Issue 4 point 1: one test per row of the seed's support table and learning table.
// Expected numbers are typed from the seed text here (not read from the implementation); the
// feature marks are checked against the seed's "-" count, parsed from the seed text itself.
import { test, expect } from '@playwright/test';
import {
  PLATFORM_ASSUMPTIONS, SUPPORT_TABLE, UnknownModelError, UnknownRevisionError, capabilities, formatRevision,
  supportBands,
} from '../../../reference-impl/platform/index.ts';
import { dashCount, seedSupportTable } from './seed-text.ts';

// [model, probe revision, seed firmware cell, max tunnels, VPN total as printed, ※2]
// seed: 対応機種とファームウェアリビジョン, in the seed's row order.
const ROWS: [string, string, string, number, string][] = [
  ['vRX VMware ESXi版', 'Rev.19.01.08', 'すべてのリビジョン', 99, '通常モード:6000 / コンパクトモード:1000'],
  ['RTX3510', 'Rev.23.00.05', '', 29, '1000 (※2)'],
  ['RTX1300', 'Rev.23.00.01', '', 9, '100'],
  ['RTX1220', 'Rev.15.04.03', '', 9, '100'],
  ['RTX830', 'Rev.15.02.02', 'Rev.15.02.01以降', 1, '20'],
  ['RTX830', 'Rev.15.02.21', 'Rev.15.02.03以降', 1, '20'],
  ['RTX830', 'Rev.15.02.30', 'Rev.15.02.22以降', 1, '20 (※2)'],
  ['NVR700W', 'Rev.15.00.09', 'Rev.15.00.02以降', 1, '6'],
  ['NVR700W', 'Rev.15.00.13', 'Rev.15.00.10以降', 1, '6'],
  ['NVR700W', 'Rev.15.00.14', 'Rev.15.00.14以降', 1, '6'],
  ['RTX1210', 'Rev.14.01.08', 'Rev.14.01.09より前', 9, '100'],
  ['RTX1210', 'Rev.14.01.19', 'Rev.14.01.09以降', 9, '100'],
  ['RTX1210', 'Rev.14.01.25', 'Rev.14.01.20以降', 9, '100'],
  ['RTX1210', 'Rev.14.01.40', 'Rev.14.01.26以降', 9, '100'],
  ['RTX5000', 'Rev.14.00.17', 'Rev.14.00.12以降', 49, '3000'],
  ['RTX5000', 'Rev.14.00.25', 'Rev.14.00.18以降', 49, '3000'],
  ['RTX5000', 'Rev.14.00.26', 'Rev.14.00.26以降', 49, '3000'],
  ['RTX3500', 'Rev.14.00.12', 'Rev.14.00.12以降', 29, '1000'],
  ['RTX3500', 'Rev.14.00.18', 'Rev.14.00.18以降', 29, '1000'],
  ['RTX3500', 'Rev.14.00.33', 'Rev.14.00.26以降', 29, '1000'],
  ['RTX810', 'Rev.11.01.21', 'Rev.11.01.21', 1, '6'],
  ['RTX810', 'Rev.11.01.34', 'Rev.11.01.25以降', 1, '6'],
  ['RTX1200', 'Rev.10.01.59', 'Rev.10.01.53 / Rev.10.01.59', 9, '100'],
  ['RTX1200', 'Rev.10.01.65', 'Rev.10.01.65以降', 9, '100'],
];

const seedRows = seedSupportTable().rows;

test.describe('support table: one test per seed row', () => {
  ROWS.forEach(([model, probe, cell, tunnels, totalText], i) => {
    test(`${model} ${cell || '(empty firmware cell)'} probed at ${probe}`, () => {
      const c = capabilities(model, probe);
      expect(c.model).toBe(model);
      expect(c.bandText).toBe(cell);
      expect(c.l2tpv3).toBe(true);
      expect(c.l2tpv3Ipsec).toBe(true);
      expect(c.maxL2tpv3Tunnels).toBe(tunnels);
      const t = c.vpnTotal;
      const printed = t.kind === 'modes'
        ? `通常モード:${t.normalMode} / コンパクトモード:${t.compactMode}`
        : `${t.count}${t.licenceExtensible ? ' (※2)' : ''}`;
      expect(printed).toBe(totalText);
      // The seed's "-" count equals the number of unsupported features among the last three.
      const unsupported = [c.tagVlan, c.l2msManager, c.tunnelInterfaceFilter].filter((x) => !x).length;
      expect(unsupported).toBe(dashCount(seedRows[i]));
    });
  });
});

test('vRX: the two "-" are tag VLAN and L2MS (no VLAN sub-interfaces, no L2MS)', () => {
  const c = capabilities('vRX VMware ESXi版', 'any');
  expect([c.tagVlan, c.l2msManager, c.tunnelInterfaceFilter]).toEqual([false, false, true]);
  expect(c.assumptions).toContain('marks-vrx');
});

test('a feature, once gained, is never lost in a later band of the same model', () => {
  for (const model of new Set(SUPPORT_TABLE.map((r) => r.model))) {
    const rows = SUPPORT_TABLE.filter((r) => r.model === model);
    for (let i = 1; i < rows.length; i++) {
      for (const k of ['tagVlan', 'l2msManager', 'tunnelInterfaceFilter'] as const) {
        if (rows[i - 1][k]) expect(rows[i][k], `${model} ${k}`).toBe(true);
      }
    }
  }
});

test('every uncertain column assignment is recorded as an exported assumption', () => {
  const ids = new Set(PLATFORM_ASSUMPTIONS.map((a) => a.id));
  for (const [i, r] of SUPPORT_TABLE.entries()) {
    const d = dashCount(seedRows[i]);
    // 0 or 3 dashes force the assignment; 1 or 2 need a recorded reason.
    if (d === 1 || d === 2) expect(r.assumptions.length, `row ${i + 1} ${r.model}`).toBeGreaterThan(1);
    for (const a of r.assumptions) expect(ids.has(a)).toBe(true);
  }
  for (const a of PLATFORM_ASSUMPTIONS) expect(a.reasoning.length).toBeGreaterThan(20);
});

test.describe('band boundaries', () => {
  const cases: [string, string, string][] = [
    ['RTX830', 'Rev.15.02.01', 'Rev.15.02.01以降'],
    ['RTX830', 'Rev.15.02.03', 'Rev.15.02.03以降'],
    ['RTX830', 'Rev.15.02.22', 'Rev.15.02.22以降'],
    ['RTX1210', 'Rev.14.01.09', 'Rev.14.01.09以降'],
    ['RTX1210', 'Rev.14.01.01', 'Rev.14.01.09より前'],
    ['RTX1200', 'Rev.10.01.53', 'Rev.10.01.53 / Rev.10.01.59'],
    ['RTX1200', '10.01.99', 'Rev.10.01.65以降'],
  ];
  for (const [model, rev, cell] of cases) {
    test(`${model} ${rev} -> ${cell}`, () => expect(capabilities(model, rev).bandText).toBe(cell));
  }
});

test.describe('learning table: one test per seed row', () => {
  // seed: L2TPv3とブリッジ機能, 機種 動的エントリ数 静的エントリ数
  const SIZES: [string, number, number][] = [
    ['vRX VMware ESXi版', 3000, 300], ['RTX3510', 900, 90], ['RTX1300', 256, 32], ['RTX1220', 256, 32],
    ['RTX830', 256, 32], ['NVR700W', 256, 32], ['RTX1210', 256, 32], ['RTX5000', 1500, 150],
    ['RTX3500', 900, 90], ['RTX810', 256, 32], ['RTX1200', 256, 32],
  ];
  for (const [model, dyn, stat] of SIZES) {
    test(`${model}: ${dyn} dynamic, ${stat} static`, () => {
      const band = supportBands().find((b) => b.model === model);
      expect(band?.capabilities.learningTable).toEqual({ dynamic: dyn, static: stat });
    });
  }
});

test.describe('unknown model or revision', () => {
  test('unknown model lists every known model', () => {
    expect(() => capabilities('RTX1100', 'Rev.8.03.94')).toThrow(UnknownModelError);
    expect(() => capabilities('RTX1100', 'Rev.8.03.94')).toThrow(/RTX1100.*vRX VMware ESXi版.*RTX3510.*RTX1200/);
  });
  test('revision between two exact/from bands lists the bands', () => {
    expect(() => capabilities('RTX810', 'Rev.11.01.23')).toThrow(UnknownRevisionError);
    expect(() => capabilities('RTX810', 'Rev.11.01.23')).toThrow('Rev.11.01.21, Rev.11.01.25以降');
    expect(() => capabilities('RTX1200', 'Rev.10.01.60')).toThrow(/Rev\.10\.01\.53 \/ Rev\.10\.01\.59, Rev\.10\.01\.65以降/);
  });
  test('revision older than the first band', () => {
    expect(() => capabilities('RTX830', 'Rev.15.02.00')).toThrow(/in no band.*Rev\.15\.02\.01以降/);
  });
  test('revision of another model line', () => {
    expect(() => capabilities('RTX830', 'Rev.14.01.26')).toThrow(/firmware series Rev\.15\.02\.xx/);
  });
  test('malformed revision names the input and the accepted forms', () => {
    expect(() => capabilities('RTX830', 'v15.2')).toThrow(/"v15\.2".*Rev\.MM\.mm\.pp/);
  });
  test("'any' only where support does not depend on the revision", () => {
    expect(capabilities('RTX1300', 'any').tagVlan).toBe(true);
    expect(() => capabilities('RTX1210', 'any')).toThrow(/give one/);
  });
});

test.describe('supportBands(): one router per band', () => {
  test('24 bands, each sample revision lands back in its own band', () => {
    const bands = supportBands();
    expect(bands.length).toBe(24);
    for (const b of bands) {
      const again = capabilities(b.model, b.sampleRevision);
      expect(again.bandText).toBe(b.bandText);
    }
  });
  test('sample revisions: lower bound, first exact, just below a より前 bound, any', () => {
    const s = supportBands().map((b) => `${b.model} ${b.sampleRevision === 'any' ? 'any' : formatRevision(b.sampleRevision)}`);
    expect(s).toContain('RTX830 Rev.15.02.22');
    expect(s).toContain('RTX1200 Rev.10.01.53');
    expect(s).toContain('RTX1210 Rev.14.01.08');
    expect(s).toContain('vRX VMware ESXi版 any');
  });
});

import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import {
  RevisionSyntaxError, compareRevisions, formatRevision, formatRevisionBand, parseRevision, parseRevisionBand,
  revisionInBand,
} from '../../../reference-impl/platform/index.ts';

test('parses Rev.x.yy.zz and bare x.yy.zz', () => {
  expect(parseRevision('Rev.15.02.22')).toEqual({ major: 15, minor: 2, patch: 22 });
  expect(parseRevision('15.02.22')).toEqual({ major: 15, minor: 2, patch: 22 });
  expect(parseRevision(' Rev.10.01.53 ')).toEqual({ major: 10, minor: 1, patch: 53 });
});

test('formats with two-digit minor and patch', () => {
  expect(formatRevision({ major: 10, minor: 1, patch: 5 })).toBe('Rev.10.01.05');
});

test('rejects malformed revisions with the input in the message', () => {
  for (const bad of ['', 'Rev.15.2.22', '15.02', 'Rev.15.02.22以降', 'rev.15.02.22', '15.02.22a']) {
    expect(() => parseRevision(bad)).toThrow(RevisionSyntaxError);
  }
  expect(() => parseRevision('15.2')).toThrow('firmware revision "15.2"');
});

test('compares numerically, not as text', () => {
  const p = parseRevision;
  expect(compareRevisions(p('10.01.65'), p('9.99.99'))).toBeGreaterThan(0);
  expect(compareRevisions(p('14.00.26'), p('14.01.09'))).toBeLessThan(0);
  expect(compareRevisions(p('15.02.03'), p('15.02.22'))).toBeLessThan(0);
  expect(compareRevisions(p('Rev.15.02.22'), p('15.02.22'))).toBe(0);
});

test('band forms of the seed parse and print back', () => {
  for (const t of ['Rev.15.02.22以降', 'Rev.14.01.09より前', 'Rev.10.01.53', 'すべてのリビジョン']) {
    expect(formatRevisionBand(parseRevisionBand(t))).toEqual([t]);
  }
  expect(formatRevisionBand(parseRevisionBand('Rev.10.01.53\nRev.10.01.59'))).toEqual(['Rev.10.01.53', 'Rev.10.01.59']);
  expect(formatRevisionBand(parseRevisionBand('Rev.10.01.53 / Rev.10.01.59'))).toEqual(['Rev.10.01.53', 'Rev.10.01.59']);
  expect(() => parseRevisionBand('Rev.15.02以降')).toThrow(/以降.*より前/);
});

test('band membership: 以降 inclusive, より前 exclusive, exact only listed', () => {
  const p = parseRevision;
  const from = parseRevisionBand('Rev.15.02.03以降');
  expect(revisionInBand(p('15.02.03'), from, p('15.02.22'))).toBe(true);
  expect(revisionInBand(p('15.02.21'), from, p('15.02.22'))).toBe(true);
  expect(revisionInBand(p('15.02.22'), from, p('15.02.22'))).toBe(false);
  expect(revisionInBand(p('15.02.02'), from)).toBe(false);
  const before = parseRevisionBand('Rev.14.01.09より前');
  expect(revisionInBand(p('14.01.08'), before)).toBe(true);
  expect(revisionInBand(p('14.01.09'), before)).toBe(false);
  const exact = parseRevisionBand('Rev.10.01.53\nRev.10.01.59');
  expect(revisionInBand(p('10.01.59'), exact)).toBe(true);
  expect(revisionInBand(p('10.01.55'), exact)).toBe(false);
});

test('property: format/parse round-trip and comparison is a total order', () => {
  const rev = fc.record({ major: fc.integer({ min: 0, max: 999 }), minor: fc.integer({ min: 0, max: 99 }), patch: fc.integer({ min: 0, max: 99 }) });
  fc.assert(fc.property(rev, (r) => expect(parseRevision(formatRevision(r))).toEqual(r)));
  fc.assert(fc.property(rev, rev, (a, b) => Math.sign(compareRevisions(a, b)) === -Math.sign(compareRevisions(b, a))));
  fc.assert(fc.property(rev, rev, (a, b) => (compareRevisions(a, b) === 0) === (formatRevision(a) === formatRevision(b))));
});

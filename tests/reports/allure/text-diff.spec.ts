// The pieces of the attachments that need no Playwright run: the prediction/observation diff and
// secret masking.
import { test, expect } from '@playwright/test';
import { lineDiff, stableJson } from '../../../reports/allure/text-diff.ts';
import { maskSecrets, MASK } from '../../../reports/allure/attachments.ts';

test('lineDiff: removed and added lines, unchanged context, far lines elided', () => {
  const a = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n');
  const b = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'I', 'j'].join('\n');
  expect(lineDiff(a, b, 1)).toBe(['--- oracle prediction', '+++ observed', '@@ …', ' h', '-i', '+I', ' j', ''].join('\n'));
  // Nothing differs: every line is far from a change.
  expect(lineDiff('x\ny', 'x\ny')).toBe('--- oracle prediction\n+++ observed\n@@ …\n');
});

test('lineDiff: an empty observation shows every predicted line removed', () => {
  expect(lineDiff('one\ntwo', '')).toBe('--- oracle prediction\n+++ observed\n-one\n-two\n+\n');
});

test('stableJson: key order does not matter; bigint and bytes readable', () => {
  expect(stableJson({ b: 1, a: { d: 2, c: 3 } })).toBe(stableJson({ a: { c: 3, d: 2 }, b: 1 }));
  expect(stableJson({ id: 5n, cookie: new Uint8Array([0xde, 0xad]) })).toBe('{\n  "cookie": "dead",\n  "id": "5n"\n}');
});

test('maskSecrets: every occurrence, longest secret first, empty secrets ignored', () => {
  expect(maskSecrets('pw=abc abc abcdef', ['abc', 'abcdef', ''])).toBe(`pw=${MASK} ${MASK} ${MASK}`);
  expect(maskSecrets('nothing here', [])).toBe('nothing here');
});

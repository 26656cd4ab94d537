// ByteArena (reference-impl/router/byte-arena.ts): the data plane writes one data message per
// frame into arrays it takes from here and hands them to a socket that may send later, so an
// array once taken must never be overwritten by a later take, however many follow.
import { test, expect } from '@playwright/test';
import { ByteArena } from '../../../reference-impl/router/byte-arena.ts';

test('arrays taken earlier keep their contents across many later takes (chunk changes included)', () => {
  const arena = new ByteArena();
  const taken: { v: Uint8Array; fill: number }[] = [];
  // sizes from a 14-octet header up to jumbo frames; about 20 chunks' worth
  const sizes = [1, 14, 60, 78, 1514, 1522, 2048, 2049, 9000];
  for (let i = 0; i < 3000; i++) {
    const n = sizes[i % sizes.length];
    const v = arena.take(n);
    v.fill(i & 0xff);
    taken.push({ v, fill: i & 0xff });
  }
  expect(taken.findIndex(({ v }, i) => v.length !== sizes[i % sizes.length])).toBe(-1);
  expect(taken.findIndex(({ v, fill }) => v.some((x) => x !== fill))).toBe(-1);
});

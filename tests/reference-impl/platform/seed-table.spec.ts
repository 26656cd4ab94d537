// Issue 4 point 1: the typed tables rendered back equal the seed's text, row by row.
import { test, expect } from '@playwright/test';
import { renderLearningTable, renderSupportTable } from '../../../reference-impl/platform/index.ts';
import { seedLearningTable, seedSupportTable } from './seed-text.ts';

test.describe('support table renders back to the seed text', () => {
  const seed = seedSupportTable();
  const ours = renderSupportTable();

  test('heading lines', () => {
    expect(ours.heading).toEqual(seed.heading);
  });

  test('same number of rows as the seed (24 model x band rows)', () => {
    expect(seed.rows.length).toBe(24);
    expect(ours.rows.length).toBe(seed.rows.length);
  });

  for (let i = 0; i < 24; i++) {
    test(`row ${i + 1}: ${seed.rows[i]?.[0] ?? '?'}`, () => {
      expect(ours.rows[i]).toEqual(seed.rows[i]);
    });
  }

  test('footnotes ※1 and ※2', () => {
    expect(ours.footnotes).toEqual(seed.footnotes);
  });
});

test.describe('learning table renders back to the seed text', () => {
  const seed = seedLearningTable();
  const ours = renderLearningTable();
  test('heading and note', () => {
    expect(ours.heading).toBe(seed.heading);
    expect(ours.note).toBe(seed.note);
  });
  test('same rows in the same order', () => {
    expect(seed.rows.length).toBe(11);
    expect(ours.rows).toEqual(seed.rows);
  });
});

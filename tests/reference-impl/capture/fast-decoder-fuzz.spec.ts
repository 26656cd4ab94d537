// Fuzz: mutated sample packets (bit flips, truncations, lying length fields, toggled M/H bits,
// appended octets) and corrupted capture files go through both decoders; the fast one must
// accept and reject exactly what the full one does, with the same error kind at the same
// offset, and read the same fields from whatever it accepts.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { LINKTYPE, writePcap, writePcapng, type CaptureRecord } from '../../../reference-impl/capture/index.ts';
import { SAMPLE_SECRET } from '../../support/l2tp-sample-capture.ts';
import { decodeFast, decodeFull, disagreement } from './fast-agreement.ts';
import { anatomy, mutantArb, mutate, sample } from './mutants.ts';

const RUNS = 250;

test(`${RUNS} captures of mutated sample packets: same accept/reject, error kind and offset, same fields`, () => {
  const kinds: Record<string, number> = {};
  let mutants = 0;
  fc.assert(
    fc.property(fc.array(mutantArb, { minLength: 8, maxLength: 24 }), fc.constantFrom<string | undefined>(SAMPLE_SECRET, undefined, 'wrong'), (mutants_, secret) => {
      // The intact sample first, so session layouts and nonces are learnt as in a real capture.
      const records: CaptureRecord[] = [...sample, ...mutants_.map((m, i) => ({ timestampUs: i, data: mutate(sample[m.record].data, anatomy[m.record], m.ops) }))];
      const bytes = writePcap(records, LINKTYPE.ETHERNET);
      const opts = secret === undefined ? {} : { secret };
      const why = disagreement(bytes, opts);
      if (why) throw new Error(why);
      const out = decodeFast(bytes, opts);
      if ('packets' in out) for (const p of out.packets.slice(sample.length)) kinds[p.error?.kind ?? p.kind] = (kinds[p.error?.kind ?? p.kind] ?? 0) + 1;
      mutants += mutants_.length;
    }),
    { numRuns: RUNS, seed: 3931 },
  );
  test.info().annotations.push({ type: 'outcomes', description: `${mutants} mutated packets: ${JSON.stringify(kinds)}` });
  // The corpus reaches every class of rejection, and accepted packets too.
  for (const k of ['control', 'data', 'too-short', 'wrong-version', 'wrong-header', 'avp-malformed', 'unknown-mandatory-avp']) {
    expect(kinds[k] ?? 0, `mutants decoded as ${k}`).toBeGreaterThan(0);
  }
});

test('corrupted capture files (pcap and pcapng): the same CaptureFileError at the same offset, or the same packets', () => {
  const head = sample.slice(0, 12);
  const files = [writePcap(head, LINKTYPE.ETHERNET), writePcapng(head, LINKTYPE.ETHERNET), writePcap(head.map((r) => ({ ...r, data: r.data.subarray(14) })), LINKTYPE.RAW)];
  let fileErrors = 0;
  fc.assert(
    fc.property(fc.nat(files.length - 1), fc.nat(), fc.nat(), fc.nat(255), fc.boolean(), (which, cut, at, value, truncate) => {
      const src = files[which];
      const bytes = truncate ? src.slice(0, cut % (src.length + 1)) : src.slice();
      if (!truncate) bytes[at % bytes.length] = value;
      const why = disagreement(bytes, { secret: SAMPLE_SECRET });
      if (why) throw new Error(why);
      if ('fileError' in decodeFull(bytes, {})) fileErrors++;
    }),
    { numRuns: 400, seed: 4719 },
  );
  expect(fileErrors, 'some corruptions make the file unreadable').toBeGreaterThan(20);
});

test('the comparison itself notices a difference (secret on one side only)', () => {
  const bytes = writePcap(sample, LINKTYPE.ETHERNET);
  expect(JSON.stringify(decodeFull(bytes, { secret: SAMPLE_SECRET }))).not.toBe(JSON.stringify(decodeFast(bytes, {})));
  expect(JSON.stringify(decodeFull(bytes, { secret: SAMPLE_SECRET }))).toBe(JSON.stringify(decodeFast(bytes, { secret: SAMPLE_SECRET })));
});

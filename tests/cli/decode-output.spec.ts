// Issue 17 point 3: `decode` streams through the fast decoder and its own formatter, and prints
// exactly what the full decoder and formatDecodedPacket / JSON.stringify(DecodedPacket) print for
// the same options: on every shared capture (through the real CLI) and on a fuzz corpus of
// mutated packets and corrupted files, fed in chunks of random sizes so records straddle chunk
// boundaries. The two fixes of issue 17 (the zero Session ID of control over IP, the guessed
// layout) are in both paths; their own tests are in decode-stream.spec.ts.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  CaptureFileError, decodeCapture, formatDecodedPacket, LINKTYPE, readCaptureFile, writePcap, writePcapng,
  type CaptureDecodeOptions, type CaptureRecord,
} from '../../reference-impl/capture/index.ts';
import { DecodePipeline } from '../../reference-impl/capture/decode-pipeline.ts';
import { SAMPLE_SECRET } from '../support/l2tp-sample-capture.ts';
import { anatomy, mutantArb, mutate, sample } from '../reference-impl/capture/mutants.ts';

const CAPTURES = resolve('..', 'shared', 'captures');
const BIN = resolve('bin', 'l2tpv3-conformance.mjs');

type Output = { text: string } | { fileError: string };

/** What `decode` printed before it streamed: the full decoder and its formatters. */
function reference(bytes: Uint8Array, opts: CaptureDecodeOptions, json: boolean): Output {
  try {
    const lines = [...decodeCapture(readCaptureFile(bytes), opts)].map((p) => (json ? JSON.stringify(p) : formatDecodedPacket(p)));
    return { text: lines.map((l) => `${l}\n`).join('') };
  } catch (e) {
    if (e instanceof CaptureFileError) return { fileError: e.message };
    throw e;
  }
}

/** The streaming pipeline, fed `chunks` sizes in turn (repeated). */
function streamed(bytes: Uint8Array, opts: CaptureDecodeOptions, json: boolean, chunks: number[]): Output {
  const p = new DecodePipeline({ ...opts, json, fileSize: bytes.length });
  const dec = new TextDecoder();
  let text = '';
  try {
    for (let o = 0, i = 0; o < bytes.length; i++) {
      const n = chunks[i % chunks.length];
      text += dec.decode(p.push(bytes.slice(o, o + n)), { stream: true });
      o += n;
    }
    text += dec.decode(p.end());
    return { text };
  } catch (e) {
    if (e instanceof CaptureFileError) return { fileError: e.message };
    throw e;
  }
}

const files = existsSync(CAPTURES)
  ? readdirSync(CAPTURES, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) => readdirSync(join(CAPTURES, d.name)).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(CAPTURES, d.name, f)))
  : [];

const OPTION_SETS: { cli: string[]; opts: CaptureDecodeOptions }[] = [
  { cli: [], opts: {} },
  { cli: ['--cookie-size', '4'], opts: { forceLayout: { cookieLength: 4 } } },
  { cli: ['--cookie-size', '0', '--l2ss', 'default'], opts: { forceLayout: { cookieLength: 0, l2ss: 'default' } } },
  { cli: ['--secret-env', 'DECODE_OUTPUT_SECRET', '--port', '1701'], opts: { secret: 's3cret', udpPort: 1701 } },
];

test('every shared capture: the CLI prints what the full decoder and its formatters print (text and JSON)', () => {
  test.skip(files.length === 0, `no captures under ${CAPTURES}`);
  let lines = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const json of [false, true]) {
      const want = reference(bytes, {}, json);
      if (!('text' in want)) throw new Error(`${file}: ${want.fileError}`);
      const got = execFileSync(process.execPath, [BIN, 'decode', file, ...(json ? ['--json'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      expect(got, `${file}${json ? ' --json' : ''}`).toBe(want.text);
      lines += got.split('\n').length - 1;
    }
  }
  expect(lines, 'the captures hold L2TPv3 packets').toBeGreaterThan(50);
});

test('every shared capture under every option set (through the CLI\'s flags once, in-process for the rest): same output', () => {
  test.skip(files.length === 0, `no captures under ${CAPTURES}`);
  const file = files.find((f) => f.endsWith('l2tpv3_udp_auth_md5.pcap')) ?? files[0];
  const all = OPTION_SETS[OPTION_SETS.length - 1];
  const got = execFileSync(process.execPath, [BIN, 'decode', file, ...all.cli, '--l2ss', 'default', '--json'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, DECODE_OUTPUT_SECRET: 's3cret' },
  });
  expect(got).toBe((reference(readFileSync(file), { ...all.opts, forceLayout: { l2ss: 'default' } }, true) as { text: string }).text);
  for (const f of files) {
    const bytes = readFileSync(f);
    for (const { opts } of OPTION_SETS) for (const json of [false, true]) expect(streamed(bytes, opts, json, [1 << 20]), `${f} ${JSON.stringify(opts)}`).toEqual(reference(bytes, opts, json));
  }
});

test('every shared capture, streamed in chunks of 1 to 300 octets: same output as in one piece', () => {
  test.skip(files.length === 0, `no captures under ${CAPTURES}`);
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const chunks of [[1], [7, 300, 2], [64]]) {
      for (const json of [false, true]) expect(streamed(bytes, {}, json, chunks), `${file} chunks ${chunks.join(',')}`).toEqual(reference(bytes, {}, json));
    }
  }
});

test('fuzz corpus: mutated sample packets, text and JSON, in random chunk sizes: the same output as the full decoder', () => {
  const kinds = new Set<string>();
  fc.assert(
    fc.property(
      fc.array(mutantArb, { minLength: 4, maxLength: 16 }),
      fc.constantFrom<string | undefined>(SAMPLE_SECRET, undefined, 'wrong'),
      fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 5 }),
      fc.boolean(),
      fc.constantFrom<CaptureDecodeOptions['forceLayout']>(undefined, { cookieLength: 8 }, { l2ss: 'default' }),
      (mutants, secret, chunks, ng, forceLayout) => {
        const records: CaptureRecord[] = [...sample, ...mutants.map((m, i) => ({ timestampUs: 1_700_000_000_000_000 + i, data: mutate(sample[m.record].data, anatomy[m.record], m.ops) }))];
        const bytes = ng ? writePcapng(records, LINKTYPE.ETHERNET) : writePcap(records, LINKTYPE.ETHERNET);
        const opts: CaptureDecodeOptions = { ...(secret === undefined ? {} : { secret }), ...(forceLayout ? { forceLayout } : {}) };
        for (const json of [false, true]) {
          const want = reference(bytes, opts, json);
          expect(streamed(bytes, opts, json, chunks)).toEqual(want);
          if (json && 'text' in want) for (const l of want.text.trim().split('\n')) kinds.add((JSON.parse(l) as { error?: { kind: string }; kind: string }).error?.kind ?? (JSON.parse(l) as { kind: string }).kind);
        }
      },
    ),
    { numRuns: 150, seed: 17 },
  );
  for (const k of ['control', 'data', 'too-short', 'wrong-version', 'wrong-header', 'avp-malformed']) expect([...kinds], `the corpus reaches ${k}`).toContain(k);
});

test('fuzz corpus: corrupted and cut capture files give the same CaptureFileError (same offset and text) or the same output', () => {
  const head = sample.slice(0, 12);
  const files_ = [writePcap(head, LINKTYPE.ETHERNET), writePcapng(head, LINKTYPE.ETHERNET), writePcap(head.map((r) => ({ ...r, data: r.data.subarray(14) })), LINKTYPE.RAW)];
  let fileErrors = 0;
  fc.assert(
    fc.property(fc.nat(files_.length - 1), fc.nat(), fc.nat(), fc.nat(255), fc.boolean(), fc.integer({ min: 1, max: 700 }), (which, cut, at, value, truncate, chunk) => {
      const src = files_[which];
      const bytes = truncate ? src.slice(0, cut % (src.length + 1)) : src.slice();
      if (!truncate) bytes[at % bytes.length] = value;
      for (const json of [false, true]) {
        const want = reference(bytes, {}, json);
        expect(streamed(bytes, {}, json, [chunk])).toEqual(want);
        if (json && 'fileError' in want) fileErrors++;
      }
    }),
    { numRuns: 300, seed: 4719 },
  );
  expect(fileErrors, 'some corruptions make the file unreadable').toBeGreaterThan(20);
});

test('the comparison notices a difference (a secret on one side only)', () => {
  const bytes = writePcap(sample, LINKTYPE.ETHERNET);
  expect(streamed(bytes, {}, true, [4096])).not.toEqual(reference(bytes, { secret: SAMPLE_SECRET }, true));
  expect(streamed(bytes, { secret: SAMPLE_SECRET }, true, [4096])).toEqual(reference(bytes, { secret: SAMPLE_SECRET }, true));
});

// Fuzz: random and mutated packets into the strict decoder. No exception may escape, and
// every rejection is one of the typed errors, naming a line of the seed's syslog catalogue.
import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import {
  decodeL2tp, encodeControlMessage, encodeDataMessage, type DecodeError, type DecodeErrorKind, type L2tpTransport,
} from '../../../reference-impl/l2tpv3/index.ts';
import { SYSLOG_CATALOGUE, renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { anyMessageArbitrary, dataMessageArbitrary } from './arbitraries.ts';

const KINDS: readonly DecodeErrorKind[] = ['too-short', 'wrong-version', 'wrong-header', 'avp-malformed', 'unknown-mandatory-avp'];
const SECRET = 'fuzz';
const TOTAL = 100_000;

/** Small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = src.slice();
  switch (Math.floor(rnd() * 6)) {
    case 0: // bit flips
      for (let i = 0, n = 1 + Math.floor(rnd() * 4); i < n && b.length; i++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      return b;
    case 1: // truncation
      return b.subarray(0, Math.floor(rnd() * b.length));
    case 2: { // the header's Length lies
      const o = b.length > 4 && (b[0] & 0x80) ? 2 : 6;
      if (b.length > o + 1) { b[o] = Math.floor(rnd() * 256); b[o + 1] = Math.floor(rnd() * 256); }
      return b;
    }
    case 3: { // an AVP length lies
      if (b.length > 14) { const o = 12 + Math.floor(rnd() * (b.length - 13)); b[o] = (b[o] & 0xfc) | Math.floor(rnd() * 4); b[o + 1] = Math.floor(rnd() * 256); }
      return b;
    }
    case 4: { // random bytes appended
      const extra = new Uint8Array(Math.floor(rnd() * 16));
      for (let i = 0; i < extra.length; i++) extra[i] = Math.floor(rnd() * 256);
      const out = new Uint8Array(b.length + extra.length);
      out.set(b);
      out.set(extra, b.length);
      return out;
    }
    default: // M/H bits toggled on a random octet that may be an AVP header
      if (b.length > 13) b[12 + Math.floor(rnd() * (b.length - 12))] ^= 0xc0;
      return b;
  }
}

/** Why a rejection is not well-formed, or null. Plain checks: 100 000 `expect` calls would
 * each be recorded as a report step and make the run crawl. */
function rejectionProblem(e: DecodeError, input: Uint8Array): string | null {
  if (!KINDS.includes(e.kind)) return `untyped kind ${String(e.kind)}`;
  if (!(e.syslog in SYSLOG_CATALOGUE)) return `syslog id ${e.syslog} is not in the catalogue`;
  if (!(e.offset >= 0 && e.offset <= input.length)) return `offset ${e.offset} outside 0..${input.length}`;
  try {
    renderSyslog(e.syslog, e.syslogArgs); // every placeholder the entry needs is supplied
  } catch (err) {
    return `syslog line does not render: ${String(err)}`;
  }
  return null;
}

test(`${TOTAL} random and mutated packets: no exception escapes, every rejection is typed`, () => {
  const seeds = fc.sample(fc.oneof(anyMessageArbitrary.map((m) => ({ m })), dataMessageArbitrary.map((d) => ({ d }))), { numRuns: 400, seed: 3931 });
  const corpus: { bytes: Uint8Array; transport: L2tpTransport }[] = [];
  for (const [i, s] of seeds.entries()) {
    const transport: L2tpTransport = i % 2 ? 'ip' : 'udp';
    corpus.push({ transport, bytes: 'm' in s ? encodeControlMessage(s.m, { transport, secret: SECRET }) : encodeDataMessage(s.d, transport) });
  }
  const rnd = prng(4719);
  const counts: Record<string, number> = {};
  const problems: string[] = [];
  for (let i = 0; i < TOTAL; i++) {
    let input: Uint8Array;
    let transport: L2tpTransport;
    if (i % 10 === 0) { // fully random
      input = new Uint8Array(Math.floor(rnd() * 80));
      for (let j = 0; j < input.length; j++) input[j] = Math.floor(rnd() * 256);
      transport = rnd() < 0.5 ? 'udp' : 'ip';
    } else {
      const s = corpus[Math.floor(rnd() * corpus.length)];
      input = mutate(s.bytes, rnd);
      transport = s.transport;
    }
    const cookieLength = ([0, 4, 8] as const)[i % 3];
    let r;
    try {
      r = decodeL2tp(input, transport, { secret: i % 2 ? SECRET : undefined, dataLayout: () => ({ cookieLength, l2ss: i % 4 < 2 ? 'none' : 'default' }) });
    } catch (err) {
      throw new Error(`decoder threw on input ${Buffer.from(input).toString('hex')} (${transport}): ${String(err)}`);
    }
    const key = r.result.ok ? `${r.kind}:ok` : `${r.kind}:${r.result.error.kind}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if (!r.result.ok) {
      const problem = rejectionProblem(r.result.error, input);
      if (problem) problems.push(`${problem} on ${Buffer.from(input).toString('hex')} (${transport})`);
    }
  }
  expect(problems.slice(0, 5), `${problems.length} malformed rejections`).toEqual([]);
  // The fuzzer must actually reach every class of rejection, or it proves little.
  for (const k of KINDS) expect(Object.keys(counts).some((c) => c.endsWith(`:${k}`)), `no input produced ${k}: ${JSON.stringify(counts)}`).toBe(true);
  expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(TOTAL);
  test.info().annotations.push({ type: 'outcomes', description: JSON.stringify(counts) });
});

// Target: the L2TPv3 codec (reference-impl/l2tpv3), control and data messages over UDP and IP.
// Seeds are well-formed messages from the table-driven fast-check generators (every message type,
// its mandatory and optional AVPs, hidden AVPs, cookies, sublayers); inputs are seeds mutated by
// mutate.ts or random bytes. Contract (decode-error.ts): decodeL2tp never throws, and every
// rejection is a typed error whose catalogue line renders.
import fc from 'fast-check';
import {
  decodeL2tp, encodeControlMessage, encodeDataMessage, type DecodeErrorKind, type L2tpTransport,
} from '../../reference-impl/l2tpv3/index.ts';
import { SYSLOG_CATALOGUE, renderSyslog } from '../../reference-impl/syslog/catalogue.ts';
import { anyMessageArbitrary, dataMessageArbitrary } from '../../tests/reference-impl/l2tpv3/arbitraries.ts';
import { mutateBytes, Rng } from './mutate.ts';
import type { PureTarget } from './target.ts';

/** The classes of bad L2TPv3 input and their catalogue lines (decode-error.ts SYSLOG_OF). */
export const DECODE_ERROR_KINDS: readonly DecodeErrorKind[] = ['too-short', 'wrong-version', 'wrong-header', 'avp-malformed', 'unknown-mandatory-avp'];
export const DECODE_SYSLOG_IDS = ['tooSmallPacket', 'wrongVersionHeader', 'wrongHeader', 'avpsCheckError', 'avpAttrTypeIllegal'] as const;

const SECRET = 'robustness-secret'; // throwaway: hides AVPs in the corpus

export interface Seed {
  bytes: Uint8Array;
  transport: L2tpTransport;
}

/** Well-formed encoded messages, half control, half data, alternating transports (fast-check, fixed seed). */
export function codecCorpus(size: number, seed: number): Seed[] {
  const msgs = fc.sample(fc.oneof(anyMessageArbitrary.map((m) => ({ m })), dataMessageArbitrary.map((d) => ({ d }))), { numRuns: size, seed });
  return msgs.map((s, i) => {
    const transport: L2tpTransport = i % 2 ? 'ip' : 'udp';
    return { transport, bytes: 'm' in s ? encodeControlMessage(s.m, { transport, secret: SECRET }) : encodeDataMessage(s.d, transport) };
  });
}

interface CodecInput extends Seed {
  secret: boolean;
  cookieLength: 0 | 4 | 8;
  l2ss: 'none' | 'default';
}

export function codecTarget(seed: number): PureTarget<CodecInput> {
  const corpus = codecCorpus(500, seed);
  const rng = new Rng(seed);
  const seen = new Set<string>();
  return {
    name: 'codec',
    syslogExpected: DECODE_SYSLOG_IDS,
    syslogSeen: () => seen,
    generate(i) {
      const s = corpus[rng.int(corpus.length)];
      const bytes = i % 16 === 0 ? rng.bytes(rng.int(80)) : mutateBytes(s.bytes, rng, corpus[rng.int(corpus.length)].bytes);
      return { bytes, transport: i % 16 === 0 ? rng.pick(['udp', 'ip'] as const) : s.transport, secret: rng.chance(0.5), cookieLength: rng.pick([0, 4, 8] as const), l2ss: rng.pick(['none', 'default'] as const) };
    },
    check(x) {
      const r = decodeL2tp(x.bytes, x.transport, { secret: x.secret ? SECRET : undefined, dataLayout: () => ({ cookieLength: x.cookieLength, l2ss: x.l2ss }) });
      if (r.result.ok) return `${r.kind}:ok`;
      const e = r.result.error;
      if (!DECODE_ERROR_KINDS.includes(e.kind)) return { problem: `untyped rejection ${String(e.kind)}` };
      if (!(e.syslog in SYSLOG_CATALOGUE)) return { problem: `syslog id ${e.syslog} not in the catalogue` };
      if (!(e.offset >= 0 && e.offset <= x.bytes.length)) return { problem: `offset ${e.offset} outside 0..${x.bytes.length}` };
      renderSyslog(e.syslog, e.syslogArgs); // throws (a crash) if an argument the line needs is missing
      seen.add(e.syslog);
      return `${r.kind}:${e.kind}`;
    },
    show: (x) => `${x.transport} ${Buffer.from(x.bytes).toString('hex')} secret=${x.secret} cookie=${x.cookieLength} l2ss=${x.l2ss}`,
  };
}

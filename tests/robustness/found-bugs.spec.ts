// Bugs the robustness campaign found in code this area may fix, each pinned by the smallest input
// that showed it (bench/robustness/, issue 17 point 6).
import { test, expect } from '@playwright/test';
import { encodeControlMessage, avps } from '../../reference-impl/l2tpv3/index.ts';
import { syslogPattern } from '../../reference-impl/syslog/catalogue.ts';
import { formatDiagnostic, parseTopology } from '../../topologies/schema/index.ts';
import { A, B, bothUp, makePair, sentMessages, start, syslogOf } from '../reference-impl/control/harness.ts';

test('tunnel state mismatch on an unknown Message Type: the line matches the catalogue entry (one-token {message})', () => {
  // campaign control #19057: a delivered message of type 668 logged `tunnel state mismatch type 668`,
  // which no catalogue pattern matches (placeholders are one token), so no syslog matcher could see it
  const { sim, a, b } = makePair({ seed: 7 });
  start(sim);
  expect(sim.runUntilTrue(() => bothUp(a, b), 60_000)).toBe(true);
  const last = sentMessages(sim, A).at(-1)!;
  // in sequence for A: the Ns A expects next (its last Nr), acknowledging nothing new
  const bytes = encodeControlMessage({ ccid: a.localCcid(1)!, ns: last.msg.nr, nr: 0, avps: [avps.messageType(668)] });
  const lines = syslogOf(a.handle({ kind: 'packet', from: B, bytes }, sim.now));
  const mismatch = lines.find((l) => l.id === 'tunnelStateMismatch');
  expect(mismatch?.text).toBe('[L2TPv3] tunnel state mismatch type<668>');
  expect(syslogPattern('tunnelStateMismatch').test(mismatch!.text)).toBe(true);
  // a known type keeps its short name
  expect(syslogPattern('tunnelStateMismatch', { message: 'SCCRQ' }).test('[L2TPv3] tunnel state mismatch SCCRQ')).toBe(true);
});

test('topology loader: an alias without its anchor is a diagnostic, not a ReferenceError', () => {
  // campaign topology #2604 (seed 17), reduced: doc.toJS throws on the unresolved alias
  const text = 'name: x\nsegments:\n  - { name: a, ipv4: *nope }\n';
  let diagnostics: string[] = [];
  expect(() => (diagnostics = parseTopology(text, 'alias.yaml').diagnostics.map(formatDiagnostic))).not.toThrow();
  expect(diagnostics.join('\n')).toContain('alias.yaml:3:');
});

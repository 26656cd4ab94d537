// Issue 17 point 3, the peer at its edges: it refuses to dial its own socket (before, `peer
// --connect 127.0.0.1` with nothing listening talked to itself: 13 000 lines of tie-breaking in a
// second, exit 0), and a password on the command line (`--auth PASSWORD`, visible in the process
// list) is refused with a pointer to --auth-env, the value never echoed.
import { test, expect } from '@playwright/test';
import { runCli } from '../suites/helpers/cli-process.ts';

test('peer --connect to an address its own socket receives on: exit 2 before binding, nothing printed on stdout', async () => {
  for (const argv of [['--connect', '127.0.0.1'], ['--connect', '127.0.0.2', '--local', '127.0.0.2'], ['--connect', '::1', '--port', '1702']]) {
    const r = await runCli(['peer', ...argv, '--duration', '5'], 60_000);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^l2tpv3-conformance peer: --connect \S+ port \d+ is this peer's own socket \(bound to \S+\): it would talk to itself\./);
  }
});

test('peer --auth PASSWORD is refused, pointing at --auth-env VAR; the password is never echoed', async () => {
  const secret = 'do-not-echo-this-7f3a';
  for (const argv of [['--auth', secret], [`--auth=${secret}`]]) {
    const r = await runCli(['peer', '--connect', '127.0.0.1', '--local', '127.0.0.2', ...argv], 60_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--auth is no longer accepted');
    expect(r.stderr).toContain('--auth-env VAR');
    expect(r.stdout + r.stderr).not.toContain(secret);
  }
  const help = await runCli(['peer', '--help'], 60_000);
  expect(help.stdout).toContain('--auth-env VAR');
  expect(help.stdout).not.toMatch(/--auth PASSWORD/);
});

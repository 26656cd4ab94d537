// The `peer` CLI at a lab bench: against the emulated router process it brings up a session,
// prints the state changes and the device's replies, takes the password only from an
// environment variable (never printed), stops after --duration and writes the pcap.
import { test, expect } from '@playwright/test';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readCaptureFile } from '../../../reference-impl/capture/capture-file.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { openPeerLab } from './helpers/open-lab.ts';
import { LAB_IDS } from '../../../drivers/dut/lab-config.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PASSWORD = 'cli-lab-password-7'; // throwaway lab secret

function runPeer(argv: string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.mjs'), path.join(import.meta.dirname, 'helpers', 'run-peer.ts'), ...argv], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

test(`peer --connect with --auth-env: session up, state changes and replies printed, password never printed, pcap written`, async () => {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: '127.0.0.2', password: PASSWORD }], timeScale: 1 });
  try {
    await lab.startRouter();
    const pcap = test.info().outputPath('cli-peer.pcap');
    const r = await runPeer([
      '--connect', '127.0.0.1', '--local', '127.0.0.2', '--port', String(lab.port), '--auth-env', 'PEER_TEST_PW',
      '--router-id', LAB_IDS.peerRouterId, '--end-id', LAB_IDS.endId, '--duration', '3', '--pcap', pcap,
    ], { PEER_TEST_PW: PASSWORD });
    await test.info().attach('peer-stdout.txt', { body: r.out, contentType: 'text/plain' });
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/127\.0\.0\.2 tunnel idle -> wait-ctl-reply/);
    expect(r.out).toMatch(/127\.0\.0\.2 <- SCCRP ccid=\d+ ns=0 nr=1/);
    expect(r.out).toMatch(/127\.0\.0\.2 tunnel wait-ctl-reply -> established/);
    expect(r.out).toMatch(/127\.0\.0\.2 <- ICRP /);
    expect(r.out).toMatch(/session up: local \d+ remote \d+/);
    expect(r.out).toContain('final state established');
    expect(r.out + r.err).not.toContain(PASSWORD);
    await lab.syslog.waitFor(/^\[L2TPv3\] TUNNEL\[1\] session \d+ established$/);
    // The StopCCN at the end of --duration reaches the router.
    await lab.syslog.waitFor(/^\[L2TPv3\] TUNNEL\[1\] disconnect tunnel \d+ complete$/);
    const file = readCaptureFile(readFileSync(pcap));
    expect(file.records.length).toBeGreaterThanOrEqual(8);
    await test.info().attach('cli-peer.pcap', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
  } finally {
    await lab.close(test.info());
  }
});

test('peer --listen: the router dials in, the peer answers', async () => {
  const lab = await openPeerLab({ tunnels: [{ n: 1, peer: '127.0.0.2', alwaysOn: true }], timeScale: 1 });
  try {
    const run = runPeer(['--listen', '127.0.0.2', '--port', String(lab.port), '--router-id', LAB_IDS.peerRouterId, '--end-id', LAB_IDS.endId, '--duration', '4']);
    // The listener binds first; the router (always-on) retries until it answers.
    await lab.startRouter();
    const r = await run;
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/127\.0\.0\.2 <- SCCRQ ccid=0 ns=0 nr=0/);
    expect(r.out).toMatch(/127\.0\.0\.2 -> SCCRP /);
    expect(r.out).toMatch(/127\.0\.0\.2 <- ICRQ /);
    expect(r.out).toContain('final state established');
    await lab.syslog.waitFor(renderSyslog('connectTo', { tunnel: 1, address: '127.0.0.2' }));
  } finally {
    await lab.close(test.info());
  }
});

test('peer usage errors: clear messages, exit 2, a missing password variable named but no value shown', async () => {
  const both = await runPeer(['--connect', '127.0.0.1', '--listen', '127.0.0.2']);
  expect(both.code).toBe(2);
  expect(both.err).toContain('give exactly one of --connect ADDR or --listen ADDR');
  const noEnv = await runPeer(['--connect', '127.0.0.1', '--auth-env', 'PEER_TEST_UNSET_VAR'], { PEER_TEST_UNSET_VAR: '' });
  expect(noEnv.code).toBe(2);
  expect(noEnv.err).toContain('--auth-env PEER_TEST_UNSET_VAR: the environment variable is not set or empty');
  // A password on the command line is refused (process list, shell history), and never echoed.
  const longPw = 'x-secret-password-that-is-far-too-long-1';
  const onArgv = await runPeer(['--connect', '127.0.0.1', '--auth', longPw]);
  expect(onArgv.code).toBe(2);
  expect(onArgv.err).toContain('--auth is no longer accepted');
  expect(onArgv.err).toContain('--auth-env VAR');
  expect(onArgv.err + onArgv.out).not.toContain(longPw);
  const tooLong = await runPeer(['--connect', '127.0.0.1', '--auth-env', 'PEER_TEST_PW'], { PEER_TEST_PW: longPw });
  expect(tooLong.code).toBe(2);
  expect(tooLong.err).toContain('the password is longer than 32 characters');
  expect(tooLong.err + tooLong.out).not.toContain(longPw);
  const bad = await runPeer(['--connect', '127.0.0.1', '--local', '127.0.0.2', '--misbehave', 'no-such-thing']);
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("unknown misbehaviour 'no-such-thing'");
  const badAddr = await runPeer(['--connect', 'router.example']);
  expect(badAddr.code).toBe(2);
  expect(badAddr.err).toContain("--connect 'router.example' is not an IPv4 or IPv6 address");
  const list = await runPeer(['--list-misbehaviours']);
  expect(list.code).toBe(0);
  for (const name of ['wrong-version', 'simultaneous-sccrq[=low]', 'silence', 'wrong-cookie']) expect(list.out).toContain(name);
  for (const r of [both, noEnv, bad, badAddr]) expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
});

// Replay: a recorded transcript served back as a fake device (issue 8, drivers/cli "Replay").
// fixtures/rtx-shell-serial.jsonl was recorded by helpers/record-fixture.ts over a real pty;
// the lab records real routers the same way.

import { test, expect } from '@playwright/test';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliSession } from '../../../drivers/cli/session.ts';
import { CliCommandInterruptedError, CliTransportError } from '../../../drivers/cli/errors.ts';
import { ReplayDevice } from '../../../drivers/cli/transports/replay.ts';
import { SECRET_MASK } from '../../../drivers/transcript/redactor.ts';
import type { TranscriptRecord } from '../../../drivers/transcript/transcript.ts';
import { FIXTURE_SCRIPT } from './helpers/record-fixture.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'rtx-shell-serial.jsonl');
const creds = { password: 'any login password', adminPassword: 'any admin password' };

test('the recorded session replays: prompt learned, async lines removed, wrapped line joined', async () => {
  const device = ReplayDevice.fromFile(FIXTURE);
  const s = new CliSession({ transport: device.transport, credentials: creds, timeouts: { loginNudgeMs: 200 } });
  const r = await FIXTURE_SCRIPT(s);
  expect(device.problems).toEqual([]);
  expect(device.finished).toBe(true);
  expect(s.prompt).toEqual({ prefix: 'RTX830', suffix: ' ' });
  expect(r.show).toEqual(['show: show status l2tp']);
  expect(r.errors).toEqual(['Error: Invalid command name']);
  const lines = r.config.split('\n');
  // facts §3.4: the long `# main:` line is wrapped at 80 columns by the device; framing joins it
  expect(lines).toContain('# main:  RTX830 ver=00 serial=S00000000 MAC-Address=ac:44:f2:00:00:01 MAC-Address=ac:44:f2:00:00:02');
  // facts §3.4: inside `tunnel select N` commands are indented one space; the secret was masked at recording
  expect(lines).toContain(` l2tp tunnel auth on ${SECRET_MASK}`);
  expect(lines).toContain(`ipsec ike pre-shared-key 1 text ${SECRET_MASK}`);
  expect(lines.filter((l) => /^\[L2TP|^IP Tunnel/.test(l))).toEqual([]);
});

test('a session that departs from the recording gets a mismatch, not a hang', async () => {
  const device = ReplayDevice.fromFile(FIXTURE);
  const s = new CliSession({ transport: device.transport, credentials: creds, timeouts: { loginNudgeMs: 200, commandMs: 2_000 }, reconnectAttempts: 0 });
  await s.connect();
  const err = await s.run('show something else').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliTransportError);
  expect(String(err)).toMatch(/replay mismatch: record \d+: expected "show status l2tp\\r"/);
  expect(device.problems).toHaveLength(1);
});

test('a recording with a dropped connection replays the reconnect', async () => {
  const prompt = 'RTX1210> ';
  const conn = (extra: TranscriptRecord[]): TranscriptRecord[] => [
    { t: 0, dir: 'event', data: 'open serial' },
    { t: 1, dir: 'recv', data: `\r\n${prompt}` },
    { t: 2, dir: 'sent', data: '\r' },
    { t: 3, dir: 'recv', data: `\r\n${prompt}` },
    ...extra,
  ];
  const records = [
    ...conn([
      { t: 4, dir: 'sent', data: 'ping 192.0.2.1\r' },
      { t: 5, dir: 'recv', data: 'ping 192.0.2.1\r\n' },
      { t: 6, dir: 'event', data: 'closed by device: cable pulled' },
    ]),
    ...conn([
      { t: 7, dir: 'sent', data: 'show environment\r' },
      { t: 8, dir: 'recv', data: `show environment\r\nRTX1210 Rev.14.01.38\r\n${prompt}` },
    ]),
  ];
  const device = new ReplayDevice(records);
  const s = new CliSession({ transport: device.transport, timeouts: { loginNudgeMs: 200 } });
  await s.connect();
  const err = await s.run('ping 192.0.2.1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliCommandInterruptedError);
  expect((await s.run('show environment')).lines).toEqual(['RTX1210 Rev.14.01.38']);
  expect(device.problems).toEqual([]);
});

// Records fixtures/rtx-shell-serial.jsonl from the RTX-style test shell on a socat pty, the way
// the lab records a real device: `node bin/run-ts.mjs tests/drivers/cli/helpers/record-fixture.ts`.
// replay.spec.ts plays the same script (FIXTURE_SCRIPT) against the recording.

import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliSession } from '../../../../drivers/cli/session.ts';
import { SerialTransport } from '../../../../drivers/cli/transports/serial.ts';
import { Redactor } from '../../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../../drivers/transcript/transcript.ts';
import { startPtyShell } from './processes.ts';

export const FIXTURE_SECRETS = { login: 'fixture-login-pw', admin: 'fixture-admin-pw', tunnelAuth: 'fixtureTunnelPw', psk: 'fixturePsk-0123' };

/** What the recorded session did; the replay test does the same. */
export async function FIXTURE_SCRIPT(s: CliSession): Promise<{ show: string[]; config: string; errors: string[] }> {
  await s.connect();
  const show = (await s.run('show status l2tp')).lines;
  await s.administrator();
  await s.configure(['tunnel select 1', `l2tp tunnel auth on ${FIXTURE_SECRETS.tunnelAuth}`, 'tunnel select none', `ipsec ike pre-shared-key 1 text ${FIXTURE_SECRETS.psk}`]);
  const errors = (await s.run('bogus', { allowErrors: true })).errors;
  const config = await s.showConfig();
  await s.close();
  return { show, config, errors };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'rtx-shell-serial.jsonl');
  rmSync(out, { force: true });
  const pty = await startPtyShell({ login: 'password', waitEnter: true, prompt: 'RTX830', loginPassword: FIXTURE_SECRETS.login, adminPassword: FIXTURE_SECRETS.admin, seed: 11, asyncRate: 0.4 });
  try {
    const transcript = new TranscriptRecorder({ redactor: new Redactor(), path: out, now: (() => { let t = 0; return () => (t += 5); })() });
    const s = new CliSession({ transport: () => new SerialTransport({ path: pty.path }), credentials: { password: FIXTURE_SECRETS.login, adminPassword: FIXTURE_SECRETS.admin }, transcript, timeouts: { loginNudgeMs: 400 } });
    console.log(JSON.stringify(await FIXTURE_SCRIPT(s), null, 1));
  } finally {
    pty.stop();
  }
}

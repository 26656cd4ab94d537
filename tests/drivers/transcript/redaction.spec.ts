// Redaction (issue 8, "What must be shown" 3): no configured secret in any transcript or error.
// Which parameters are secrets comes from the command reference (facts §1.1 `l2tp tunnel auth`,
// §1.4 `ipsec ike pre-shared-key`, §3.1 login/administrator passwords) via the oracle's grammar.

import { test, expect } from '@playwright/test';
import fc from 'fast-check';
import { RedactingStream } from '../../../drivers/transcript/redacting-stream.ts';
import { Redactor, SECRET_MASK } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder } from '../../../drivers/transcript/transcript.ts';
import { CliSession } from '../../../drivers/cli/session.ts';
import { CliCommandError, CliTimeoutError } from '../../../drivers/cli/errors.ts';
import { ReplayDevice } from '../../../drivers/cli/transports/replay.ts';

test.describe('Redactor learns secrets from commands', () => {
  const cases: [string, string][] = [
    ['l2tp tunnel auth on tunnelPw', 'tunnelPw'], // CR §16.2
    [' l2tp tunnel auth on tunnelPw2', 'tunnelPw2'], // as `show config` shows it, inside tunnel select
    ['ipsec ike pre-shared-key 1 text pskValue', 'pskValue'], // CR §15.5
    ['ipsec ike pre-shared-key 2 0x0a0b0c0d', '0x0a0b0c0d'], // CR §15.5 hex form
    ['login password loginPw', 'loginPw'], // facts §3.1
    ['administrator password adminPw', 'adminPw'],
    ['login user qa userPw', 'userPw'],
    ['login user qa encrypted encPw', 'encPw'],
    // longer than the 32 characters CR §16.2 allows: the grammar refuses it, the fallback still masks it
    ['l2tp tunnel auth on ' + 'x'.repeat(40), 'x'.repeat(40)],
  ];
  for (const [line, secret] of cases) {
    test(`'${line.slice(0, 40)}' -> masks the secret`, () => {
      const r = new Redactor();
      expect(r.learnFromCommand(line)).toEqual([secret]);
      const masked = r.redact(`echo: ${line}\r\n`);
      expect(masked).not.toContain(secret);
      expect(masked).toContain(SECRET_MASK);
    });
  }

  test('non-secret parameters are kept, and `*` of an encrypted password is not a secret (facts §3.4)', () => {
    const r = new Redactor();
    expect(r.learnFromCommand('l2tp hostname site-a')).toEqual([]);
    expect(r.learnFromCommand('l2tp tunnel auth on')).toEqual([]);
    r.learnFromCommand('login password encrypted *');
    expect(r.secretCount).toBe(0);
    expect(r.redact('l2tp remote end-id foo\n# * note')).toBe('l2tp remote end-id foo\n# * note');
  });

  test('a secret cut by the console wrap (CRLF at 80 columns, facts §3.3) is still masked', () => {
    const r = new Redactor(['labStoreSecret-123']);
    expect(r.mask('key labStore\r\nSecret-123 end')).toBe(`key ${SECRET_MASK} end`);
  });
});

test('property: whatever the chunking and wrapping, no secret leaves the redacting stream', () => {
  const secretArb = fc.stringMatching(/^[A-Za-z0-9!#%&+=_-]{4,24}$/);
  fc.assert(
    fc.property(secretArb, secretArb, fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 20, max: 90 }), (psk, store, cuts, columns) => {
      const r = new Redactor([store]);
      const logical = [`ipsec ike pre-shared-key 1 text ${psk}`, `description ${store} here`, 'show status l2tp'];
      // hard-wrap every line at `columns`, as the device does
      const text = logical.map((l) => (l.match(new RegExp(`.{1,${columns}}`, 'g')) ?? ['']).join('\r\n') + '\r\n').join('');
      const stream = new RedactingStream(r, columns);
      let out = '';
      let at = 0;
      for (const c of cuts) {
        out += stream.push(text.slice(at, at + c));
        at += c;
      }
      out += stream.push(text.slice(at)) + stream.flush();
      const unwrapped = out.replace(/\r\n/g, '');
      return !unwrapped.includes(psk) && !unwrapped.includes(store) && unwrapped.includes('show status l2tp');
    }),
    { numRuns: 300 },
  );
});

test('transcript of a whole session: passwords, secrets typed and shown, errors and timeouts carry none', async () => {
  const secrets = { login: 'Login-Pw-1', admin: 'Admin-Pw-2', auth: 'AuthPw-3', psk: 'PskVal-4', store: 'StoreOnly-5' };
  const prompt = '[RTX830] ';
  // a device recording made by hand in the shapes of facts §3: echo, CRLF, `Error:`, show config
  const records = [
    { t: 0, dir: 'event', data: 'open' },
    { t: 1, dir: 'recv', data: 'Password: ' },
    { t: 2, dir: 'sent', data: `${SECRET_MASK}\r` },
    { t: 3, dir: 'recv', data: `\r\n${prompt}> ` },
    { t: 4, dir: 'sent', data: '\r' },
    { t: 5, dir: 'recv', data: `\r\n${prompt}> ` },
    { t: 6, dir: 'sent', data: 'administrator\r' },
    { t: 7, dir: 'recv', data: 'administrator\r\nPassword: ' },
    { t: 8, dir: 'sent', data: `${SECRET_MASK}\r` },
    { t: 9, dir: 'recv', data: `\r\n${prompt}# ` },
    { t: 10, dir: 'sent', data: `ipsec ike pre-shared-key 1 text ${SECRET_MASK}\r` },
    { t: 11, dir: 'recv', data: `ipsec ike pre-shared-key 1 text ${secrets.psk}\r\nError: Parameter out of range\r\n${prompt}# ` },
    { t: 12, dir: 'sent', data: 'show config\r' },
    // a device that shows a secret we never typed (store secret, and an existing tunnel password)
    { t: 13, dir: 'recv', data: `show config\r\ntunnel select 1\r\n l2tp tunnel auth on ${secrets.auth}\r\ndescription ${secrets.store}\r\n${prompt}# ` },
    { t: 14, dir: 'sent', data: 'show slow\r' },
    { t: 15, dir: 'recv', data: `show slow\r\nhalf of ${secrets.store}` },
  ] as const;
  const device = new ReplayDevice(records.map((r) => ({ ...r })));
  const redactor = new Redactor([secrets.store]);
  const transcript = new TranscriptRecorder({ redactor });
  const s = new CliSession({ transport: device.transport, credentials: { password: secrets.login, adminPassword: secrets.admin }, redactor, transcript, timeouts: { loginNudgeMs: 200 } });
  await s.connect();
  await s.administrator();
  const err = await s.run(`ipsec ike pre-shared-key 1 text ${secrets.psk}`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(CliCommandError);
  const config = await s.showConfig();
  // the caller gets the real config (rollback needs it); the transcript does not
  expect(config).toContain(secrets.auth);
  const timeout = await s.run('show slow', { timeoutMs: 300 }).catch((e: unknown) => e);
  expect(timeout).toBeInstanceOf(CliTimeoutError);
  expect((timeout as CliTimeoutError).timeoutName).toBe('timeoutMs');
  const everything = [transcript.toJsonLines(), String(err), JSON.stringify(err), String(timeout), JSON.stringify(timeout)].join('\n');
  for (const v of Object.values(secrets)) expect(everything, `secret ${v.slice(0, 3)}… leaked`).not.toContain(v);
  expect(String(err)).toContain(`ipsec ike pre-shared-key 1 text ${SECRET_MASK}`);
  expect(device.problems).toEqual([]);
});

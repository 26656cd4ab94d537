// The session walks its tables (issue 16 point 2): a dialog row decides what is sent, a state
// change sends exactly its path rows' commands, a per-model override row changes behaviour with
// no code change. Each test runs a CliSession against the replay transport, which checks every
// write against the recording: a session that sends something else gets a mismatch.

import { test, expect } from '@playwright/test';
import { CliSession, type CliSessionOptions } from '../../../drivers/cli/session.ts';
import { CliError, CliLoginError, CliTimeoutError, CliTransportError } from '../../../drivers/cli/errors.ts';
import { DialogWalk } from '../../../drivers/cli/dialog-walk.ts';
import { BASE_TABLES, tablesFor, type CliTables, type ModelOverride } from '../../../drivers/cli/model-overrides.ts';
import { DIALOGS, type DialogRow } from '../../../drivers/cli/prompt-states.ts';
import { ReplayDevice } from '../../../drivers/cli/transports/replay.ts';
import { Redactor, SECRET_MASK } from '../../../drivers/transcript/redactor.ts';
import { TranscriptRecorder, type TranscriptRecord } from '../../../drivers/transcript/transcript.ts';

const ADMIN_PW = 'adm1n-secret';
const USER = 'RTX830> ';
const ADMIN = 'RTX830# ';

let t = 0;
const sent = (data: string): TranscriptRecord => ({ t: t++, dir: 'sent', data });
const recv = (data: string): TranscriptRecord => ({ t: t++, dir: 'recv', data });

/** Open, the first prompt, Enter, the prompt again: the login of facts §3.1 with no password set. */
function loggedIn(prompt = USER): TranscriptRecord[] {
  return [{ t: t++, dir: 'event', data: 'open replay' }, recv(`\r\n${prompt}`), sent('\r'), recv(`\r\n${prompt}`)];
}

function session(device: ReplayDevice, extra: Partial<CliSessionOptions> = {}): CliSession {
  return new CliSession({
    transport: device.transport,
    credentials: { adminPassword: ADMIN_PW },
    timeouts: { loginNudgeMs: 200, commandMs: 1_500, promptSettleMs: 20 },
    reconnectAttempts: 0,
    ...extra,
  });
}

/** Base tables plus one dialog row every command may raise. */
function withCommandDialog(row: DialogRow): CliTables {
  return { ...BASE_TABLES, dialogs: { ...BASE_TABLES.dialogs, [row.name]: row }, commandDialogs: [row.name, ...BASE_TABLES.commandDialogs] };
}

const confirmRow = (answer: string): DialogRow => ({
  name: 'confirm',
  pattern: /\[y\/n\] *$/,
  action: { kind: 'text', text: answer, enter: true },
  hideLine: true,
  source: 'test table',
});

// A device that asks a question none of the base rows knows, and takes `y` + Enter.
const confirmDevice = () =>
  new ReplayDevice([...loggedIn(), sent('restart\r'), recv('restart\r\nReally restart? [y/n] '), sent('y\r'), recv('\r\nrestarted\r\n' + USER)]);

test.describe('dialog rows drive what the session sends', () => {
  test('a row added to a test table answers a question the base tables do not know', async () => {
    const device = confirmDevice();
    const s = session(device, { tables: withCommandDialog(confirmRow('y')) });
    await s.connect();
    const r = await s.run('restart');
    expect(r.lines).toEqual(['restarted']);
    expect(device.problems).toEqual([]);
    expect(device.finished).toBe(true);
  });

  test('without the row the question is never answered (the wait times out)', async () => {
    const device = confirmDevice();
    const s = session(device, { timeouts: { loginNudgeMs: 200, commandMs: 400, promptSettleMs: 20 } });
    await s.connect();
    const err = await s.run('restart').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliTimeoutError);
    expect(device.problems).toEqual([]);
  });

  test('the same row changed to answer `n` sends `n`, which the recording refuses', async () => {
    const device = confirmDevice();
    const s = session(device, { tables: withCommandDialog(confirmRow('n')) });
    await s.connect();
    const err = await s.run('restart').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliTransportError);
    expect(device.problems).toEqual([expect.stringMatching(/expected "y\\r", got a different input/)]);
  });

  test('an answer row sends the named credential, masked in the transcript and in no error', async () => {
    const row: DialogRow = { name: 'pin', pattern: /PIN: *$/, action: { kind: 'answer', answer: 'adminPassword' }, hideLine: true, source: 'test table' };
    const device = new ReplayDevice([...loggedIn(), sent('unlock\r'), recv('unlock\r\nPIN: '), sent(`${ADMIN_PW}\r`), recv('\r\nError: Locked\r\n' + USER)]);
    const transcript = new TranscriptRecorder({ redactor: new Redactor() });
    const s = session(device, { tables: withCommandDialog(row), transcript });
    await s.connect();
    const err = await s.run('unlock').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect(device.problems).toEqual([]);
    expect(transcript.records().filter((r) => r.dir === 'sent').map((r) => r.data)).toContain(`${SECRET_MASK}\r`);
    expect(transcript.toJsonLines() + String(err)).not.toContain(ADMIN_PW);
  });

  test('a fail row gives the question up with its escape, then raises its named error at the prompt', async () => {
    const row: DialogRow = {
      name: 'licence',
      pattern: /Licence key: *$/,
      action: { kind: 'fail', failure: { error: 'CliLoginError', message: 'asked for a licence key' }, escape: '\r' },
      hideLine: true,
      source: 'test table',
    };
    const device = new ReplayDevice([...loggedIn(), sent('upgrade\r'), recv('upgrade\r\nLicence key: '), sent('\r'), recv('\r\n' + USER), sent('show environment\r'), recv('show environment\r\nRTX830 Rev.15.02.17\r\n' + USER)]);
    const s = session(device, { tables: withCommandDialog(row) });
    await s.connect();
    const err = await s.run('upgrade').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliLoginError);
    expect(String(err)).toContain(`'upgrade' asked for a licence key`);
    // the session stayed in step with the device: the next command works
    expect((await s.run('show environment')).lines).toEqual(['RTX830 Rev.15.02.17']);
    expect(device.problems).toEqual([]);
  });

  test('continue sends nothing; a limit ends the walk with its named error (pure walk)', () => {
    const rows: DialogRow[] = [
      { name: 'wait', pattern: /Please wait\.\.\. *$/, action: { kind: 'continue' }, hideLine: false, source: 'test' },
      { name: 'pw', pattern: /Password: *$/, action: { kind: 'answer', answer: 'loginPassword' }, limit: { times: 1, failure: { error: 'CliLoginError', message: 'refused' } }, hideLine: true, source: 'test' },
    ];
    const walk = new DialogWalk(rows, { loginPassword: 'pw1' });
    expect(walk.step(walk.find('Please wait... ')!).kind).toBe('continue');
    expect(walk.step(walk.find('Password: ')!)).toMatchObject({ kind: 'send', text: 'pw1\r', secret: true });
    const second = walk.step(walk.find('Password: ')!);
    expect(second.kind).toBe('fail');
    expect(second.kind === 'fail' && second.error).toBeInstanceOf(CliLoginError);
    expect(walk.find('Username: ')).toBeUndefined();
  });
});

test.describe('state changes walk the declared path rows', () => {
  test('user -> tunnel sends exactly `administrator`, the admin password, `tunnel select 3`; back to user is `quit` and the save answer', async () => {
    const device = new ReplayDevice([
      ...loggedIn(),
      sent('administrator\r'),
      recv('administrator\r\nPassword: '),
      sent(`${ADMIN_PW}\r`),
      recv('\r\n' + ADMIN),
      sent('tunnel select 3\r'),
      recv('tunnel select 3\r\nRTX830tunnel3# '),
      sent('quit\r'),
      recv('quit\r\nSave new configuration ? (Y/N)'),
      sent('N\r'),
      recv('N\r\n' + USER),
    ]);
    const s = session(device);
    await s.connect();
    await s.goTo('tunnel', { tunnel: 3 });
    expect(s.state).toBe('tunnel');
    expect(s.tunnel).toBe(3);
    await s.goTo('user');
    expect(s.state).toBe('user');
    expect(device.problems).toEqual([]);
    expect(device.finished).toBe(true);
  });

  test('a path row changed in a test table changes the commands sent', async () => {
    const paths = BASE_TABLES.paths.map((p) => (p.from === 'user' && p.to === 'administrator' ? { ...p, command: () => 'administrator!' } : p));
    const device = new ReplayDevice([...loggedIn(), sent('administrator!\r'), recv('administrator!\r\nPassword: '), sent(`${ADMIN_PW}\r`), recv('\r\n' + ADMIN)]);
    const s = session(device, { tables: { ...BASE_TABLES, paths } });
    await s.connect();
    await s.administrator();
    expect(s.state).toBe('administrator');
    expect(device.problems).toEqual([]);
  });

  test('a path that does not arrive ends with the row`s named error (refused administrator password)', async () => {
    const device = new ReplayDevice([...loggedIn(), sent('administrator\r'), recv('administrator\r\nPassword: '), sent(`${ADMIN_PW}\r`), recv('\r\nError: Incorrect password\r\n' + USER)]);
    const s = session(device);
    await s.connect();
    const err = await s.administrator().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliLoginError);
    expect(String(err)).toBe('CliLoginError: administrator mode refused: Error: Incorrect password');
  });
});

test.describe('per-model override rows', () => {
  // a made-up quirk for the test: this model's save question takes `Y`
  const overrides: ModelOverride[] = [
    { model: /^RTX830$/, dialogs: { saveQuestion: { ...DIALOGS.saveQuestion, action: { kind: 'text', text: 'Y', enter: true } } }, source: 'test row' },
  ];
  const quitDevice = (answer: string) =>
    new ReplayDevice([...loggedIn(ADMIN), sent('quit\r'), recv('quit\r\nSave new configuration ? (Y/N)'), sent(`${answer}\r`), recv(`${answer}\r\n${USER}`)]);

  for (const [model, answer] of [
    ['RTX830', 'Y'],
    ['RTX1210', 'N'],
  ] as const) {
    test(`the same overrides on ${model} answer the save question with ${answer}`, async () => {
      const device = quitDevice(answer);
      const s = session(device, { model, modelOverrides: overrides });
      await s.connect();
      await s.goTo('user');
      expect(device.problems).toEqual([]);
      expect(device.finished).toBe(true);
    });
  }

  test('override paths replace the base row with the same from/to; login rows come first', () => {
    const path = { ...BASE_TABLES.paths[0], command: () => 'enable' };
    const login: DialogRow = { name: 'banner key', pattern: /Press any key/, action: { kind: 'text', text: ' ', enter: false }, hideLine: false, source: 'test' };
    const t830 = tablesFor('RTX830', [{ model: /^RTX8/, paths: [path], loginDialogs: [login], source: 'test row' }]);
    expect(t830.paths.filter((p) => p.from === 'user' && p.to === 'administrator').map((p) => p.command({}))).toEqual(['enable']);
    expect(t830.paths).toHaveLength(BASE_TABLES.paths.length);
    expect(t830.loginDialogs[0]).toBe(login);
    expect(tablesFor('RTX1210', [{ model: /^RTX8/, paths: [path], source: 'test row' }])).toEqual(BASE_TABLES);
    expect(tablesFor(undefined, [{ model: /.*/, paths: [path], source: 'test row' }])).toEqual(BASE_TABLES);
  });
});

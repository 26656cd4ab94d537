// CLI engine: login, prompts, administrator, errors in the router's words, the save question.
// Expected texts come from yamaha-platform-facts.md §3.1-3.3.
import { test, expect } from '@playwright/test';
import { adminCli, BASE_CONFIG, openCli } from './cli-harness.ts';

test.describe('serial login (facts §3.1)', () => {
  test('asks Password:, does not echo it, then greets with the model and shows the > prompt', () => {
    const cli = openCli(BASE_CONFIG);
    expect(cli.text()).toBe('\r\nPassword: ');
    const answer = cli.type('loginpw1');
    expect(answer).not.toContain('loginpw1');
    expect(answer).toContain('RTX1210 Rev.14.01.26');
    expect(answer.endsWith('\r\n> ')).toBe(true);
  });

  test('a wrong password is refused with "Incorrect password" and asked again; the log names no password', () => {
    const cli = openCli(BASE_CONFIG);
    const answer = cli.type('nottheone');
    expect(answer).toBe('\r\nError: Incorrect password\r\nPassword: ');
    cli.type('loginpw1');
    const log = cli.type('show log');
    expect(log).not.toContain('nottheone');
    expect(log).not.toContain('loginpw1');
    expect(log).toMatch(/\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}: Login succeeded for Serial\r\n/);
  });

  test('a named user presses Enter at Password:, then gives Username: and the user password', () => {
    const cli = openCli(BASE_CONFIG + 'login user yamaha userpw1\n');
    expect(cli.type('')).toBe('\r\nUsername: ');
    expect(cli.type('yamaha')).toBe('yamaha\r\nPassword: ');
    const answer = cli.type('userpw1');
    expect(answer).not.toContain('userpw1');
    expect(answer.endsWith('> ')).toBe(true);
  });

  test('with no login password (factory default) an empty Enter logs in', () => {
    const cli = openCli('console character en.ascii\n');
    expect(cli.type('').endsWith('> ')).toBe(true);
  });
});

test.describe('prompts and administrator (facts §3.1, §3.2)', () => {
  test('administrator asks Password: without echo and the prompt becomes #', () => {
    const cli = openCli(BASE_CONFIG);
    cli.type('loginpw1');
    expect(cli.type('administrator')).toBe('administrator\r\nPassword: ');
    const answer = cli.type('adminpw1');
    expect(answer).toBe('\r\n# ');
    expect(cli.session.isAdministrator).toBe(true);
  });

  test('a wrong administrator password gives "Error: Incorrect password" and stays at >', () => {
    const cli = openCli(BASE_CONFIG);
    cli.type('loginpw1');
    cli.type('administrator');
    expect(cli.type('wrongadmin')).toBe('\r\nError: Incorrect password\r\n> ');
    expect(cli.type('show log')).not.toContain('wrongadmin');
  });

  test('console prompt is a prefix with no space before the mark (YAMAHA-SUDOU# )', () => {
    const cli = adminCli();
    expect(cli.type('console prompt YAMAHA-SUDOU')).toBe('console prompt YAMAHA-SUDOU\r\nYAMAHA-SUDOU# ');
    expect(cli.type('console prompt "[RTX1210] "')).toMatch(/\r\n\[RTX1210\] # $/);
  });

  test('tunnel select N changes the prompt to tunnelN# and tunnel select none restores it', () => {
    const cli = adminCli();
    expect(cli.type('tunnel select 1')).toMatch(/\r\ntunnel1# $/);
    expect(cli.type('tunnel select none')).toMatch(/\r\n# $/);
  });

  test('an ordinary user may run tunnel select and console lines, not other configuration', () => {
    const cli = openCli(BASE_CONFIG);
    cli.type('loginpw1');
    expect(cli.type('tunnel select 1')).toMatch(/\r\ntunnel1> $/);
    expect(cli.type('l2tp hostname X')).toContain('\r\nError: Administrator use only\r\n');
    expect(cli.type('console lines infinity')).not.toContain('Error');
  });
});

test.describe('errors in the router format (facts §3.1)', () => {
  test('English messages with the "Error: " prefix', () => {
    const cli = adminCli();
    expect(cli.type('frobnicate now')).toContain('\r\nError: Invalid command name\r\n');
    // CR §16.4: keepalive interval 1..600
    cli.type('tunnel select 1');
    expect(cli.type('l2tp keepalive use on 601')).toContain('\r\nError: Parameter out of range\r\n');
    expect(cli.type('l2tp local router-id 300.1.1.1')).toContain('\r\nError: Unrecognized IP address parameter\r\n');
    expect(cli.type('l2tp always-on maybe')).toContain('\r\nError: Illegal keyword\r\n');
  });

  test('a tunnel-only command outside tunnel select is refused and the config is unchanged', () => {
    const cli = adminCli();
    const before = cli.device.configText();
    expect(cli.type('l2tp hostname RT1')).toContain('Error: ');
    expect(cli.device.configText()).toBe(before);
  });

  test('Japanese consoles get the Japanese messages, in the console character set', () => {
    const cli = adminCli();
    cli.type('console character ja.sjis');
    const sjis = cli.type('frobnicate', 'shift_jis');
    expect(sjis).toContain('エラー：コマンド名を確認してください');
    // the bytes really are Shift_JIS, not UTF-8 (エ = 0x83 0x47)
    expect(Buffer.from(cli.bytes()).includes(Buffer.from([0x83, 0x47]))).toBe(true);
    cli.type('console character ja.utf8');
    expect(cli.type('quit', 'utf-8')).toContain('新しい設定を保存しますか? (Y/N)');
    cli.type('N');
    expect(cli.type('l2tp service off', 'utf-8')).toContain('エラー：このコマンドは管理レベルでのみ使用できます');
  });

  test('an over-long tunnel password is refused without the password in the error', () => {
    const cli = adminCli();
    cli.type('tunnel select 1');
    const secret = 'S'.repeat(33); // CR §16.2: up to 32 characters
    const answer = cli.type(`l2tp tunnel auth on ${secret}`);
    const afterEcho = answer.slice(answer.indexOf('\r\n'));
    expect(afterEcho).toContain('Error: Parameter out of range');
    expect(afterEcho).not.toContain(secret);
  });
});

test.describe('leaving administrator mode (facts §3.1)', () => {
  test('unsaved changes: quit asks "Save new configuration ? (Y/N)"; Y saves and returns to >', () => {
    const cli = adminCli();
    cli.type('tunnel select 1');
    cli.type('l2tp hostname SITE-A');
    expect(cli.device.isSaved()).toBe(false);
    expect(cli.type('quit')).toBe('quit\r\nSave new configuration ? (Y/N)');
    const answer = cli.type('Y');
    expect(answer.endsWith('\r\n> ')).toBe(true);
    expect(cli.device.savedConfigText()).toContain('l2tp hostname SITE-A');
    expect(cli.type('show log')).toMatch(/Configuration saved in "CONFIG0" by Serial/);
  });

  test('N leaves administrator mode without saving; another answer asks again', () => {
    const cli = adminCli();
    cli.type('tunnel select 1');
    cli.type('l2tp hostname SITE-B');
    cli.type('exit');
    expect(cli.type('maybe')).toBe('maybe\r\nSave new configuration ? (Y/N)');
    expect(cli.type('N').endsWith('\r\n> ')).toBe(true);
    expect(cli.device.savedConfigText()).not.toContain('SITE-B');
    expect(cli.device.configText()).toContain('SITE-B');
  });

  test('no changes: quit leaves without a question; quit at > ends the session and logs the logout', () => {
    const cli = adminCli();
    expect(cli.type('quit')).toBe('quit\r\n> ');
    cli.type('quit');
    expect(cli.closed()).toBe(true);
    expect(cli.device.logEntries().map((e) => e.text)).toContain('Logout from Serial');
  });

  test('quit save saves and leaves', () => {
    const cli = adminCli();
    cli.type('tunnel select 1');
    cli.type('l2tp hostname SITE-C');
    expect(cli.type('quit save').endsWith('\r\n> ')).toBe(true);
    expect(cli.device.isSaved()).toBe(true);
  });
});

// CLI engine: what commands print and how (CRLF, echo, backspace, wrapping, paging), `show`
// outputs with documented formats, live configuration, secrets never shown.
// Expected texts come from yamaha-platform-facts.md §3.3-3.6.
import { test, expect } from '@playwright/test';
import { adminCli, BASE_CONFIG, openCli } from './cli-harness.ts';

const longDescription = 'x'.repeat(100);

test.describe('console text (facts §3.3)', () => {
  test('every line ends in CRLF: no bare LF anywhere in a session', () => {
    const cli = adminCli();
    cli.type('show config');
    cli.type('show environment');
    cli.type('frobnicate');
    expect(cli.text()).not.toMatch(/[^\r]\n/);
  });

  test('the command is echoed; backspace erases with BS SP BS and the corrected command runs', () => {
    const cli = adminCli();
    const answer = cli.keys('show logx\x7f\r');
    expect(answer.startsWith('show logx\b \b\r\n')).toBe(true);
    expect(answer).toMatch(/Login succeeded for Serial/);
  });

  test('long output lines are hard-wrapped at console columns (80 by default) with CRLF mid-token', () => {
    const cli = adminCli(BASE_CONFIG + `description 1 ${longDescription}\n`);
    const out = cli.type('show config');
    const logical = `description 1 ${longDescription}`;
    expect(out).toContain(`${logical.slice(0, 80)}\r\n${logical.slice(80)}\r\n`);
    for (const line of out.split('\r\n')) expect(line.length).toBeLessThanOrEqual(80 + '# '.length);
  });

  test('console columns 200 widens the wrap', () => {
    const cli = adminCli(BASE_CONFIG + `description 1 ${longDescription}\n`);
    cli.type('console columns 200');
    expect(cli.type('show config')).toContain(`description 1 ${longDescription}\r\n`);
  });

  test('console columns outside 80..4096 is refused (CR §4.22)', () => {
    const cli = adminCli();
    expect(cli.type('console columns 79')).toContain('Error: Parameter out of range');
  });
});

test.describe('paging (console lines, facts §3.3)', () => {
  const manyLines = BASE_CONFIG + Array.from({ length: 30 }, (_, i) => `description ${i + 1} line${i + 1}`).join('\n') + '\n';

  test('output longer than console lines stops at the pager prompt; a key shows the next page', () => {
    const cli = adminCli(manyLines);
    cli.type('console lines 10');
    const first = cli.type('show config');
    const shown = first.split('\r\n');
    // the echo line, then one page of (lines - 1), then the pager prompt
    expect(shown.length - 2).toBe(9);
    expect(first.endsWith('--More--')).toBe(true);
    const second = cli.keys(' ');
    expect(second).toContain('description 1 line1');
    expect(cli.session.isAdministrator).toBe(true);
  });

  test('q at the pager prompt stops the output and returns to the prompt', () => {
    const cli = adminCli(manyLines);
    cli.type('console lines 10');
    cli.type('show config');
    const rest = cli.keys('q');
    expect(rest).not.toContain('description');
    expect(rest.endsWith('# ')).toBe(true);
  });

  test('console lines infinity never pages, and shows in show config at once without save', () => {
    const cli = adminCli(manyLines);
    cli.type('console lines infinity');
    const out = cli.type('show config');
    expect(out).not.toContain('--More--');
    expect(out).toContain('description 30 line30');
    expect(out).toContain('console lines infinity\r\n');
  });

  test('the Japanese pager prompt is used on Japanese consoles', () => {
    const cli = adminCli(manyLines.replace('console character en.ascii', 'console character ja.utf8'));
    cli.type('console lines 10');
    expect(cli.type('show config', 'utf-8').endsWith('---つづく---')).toBe(true);
  });
});

test.describe('show config and live configuration (facts §3.4)', () => {
  test('header lines, 1-space tunnel block indent, and a change visible at once', () => {
    const cli = adminCli();
    cli.type('console lines infinity');
    cli.type('tunnel select 1');
    expect(cli.type('l2tp hostname SITE-A')).toMatch(/^l2tp hostname SITE-A\r\ntunnel1# $/);
    const out = cli.type('show config');
    expect(out).toMatch(/\r\n# RTX1210 Rev\.14\.01\.26 \(.+\)\r\n# MAC Address : /);
    expect(out).toMatch(/\r\n# Reporting Date: [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} \d{4}\r\n/);
    expect(out).toMatch(/\r\ntunnel select 1\r\n tunnel encapsulation l2tpv3-raw\r\n(?: .*\r\n)* l2tp hostname SITE-A\r\n/);
  });

  test('a later command replaces the earlier setting; no removes it', () => {
    const cli = adminCli();
    cli.type('tunnel select 1');
    cli.type('l2tp keepalive use on 60 3');
    cli.type('l2tp keepalive use on 30 5');
    expect(cli.device.configText()).toContain(' l2tp keepalive use on 30 5\n');
    expect(cli.device.configText()).not.toContain('60 3');
    cli.type('no l2tp keepalive use');
    expect(cli.device.configText()).not.toContain('l2tp keepalive use');
  });

  test('a new tunnel gets its own tunnel select block', () => {
    const cli = adminCli();
    cli.type('tunnel select 2');
    cli.type('tunnel encapsulation l2tpv3-raw');
    expect(cli.device.configText()).toMatch(/\ntunnel select 2\n tunnel encapsulation l2tpv3-raw\n/);
  });

  test('platform gates apply live: RTX1210 runs at most 9 L2TPv3 tunnels (seed table)', () => {
    const cli = adminCli();
    for (let n = 2; n <= 9; n++) {
      cli.type(`tunnel select ${n}`);
      expect(cli.type('tunnel encapsulation l2tpv3-raw')).not.toContain('Error');
    }
    cli.type('tunnel select 10');
    expect(cli.type('tunnel encapsulation l2tpv3-raw')).toContain('Error: ');
    expect(cli.device.configText()).not.toContain('tunnel select 10');
  });

  test('secrets never appear in show config, show log or errors', () => {
    const cli = adminCli();
    cli.type('console lines infinity');
    cli.type('tunnel select 1');
    const typed = cli.type('ipsec ike pre-shared-key 1 text psk-secret-9');
    expect(typed.slice(typed.indexOf('\r\n'))).not.toContain('psk-secret-9');
    const out = cli.type('show config') + cli.type('show log');
    for (const secret of ['loginpw1', 'adminpw1', 'tunnelpw1', 'psk-secret-9']) expect(out).not.toContain(secret);
    expect(out).toContain(' l2tp tunnel auth on *\r\n');
    expect(out).toContain('login password *\r\n');
  });
});

test.describe('status, log and action commands', () => {
  test('show status tunnel N in the real Japanese layout (facts §3.6)', () => {
    const cli = adminCli();
    cli.type('console character ja.utf8');
    const out = cli.type('show status tunnel 1', 'utf-8');
    expect(out).toContain('TUNNEL[1]:\r\n説明:\r\n  インタフェースの種類: ');
    expect(out).toContain('  受信: (IPv4) 0 パケット [0 オクテット]\r\n        (IPv6) 0 パケット [0 オクテット]\r\n');
    expect(out).toContain('  送信: (IPv4) 0 パケット [0 オクテット]\r\n');
  });

  test('show status l2tp lists each configured L2TPv3 tunnel with its state', () => {
    const cli = adminCli();
    const out = cli.type('show status l2tp');
    expect(out).toContain('TUNNEL[1]:');
    expect(out).toContain('State: idle');
    expect(out).toContain('Remote address: 192.0.2.2');
  });

  test('show log lines read YYYY/MM/DD HH:MM:SS: message (facts §3.5); clear log empties it', () => {
    const cli = adminCli();
    const out = cli.type('show log');
    const lines = out.split('\r\n').slice(1, -1);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}: \S/);
    expect(lines).toContain(lines.find((l) => l.endsWith(": 'administrator' succeeded for Serial user")));
    cli.type('clear log');
    expect(cli.type('show log')).toBe('show log\r\n# ');
  });

  test('show bridge learning lists learned MACs; clear bridge learning removes dynamic ones only (CR §56.4.9)', () => {
    const cli = adminCli(BASE_CONFIG + 'bridge learning bridge1 static 02:00:00:00:00:aa lan1\n');
    const bridge = cli.device.learningBridges().get('bridge1')!;
    const frame = new Uint8Array(60);
    frame.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00]);
    bridge.forward(frame, 'lan1', cli.device.nowMs());
    const before = cli.type('show bridge learning bridge1');
    expect(before).toContain('02:00:00:00:00:01');
    expect(before).toContain('02:00:00:00:00:aa');
    cli.type('clear bridge learning bridge1');
    const after = cli.type('show bridge learning');
    expect(after).not.toContain('02:00:00:00:00:01');
    expect(after).toContain('02:00:00:00:00:aa');
  });

  test('connect/disconnect tunnel N, save and clear are administrator commands', () => {
    const cli = openCli(BASE_CONFIG);
    cli.type('loginpw1');
    for (const c of ['connect tunnel 1', 'disconnect tunnel 1', 'save', 'clear log']) {
      expect(cli.type(c)).toContain('\r\nError: Administrator use only\r\n');
    }
    cli.type('administrator');
    cli.type('adminpw1');
    expect(cli.type('connect tunnel 1')).toBe('connect tunnel 1\r\n# ');
    expect(cli.type('disconnect tunnel x')).toContain('Error: Parameter must be an integer');
  });

  test('show environment: the [FAKENOS] layout with model and revision', () => {
    const cli = adminCli();
    cli.type('console columns 200');
    const out = cli.type('show environment');
    expect(out).toContain('RTX1210 Rev.14.01.26 (');
    expect(out).toMatch(/\r\nCPU: +\d+%\(5sec\) +\d+%\(1min\) +\d+%\(5min\) +Memory: \d+% used\r\n/);
    expect(out).toMatch(/\r\nElapsed time from boot: \d+days \d{2}:\d{2}:\d{2}\r\n/);
  });
});

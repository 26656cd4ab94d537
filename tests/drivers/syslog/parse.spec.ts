// Syslog parser: the examples of RFC 5424 §6.5 and RFC 3164 §5.4 verbatim, the bare `<PRI>MSG`
// form (RFC 3164 §4.3.3: no TIMESTAMP/HOSTNAME) in which RTX catalogue lines arrive, and clear
// errors for datagrams that are not syslog.

import { test, expect } from '@playwright/test';
import { parseSyslog, SyslogParseError } from '../../../drivers/syslog/parse.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';

const BOM = '\ufeff';

test('RFC 5424 §6.5 example 1: no structured data, BOM before the message', () => {
  const m = parseSyslog(`<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`);
  // PRI 34 = facility 4 (auth), severity 2 (critical) per RFC 5424 Table 1/2
  expect(m).toEqual({
    format: 'rfc5424', facility: 4, severity: 2, timestamp: '2003-10-11T22:14:15.003Z', hostname: 'mymachine.example.com', appName: 'su',
    procId: undefined, msgId: 'ID47', structuredData: undefined, message: "'su root' failed for lonvick on /dev/pts/8",
  });
});

test('RFC 5424 §6.5 examples 3 and 4: structured data with escapes, with and without a message', () => {
  const sd = '[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]';
  const m3 = parseSyslog(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 ${sd} ${BOM}An application event log entry...`);
  expect([m3.facility, m3.severity, m3.structuredData, m3.message]).toEqual([20, 5, sd, 'An application event log entry...']);
  const sd4 = `${sd}[examplePriority@32473 class="high\\] \\"x\\""]`;
  const m4 = parseSyslog(`<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 ${sd4}`);
  expect([m4.structuredData, m4.message]).toEqual([sd4, '']);
});

test('RFC 5424 with NILVALUEs everywhere', () => {
  const m = parseSyslog('<14>1 - - - - - - hello');
  expect(m).toMatchObject({ format: 'rfc5424', facility: 1, severity: 6, timestamp: undefined, hostname: undefined, message: 'hello' });
});

test('RFC 3164 §5.4 examples: TAG with colon, and a message without a TAG', () => {
  expect(parseSyslog("<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")).toMatchObject({
    format: 'rfc3164', facility: 4, severity: 2, timestamp: 'Oct 11 22:14:15', hostname: 'mymachine', appName: 'su', message: "'su root' failed for lonvick on /dev/pts/8",
  });
  expect(parseSyslog('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!')).toMatchObject({ format: 'rfc3164', facility: 1, severity: 5, timestamp: 'Feb  5 17:32:18', hostname: '10.0.0.99', message: 'Use the BFG!' });
  expect(parseSyslog('<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!').appName).toBeUndefined();
  expect(parseSyslog('<30>Jan  1 00:00:01 host sshd[1234]: Accepted')).toMatchObject({ appName: 'sshd', procId: '1234', message: 'Accepted' });
});

test('the RTX form: `<PRI>` and a catalogue line, bare or relayed in RFC 3164', () => {
  const line = renderSyslog('connectedFrom', { tunnel: 1, address: '192.0.2.2' });
  // facility user (1), severity informational (6): RFC 5424 Table 1/2
  expect(parseSyslog(`<14>${line}`)).toEqual({ format: 'bare', facility: 1, severity: 6, message: line });
  expect(parseSyslog(Buffer.from(`<15>${renderSyslog('tooSmallPacket', { size: 2 })}\n`))).toEqual({ format: 'bare', facility: 1, severity: 7, message: '[L2TP] receive too small packet size:2' });
  // `[` cannot start an RFC 3164 TAG: the whole text after the hostname is the message
  expect(parseSyslog(`<14>Nov 26 10:00:53 rtx1210 ${line}`)).toMatchObject({ format: 'rfc3164', hostname: 'rtx1210', message: line });
  expect(parseSyslog(`<14>Nov 26 10:00:53 rtx1210 ${line}`).appName).toBeUndefined();
});

test('not syslog: clear errors that say why and keep the raw text', () => {
  const cases: [string, RegExp][] = [
    ['hello world', /no <PRI> at the start/],
    ['<192>too big', /PRI 192 is above 191/],
    ['<01>leading zero', /no <PRI>/],
    ['<14>1 2003-13-99 host app - - - msg', /TIMESTAMP '2003-13-99' is not RFC 3339/],
    ['<14>1 2003-10-11T22:14:15Z host app', /header ends after 3 of/],
    ['<14>1 2003-10-11T22:14:15Z host app - - [id a="1"', /not closed by \]/],
    ['<14>1 2003-10-11T22:14:15Z host app - - x msg', /STRUCTURED-DATA must be '-' or start with '\['/],
  ];
  for (const [raw, why] of cases) {
    const err = (() => {
      try {
        parseSyslog(raw);
      } catch (e) {
        return e;
      }
    })();
    expect(err, raw).toBeInstanceOf(SyslogParseError);
    expect((err as SyslogParseError).message).toMatch(why);
    expect((err as SyslogParseError).raw).toBe(raw);
  }
});

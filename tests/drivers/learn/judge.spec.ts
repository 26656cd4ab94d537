// The judge of learn mode (drivers/learn/judge.ts), fed observations directly: each way a device
// can differ from an assumption refutes that assumption and no other; what was not probed is said.
import { test, expect } from '@playwright/test';
import { judge, predictedSyslog } from '../../../drivers/learn/judge.ts';
import type { LearnObservations } from '../../../drivers/learn/observations.ts';
import { freeTunnelNumber } from '../../../drivers/learn/probe-config.ts';
import { SESSION_PROFILE_ASSUMPTIONS as SA } from '../../../reference-impl/control/session-profile-assumptions.ts';

const CCID = 4242;
const SID = 777;

/** A device that behaves exactly as the project assumes (the lines written out, not rendered by the code under test). */
function faithful(): LearnObservations {
  return {
    identity: { model: 'RTX1210', firmware: 'Rev.14.01.26', serial: 'S1', address: '10.0.0.1:22' },
    tunnel: 3, peerAddress: '10.9.9.2',
    control: { receiveWindow: 4, vendorName: null, retransmitMs: 1000, ackStyle: 'explicit' },
    session: { message: 'ICRP', cookieLength: 0, l2ss: 0, dataSequencing: 0, deviceCcid: CCID, deviceSessionId: SID },
    syslogLines: ['[L2TP] opend port 1701/udp', '[L2TPv3] TUNNEL[3] connected from 10.9.9.2', `[L2TPv3] TUNNEL[3] tunnel ${CCID} established`, `[L2TPv3] TUNNEL[3] session ${SID} established`],
    refused: { command: 'l2tp keepalive use on 9999 3', predicted: 'Error: Parameter out of range', observed: ['Error: Parameter out of range'] },
    showStatus: { lines: [], parsed: [{ tunnel: 3, state: 'established', sessionStates: ['established'] }] },
  };
}

const refuted = (o: LearnObservations) => judge(o).filter((v) => v.verdict === 'refuted').map((v) => v.id);

test('a faithful device confirms every probed assumption', () => {
  const v = judge(faithful());
  expect(v.filter((x) => x.verdict !== 'confirmed')).toEqual([]);
  expect(v.map((x) => x.id)).toEqual(expect.arrayContaining([SA.cookieLength.id, SA.l2ssOffered.id, SA.dataSequencing.id, 'syslog:sessionEstablished', 'config:error-text', 'show:status-l2tp-format']));
});

test('the filter stage order as the profile says confirms it; no log line is not probed', () => {
  const o = faithful();
  o.filterOrder = { direction: 'out', probed: ['ethernet', 'ip-static'], expected: ['ip-static', 'ethernet'], discovered: ['ip-static', 'ethernet'], logLines: [] };
  expect(judge(o).find((v) => v.id === 'filter:memberOrder')?.verdict).toBe('confirmed');
  o.filterOrder.discovered = [];
  expect(judge(o).find((v) => v.id === 'filter:memberOrder')?.verdict).toBe('not-probed');
});

test('a retransmission within the stated tolerance confirms the timer assumption', () => {
  const o = faithful();
  o.control!.retransmitMs = 1250;
  expect(refuted(o)).toEqual([]);
});

test('the predicted syslog lines are the catalogue text with the device IDs in decimal', () => {
  expect(predictedSyslog(faithful()).map((p) => p.line)).toEqual(faithful().syslogLines.slice(1));
});

test('each planted difference refutes exactly its assumption', () => {
  const cases: [string, (o: LearnObservations) => void, string[]][] = [
    ['a 4-octet cookie', (o) => (o.session!.cookieLength = 4), [SA.cookieLength.id]],
    ['the Default L2SS', (o) => (o.session!.l2ss = 1), [SA.l2ssOffered.id]],
    ['sequencing level 1', (o) => (o.session!.dataSequencing = 1), [SA.dataSequencing.id]],
    ['IDs in hex', (o) => (o.syslogLines = o.syslogLines.map((l) => l.replace(String(CCID), CCID.toString(16)).replace(` ${SID} `, ` ${SID.toString(16)} `))), ['syslog:tunnelEstablished', 'syslog:sessionEstablished', 'syslog:number-format']],
    ['a typo in established', (o) => (o.syslogLines = o.syslogLines.map((l) => l.replace('established', 'estabished'))), ['syslog:tunnelEstablished', 'syslog:sessionEstablished']],
    ['a typo in connected', (o) => (o.syslogLines[1] = o.syslogLines[1].replace('connected', 'conected')), ['syslog:connectedFrom']],
    ['another error text', (o) => (o.refused!.observed = ['Error: Invalid parameter']), ['config:error-text']],
    ['the refused line taken', (o) => (o.refused!.observed = []), ['config:error-text']],
    ['a window of 8', (o) => (o.control!.receiveWindow = 8), ['control:receiveWindow']],
    ['a Vendor Name', (o) => (o.control!.vendorName = 'YAMAHA'), ['control:vendorName']],
    ['ZLB acknowledgements', (o) => (o.control!.ackStyle = 'zlb'), ['control:ackStyle']],
    ['a 3 s first retransmission', (o) => (o.control!.retransmitMs = 3000), ['control:retransmitInitialMs']],
    ['a retransmission 251 ms late', (o) => (o.control!.retransmitMs = 1251), ['control:retransmitInitialMs']],
    ['another show layout', (o) => (o.showStatus!.parsed = []), ['show:status-l2tp-format']],
    ['another filter stage order', (o) => (o.filterOrder = { direction: 'out', probed: ['ethernet', 'ip-static'], expected: ['ip-static', 'ethernet'], discovered: ['ethernet', 'ip-static'], logLines: [] }), ['filter:memberOrder']],
  ];
  for (const [what, plant, ids] of cases) {
    const o = faithful();
    plant(o);
    expect(refuted(o), what).toEqual(ids);
  }
});

test('no session: the session-dependent assumptions are not probed, with the reason; nothing is refuted', () => {
  const o = faithful();
  delete o.session;
  delete o.control;
  o.sessionError = 'timed out waiting for the session to be established';
  const v = judge(o);
  expect(refuted(o)).toEqual([]);
  const sessionOnes = v.filter((x) => x.id.startsWith('own-') || x.id.startsWith('control:') || x.id.startsWith('syslog:') || x.id === 'show:status-l2tp-format');
  expect(sessionOnes.length).toBeGreaterThan(0);
  for (const x of sessionOnes) expect(x.verdict, x.id).toBe('not-probed');
  expect(v.find((x) => x.id === SA.cookieLength.id)!.observed).toContain('timed out');
});

test('the probe tunnel is the lowest number the running config does not select', () => {
  expect(freeTunnelNumber('ip lan1 address 192.168.0.1/24\n')).toBe(1);
  expect(freeTunnelNumber('tunnel select 1\n tunnel enable 1\ntunnel select 2\ntunnel select 4\n')).toBe(3);
});

// The UDP syslog collector with real datagrams on loopback: one ordered stream per source
// address, event-driven waits (a line sent after waitFor is awaited resolves it; none times out
// with the stream's last lines), unparsable datagrams kept raw, slices since a mark.

import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { SyslogCollector, SyslogTimeoutError } from '../../../drivers/syslog/collector.ts';
import { renderSyslog, syslogPattern } from '../../../reference-impl/syslog/catalogue.ts';

let collector: SyslogCollector;
const sockets: dgram.Socket[] = [];

test.beforeEach(async () => {
  collector = await SyslogCollector.start();
});

test.afterEach(async () => {
  await collector.close();
  for (const s of sockets.splice(0)) s.close();
});

/** A sender bound to a loopback address (127.0.0.0/8 is all loopback on Linux). */
async function sender(address: string): Promise<(text: string) => Promise<void>> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((resolve) => s.bind(0, address, () => resolve()));
  return (text) => new Promise<void>((resolve, reject) => s.send(text, collector.address.port, '127.0.0.1', (e) => (e ? reject(e) : resolve())));
}

/** Resolve once the collector holds n entries in all (event-driven, bounded). */
function entries(n: number, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let count = collector.mark();
    if (count >= n) return resolve();
    const timer = setTimeout(() => reject(new Error(`only ${count} of ${n} datagrams within ${timeoutMs} ms`)), timeoutMs);
    const off = collector.onEntry(() => {
      if (++count < n) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

test('one ordered stream per source address', async () => {
  const a = await sender('127.0.0.1');
  const b = await sender('127.0.0.2');
  for (let i = 0; i < 20; i++) {
    await a(`<14>a line ${i}`);
    await b(`<14>b line ${i}`);
  }
  await entries(40);
  expect(collector.devices().sort()).toEqual(['127.0.0.1', '127.0.0.2']);
  expect(collector.slice('127.0.0.1').map((e) => e.message?.message)).toEqual(Array.from({ length: 20 }, (_, i) => `a line ${i}`));
  expect(collector.slice('127.0.0.2').map((e) => e.message?.message)).toEqual(Array.from({ length: 20 }, (_, i) => `b line ${i}`));
  const seqs = collector.slice('127.0.0.2').map((e) => e.seq);
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
});

test('waitFor resolves on a line that arrives after the call, only from that device', async () => {
  const a = await sender('127.0.0.1');
  const b = await sender('127.0.0.2');
  collector.name('127.0.0.2', 'rt2');
  const since = collector.mark();
  const pattern = syslogPattern('tunnelEstablished');
  const waiting = collector.waitFor('rt2', pattern, { timeoutMs: 10_000, since });
  // the same line from the other device does not count
  await a(`<14>${renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: 7 })}`);
  await b('<14>[L2TPv3] TUNNEL[1] connect to 192.0.2.1');
  await b(`<14>${renderSyslog('tunnelEstablished', { tunnel: 1, tunnelId: 9 })}`);
  const e = await waiting;
  expect(e.device).toBe('rt2');
  expect(e.message?.message).toBe('[L2TPv3] TUNNEL[1] tunnel 9 established');
  // a line already received (before the call) resolves at once; `since` excludes older ones
  expect((await collector.waitFor('rt2', 'connect to', { timeoutMs: 1 })).message?.message).toContain('connect to 192.0.2.1');
  const mark = collector.mark();
  await expect(collector.waitFor('rt2', 'connect to', { timeoutMs: 300, since: mark })).rejects.toBeInstanceOf(SyslogTimeoutError);
});

test('a timeout names the device, the pattern and the last lines', async () => {
  const b = await sender('127.0.0.2');
  await b('<14>something else');
  await entries(1);
  const err = await collector.waitFor('127.0.0.2', /never/, { timeoutMs: 200 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SyslogTimeoutError);
  expect((err as Error).message).toBe('no syslog line from 127.0.0.2 matched /never/ within 200 ms; last lines: ["something else"]');
});

test('an unparsable datagram is kept raw with the reason, and does not stop the stream', async () => {
  const a = await sender('127.0.0.1');
  await a('garbage without pri');
  await a('<14>fine');
  await entries(2);
  const [bad, good] = collector.slice('127.0.0.1');
  expect(bad.message).toBeUndefined();
  expect(bad.raw).toBe('garbage without pri');
  expect(bad.error).toMatch(/no <PRI>/);
  expect(good.message?.message).toBe('fine');
  expect(SyslogCollector.format([bad])).toContain('UNPARSABLE (no <PRI> at the start');
});

test('slice(since) gives what came after a mark, for attaching to a report', async () => {
  const a = await sender('127.0.0.1');
  await a('<14>before');
  await entries(1);
  const mark = collector.mark();
  await a('<13>after 1');
  await a('<15>after 2');
  await entries(3);
  expect(collector.slice('127.0.0.1', mark).map((e) => [e.message?.severity, e.message?.message])).toEqual([[5, 'after 1'], [7, 'after 2']]);
});

test('a mask given to the collector is applied before anything is kept', async () => {
  await collector.close();
  collector = await SyslogCollector.start({ mask: (t) => t.replaceAll('s3cret-value', '********') });
  const a = await sender('127.0.0.1');
  await a('<14>pre-shared-key s3cret-value');
  await entries(1);
  const [e] = collector.slice('127.0.0.1');
  expect(e.raw + e.message?.message).not.toContain('s3cret-value');
});

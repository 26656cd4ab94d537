// Issue 15 point 1, as the lab runs it: two `router` processes with the seed's example 4 configs
// bring up IKE, quick mode and L2TPv3 over ESP in UDP 4500 on loopback and pass a frame; a capture
// of the exchange decodes in tshark with the router's --key-log into ISAKMP and the L2TPv3 inside
// ESP (ipsec-facts.md "Wireshark/tshark 4.0"); the key log is 0600 and no key is on stdout/stderr.
import { test, expect } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKeyLog, tsharkKeyArgs } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkMissing } from '../../../support/tshark.ts';
import { frame, hasMarker, waitFor, Wire } from '../lab.ts';
import { ipsecLoopbackUnavailable, loopbackPrefix, seedConfig } from './ipsec-lab.ts';
import { startCapture, startRouterProcess, type RouterProcess } from './router-process.ts';

const skip = ipsecLoopbackUnavailable() ?? tsharkMissing() ?? (spawnSync('dumpcap', ['-v']).status === 0 ? null : 'dumpcap is not installed (wireshark-common)');

function tshark(file: string, keys: string[], filter: string, fields: string[]): string[][] {
  const args = ['-r', file, ...keys, '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

test.describe('two router processes, seed example 4 over ESP in UDP 4500', () => {
  test.skip(skip !== null, skip ?? '');

  test('IKE + quick mode + L2TPv3 inside ESP pass a frame; the capture decrypts with the key log into L2TPv3 inside ESP', async () => {
    test.setTimeout(120_000);
    const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-proc-'));
    const prefix = loopbackPrefix();
    const wire = { a: `${prefix}.1`, b: `${prefix}.2` };
    const pcap = path.join(dir, 'ex4.pcapng');
    const keyLog = { a: path.join(dir, 'rt1.keys'), b: path.join(dir, 'rt2.keys') };
    const capture = await startCapture('lo', `host ${wire.a} or host ${wire.b}`, pcap);
    const lans = { a: await Wire.open(), b: await Wire.open() };
    const routers: RouterProcess[] = [];
    try {
      for (const [name, own, lan, keys] of [['rt1', wire.a, lans.a, keyLog.a], ['rt2', wire.b, lans.b, keyLog.b]] as const) {
        const conf = path.join(dir, `${name}.conf`);
        writeFileSync(conf, seedConfig('ex4-ipsec-fixed-fixed', name));
        const r = await startRouterProcess([
          '--model', 'RTX1210', '--firmware', '14.01.26', '--config', conf, '--ssh', '127.0.0.1:0', '--time-scale', '10',
          '--wan', own, '--underlay', `198.51.100.1=${wire.a}`, '--underlay', `198.51.100.2=${wire.b}`,
          '--lan', `lan1=udp:0:127.0.0.1:${lan.port}`, '--key-log', keys,
        ]);
        routers.push(r);
        lan.connect(Number(/:(\d+)->/.exec(r.ready.lan.lan1)![1]));
      }
      // The pseudowire is up when a broadcast crosses it: offered every 200 ms, bounded.
      const f = frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:01:11', 'proc-1-to-2');
      const timer = setInterval(() => lans.a.send(f), 200);
      try {
        expect(Buffer.from(await lans.b.next(hasMarker('proc-1-to-2'), 30_000, 'a frame across the IPsec pseudowire'))).toEqual(Buffer.from(f));
      } finally {
        clearInterval(timer);
      }
      const back = frame('02:00:00:00:01:11', '02:00:00:00:01:12', 'proc-2-to-1');
      lans.b.send(back);
      await lans.a.next(hasMarker('proc-2-to-1'), 5000, 'the answer frame');
      // dumpcap writes its file in batches: wait until the answer frame is in it (decrypted), bounded
      const keysNow = tsharkKeyArgs(parseKeyLog(readFileSync(keyLog.a, 'utf8')).entries);
      await waitFor(() => tshark(pcap, keysNow, 'esp && l2tp && data.data contains "proc-2-to-1"', ['frame.number']).length > 0, 20_000, 'the answer frame in the capture file');
    } finally {
      for (const r of routers) await r.stop();
      await capture.stop();
      lans.a.close();
      lans.b.close();
    }
    // --key-log: created 0600, lines that parse, and no key on either router's stdout or stderr
    for (const k of [keyLog.a, keyLog.b]) expect(statSync(k).mode & 0o777).toBe(0o600);
    const parsed = parseKeyLog(readFileSync(keyLog.a, 'utf8'));
    expect(parsed.errors).toEqual([]);
    const keyHex = parsed.entries.flatMap((e) => (e.kind === 'IKEV1' ? [e.encKey] : [e.encKey, e.authKey])).map((k) => Buffer.from(k).toString('hex'));
    for (const r of routers) for (const k of keyHex) expect(`${r.stdout()}${r.stderr()}`.toLowerCase().includes(k)).toBe(false);

    await test.info().attach('ex4-ipsec.pcapng', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
    const keys = tsharkKeyArgs(parsed.entries);
    // Without keys, nothing on the wire is L2TP: only ISAKMP and ESP in UDP 4500.
    expect(tshark(pcap, [], 'l2tp', ['frame.number'])).toEqual([]);
    expect(tshark(pcap, [], '!isakmp && !esp && !udpencap', ['frame.number', 'udp.port'])).toEqual([]);
    // With the key log: the L2TPv3 control connection (SCCRQ..ICCN) and the frames inside ESP, ICV good.
    const inside = tshark(pcap, keys, 'esp && l2tp', ['esp.spi', 'l2tp.avp.message_type', 'esp.icv_good']);
    const types = new Set(inside.flatMap((c) => (c[1] ?? '').split('|').filter((x) => x !== '').map(Number)));
    for (const t of [1, 2, 3, 10, 11, 12]) expect(types).toContain(t);
    expect(inside.every((c) => c[2] === 'True' || c[2] === '1')).toBe(true);
    // the data messages carry our frames (tshark leaves the pseudowire payload as data: its type is unknown to it)
    expect(tshark(pcap, keys, 'esp && l2tp && data.data contains "proc-1-to-2"', ['frame.number']).length).toBeGreaterThanOrEqual(1);
    expect(tshark(pcap, keys, 'esp && l2tp && data.data contains "proc-2-to-1"', ['frame.number']).length).toBeGreaterThanOrEqual(1);
    // ...and the IKE exchanges decrypt with the IKEV1 lines: quick mode shows its nonce and IDs.
    expect(tshark(pcap, keys, 'isakmp.exchangetype == 32 && isakmp.nonce && isakmp.id.type', ['frame.number']).length).toBeGreaterThanOrEqual(2);
  });
});

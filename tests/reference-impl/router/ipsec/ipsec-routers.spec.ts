// Issue 15 point 1: L2TPv3/IPsec between two emulated routers on loopback. The seed's example 4
// (main mode), example 5 and the real RTX830 pair (aggressive mode with names, NAT-T) come up
// only after IKE and quick mode, carry L2TP only inside ESP in UDP 4500, and pass frames; a wrong
// pre-shared key is refused with the predicted [IKE] lines; cleartext L2TPv3 from the IPsec peer
// is dropped; `show ipsec sa` / `show status tunnel` follow the SA; keys reach only the key log.
import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKeyLog } from '../../../../reference-impl/ipsec/key-log.ts';
import { runCommand, type CommandEnv } from '../../../../reference-impl/router/cli/commands.ts';
import type { Router } from '../../../../reference-impl/router/router.ts';
import { renderIkeSyslog } from '../../../../reference-impl/syslog/ike-catalogue.ts';
import { established, frame, hasMarker, waitFor } from '../lab.ts';
import { ipsecLoopbackUnavailable, logTexts, seedConfig, startIpsecPair, type IpsecPair } from './ipsec-lab.ts';

const skip = ipsecLoopbackUnavailable();
const PSK = 'lab-ipsec-psk';
const ex = (name: string, r: 'rt1' | 'rt2') => seedConfig(name, r);

function cli(router: Router, line: string): string[] {
  const env: CommandEnv = { device: router, admin: true, context: { tunnel: null }, lang: 'en', transport: 'SSH', utcOffsetMinutes: 0, revealSecrets: false };
  const r = runCommand(line, env);
  if (r.kind !== 'output') throw new Error(`${line}: ${JSON.stringify(r)}`);
  return r.lines;
}

async function withPair(p: Promise<IpsecPair>, body: (p: IpsecPair) => Promise<void>): Promise<void> {
  const pair = await p;
  try {
    await body(pair);
  } finally {
    pair.stop();
  }
}

const both = (p: IpsecPair) => established(p.a.router) && established(p.b.router);

async function expectFramesBothWays(p: IpsecPair, tag: string): Promise<void> {
  const f1 = frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:01:11', `${tag}-1-to-2`);
  p.a.lan.send(f1);
  expect(Buffer.from(await p.b.lan.next(hasMarker(`${tag}-1-to-2`)))).toEqual(Buffer.from(f1));
  const f2 = frame('02:00:00:00:01:11', '02:00:00:00:01:12', `${tag}-2-to-1`);
  p.b.lan.send(f2);
  expect(Buffer.from(await p.a.lan.next(hasMarker(`${tag}-2-to-1`)))).toEqual(Buffer.from(f2));
}

/** Everything the routers sent over UDP went to IKE (500) or NAT-T (4500): no cleartext L2TP. */
function expectOnlyIkeAndEsp(p: IpsecPair): void {
  const ports = new Set(p.all.flatMap((t) => (t.kind === 'udp' ? [t.dst.port] : [])));
  expect([...ports].sort()).toEqual([4500, 500]);
}

/** RFC 2408 §3.1: the exchange type octet of the first ISAKMP message a router sent (2 main, 4 aggressive). */
function firstExchange(r: IpsecPair['a']): number | undefined {
  const m = r.sent.find((t) => t.kind === 'udp' && t.dst.port === 500);
  return m?.kind === 'udp' ? m.bytes[18] : undefined;
}

/** Line a's index precedes line b's in the router's log. */
function before(lines: string[], a: RegExp, b: RegExp): boolean {
  const i = lines.findIndex((l) => a.test(l));
  const j = lines.findIndex((l) => b.test(l));
  return i >= 0 && j >= 0 && i < j;
}

test.describe('L2TPv3/IPsec between two emulated routers', () => {
  test.skip(skip !== null, skip ?? '');

  test('seed example 4 (main mode): IKE, quick mode, then the pseudowire inside ESP in UDP 4500; frames both ways', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-router-'));
    const keyLog = path.join(dir, 'a.keys');
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: ex('ex4-ipsec-fixed-fixed', 'rt2'), timeScale: 10, extraA: { keyLog } }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire of example 4');
      await expectFramesBothWays(p, 'ex4');
      expectOnlyIkeAndEsp(p);
      expect([firstExchange(p.a), firstExchange(p.b)]).toEqual([2, 2]);
      for (const r of [p.a, p.b]) {
        const lines = logTexts(r);
        // ipsec-facts.md: the real [IKE] lines; phase 1 in one role, quick mode in one role
        expect(lines.some((l) => /^\[IKE\] (initiate|respond) ISAKMP phase to 198\.51\.100\.[12]/.test(l))).toBe(true);
        expect(lines.some((l) => /^\[IKE\] (initiate|respond) IPsec phase to 198\.51\.100\.[12]$/.test(l))).toBe(true);
        // the tunnel comes up only after the SA (facts §3.5 `IP Tunnel[1] Up` after the IPsec phase)
        expect(before(lines, /^IP Tunnel\[1\] Up$/, /^\[L2TPv3\] TUNNEL\[1\] tunnel \d+ established$/)).toBe(true);
        // `show status tunnel 1` follows the SA (facts §3.6); `show ipsec sa` lists both directions
        expect(cli(r.router, 'show status tunnel 1')).toContain('  Current status is Online.');
        const sa = cli(r.router, 'show ipsec sa');
        expect(sa[0]).toMatch(/^Total: isakmp:[12] send:1 recv:1$/);
        expect(sa.filter((l) => /tra\[0001\]esp +(send|recv)/.test(l))).toHaveLength(2);
      }
      // one side initiated quick mode, the other responded (two initiations would be two SAs)
      const quick = [...logTexts(p.a), ...logTexts(p.b)].filter((l) => /IPsec phase/.test(l));
      expect(quick.filter((l) => l.startsWith('[IKE] initiate IPsec phase')).length).toBe(quick.filter((l) => l.startsWith('[IKE] respond IPsec phase')).length);
    });
    // the key log: mode 0600, IKEV1 and ESP lines that parse; no key in any log line or config display
    expect(statSync(keyLog).mode & 0o777).toBe(0o600);
    const parsed = parseKeyLog(readFileSync(keyLog, 'utf8'));
    expect(parsed.errors).toEqual([]);
    expect(parsed.entries.filter((e) => e.kind === 'IKEV1').length).toBeGreaterThanOrEqual(1);
    expect(parsed.entries.filter((e) => e.kind === 'ESP').length).toBeGreaterThanOrEqual(2);
  });

  test('no key and no pre-shared key in log lines, `show config` or the status commands', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-router-'));
    const keyLog = path.join(dir, 'b.keys');
    // with every `ipsec ike log` kind of the RTX830 pair (facts §2.1), key-info included
    const logAll = (c: string) => c.replace(/( {2}ipsec ike pre-shared-key 1 .*\n)/, '$1  ipsec ike log 1 key-info message-info payload-info\n');
    await withPair(startIpsecPair({ configA: logAll(ex('ex4-ipsec-fixed-fixed', 'rt1')), configB: logAll(ex('ex4-ipsec-fixed-fixed', 'rt2')), timeScale: 10, extraB: { keyLog } }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      // `ipsec ike log` acts (assumption ike-log-kinds): DEBUG lines per message, payloads, keys made
      for (const r of [p.a, p.b]) {
        const debug = r.logs.filter((l) => l.level === 'DEBUG').map((l) => l.text);
        expect(debug.some((l) => /^\[IKE\] send message to 198\.51\.100\.[12]: Identity Protection \(Main Mode\), message ID 0x00000000, \d+ octets$/.test(l))).toBe(true);
        expect(debug.some((l) => /^\[IKE\] receive message from 198\.51\.100\.[12]: Quick Mode, message ID 0x[0-9a-f]{8}, \d+ octets, encrypted$/.test(l))).toBe(true);
        expect(debug).toContainEqual(expect.stringMatching(/^\[IKE\] payloads: SA, (VID, )*/));
        expect(debug).toContainEqual(expect.stringMatching(/^\[IKE\] key-info: IPsec SA keys with 198\.51\.100\.[12] made \(values are not logged\)$/));
      }
      const keys = parseKeyLog(readFileSync(keyLog, 'utf8')).entries.flatMap((e) => (e.kind === 'IKEV1' ? [e.encKey] : [e.encKey, e.authKey])).map((k) => Buffer.from(k).toString('hex'));
      expect(keys.length).toBeGreaterThanOrEqual(3);
      for (const r of [p.a, p.b]) {
        const text = [...logTexts(r), ...cli(r.router, 'show config'), ...cli(r.router, 'show ipsec sa'), ...cli(r.router, 'show status tunnel'), ...cli(r.router, 'show log')].join('\n').toLowerCase();
        for (const k of keys) expect(text.includes(k)).toBe(false);
        expect(text.includes(PSK)).toBe(false);
        // the key is masked like the tunnel password
        expect(cli(r.router, 'show config')).toContainEqual(expect.stringMatching(/^ {2}ipsec ike pre-shared-key 1 text \*+$/));
      }
    });
  });

  test('seed example 5 (aggressive mode, names, NAT-T): the dynamic side initiates with its local name, the fixed side has remote address any', async () => {
    // rt2's WAN address comes from DHCP: it is reached as 203.0.113.2, an address no config names
    await withPair(startIpsecPair({ configA: ex('ex5-ipsec-fixed-dynamic', 'rt1'), configB: ex('ex5-ipsec-fixed-dynamic', 'rt2'), timeScale: 10, addresses: { a: ['198.51.100.1'], b: ['203.0.113.2'] } }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire of example 5');
      await expectFramesBothWays(p, 'ex5');
      expectOnlyIkeAndEsp(p);
      expect(firstExchange(p.b)).toBe(4);
      // the fixed side cannot initiate (§1.4): it only responds, to the address it saw
      expect(logTexts(p.a)).toContain(renderIkeSyslog('respondPhase1', { address: '203.0.113.2' }));
      expect(logTexts(p.a).some((l) => l.startsWith('[IKE] initiate ISAKMP phase'))).toBe(false);
      expect(logTexts(p.b)).toContain(renderIkeSyslog('initiatePhase1', { address: '198.51.100.1', local: '203.0.113.2' }));
    });
  });

  test('aggressive mode with a name the fixed side does not expect: refused (INVALID-ID-INFORMATION), no SA, the predicted [IKE] lines', async () => {
    const wrongName = ex('ex5-ipsec-fixed-dynamic', 'rt1').replace('ipsec ike remote name 1 l2tpv3-site2', 'ipsec ike remote name 1 somebody-else');
    await withPair(startIpsecPair({ configA: wrongName, configB: ex('ex5-ipsec-fixed-dynamic', 'rt2'), timeScale: 10, addresses: { a: ['198.51.100.1'], b: ['203.0.113.2'] } }), async (p) => {
      await waitFor(() => logTexts(p.a).some((l) => l.startsWith('[IKE] ISAKMP SA with 203.0.113.2 deleted: no gateway for the peer identity')), 10_000, 'the identity refused');
      // the dynamic side hears INVALID-ID-INFORMATION (RFC 2408 §3.14.1) and gives up that attempt
      await waitFor(() => logTexts(p.b).some((l) => /^\[IKE\] ISAKMP SA with 198\.51\.100\.1 deleted: peer sent invalidIdInformation/.test(l)), 10_000, 'the refusal heard');
      for (const r of [p.a, p.b]) expect(logTexts(r).filter((l) => /IPsec phase|^IP Tunnel\[1\] Up$|established$/.test(l))).toEqual([]);
      expect(logTexts(p.a).some((l) => l.startsWith('[IKE] respond ISAKMP phase'))).toBe(false);
      // 'any-side-does-not-dial': the fixed side with `remote address any` never dials L2TP
      expect(logTexts(p.a).filter((l) => /connect to/.test(l))).toEqual([]);
    });
  });

  test('seed example 6 (NetVolante DNS): the name in `ipsec ike remote address` is resolved when key exchange starts', async () => {
    const asked: string[] = [];
    const resolveName = async (name: string) => {
      asked.push(name);
      return '198.51.100.1';
    };
    await withPair(startIpsecPair({ configA: ex('ex6-ipsec-netvolante', 'rt1'), configB: ex('ex6-ipsec-netvolante', 'rt2'), timeScale: 10, addresses: { a: ['198.51.100.1'], b: ['203.0.113.2'] }, extraB: { resolveName } }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire of example 6');
      await expectFramesBothWays(p, 'ex6');
      expect(asked[0]).toBe('l2tpv3-lab-rt1.aa0.netvolante.jp');
      expect(logTexts(p.b)).toContain(renderIkeSyslog('initiatePhase1', { address: '198.51.100.1', local: '203.0.113.2' }));
      expect(firstExchange(p.b)).toBe(4);
    });
  });

  test('a name that does not resolve: no key exchange, the [IKE] line says so', async () => {
    const resolveName = async (): Promise<string> => {
      throw new Error('NXDOMAIN');
    };
    await withPair(startIpsecPair({ configA: ex('ex6-ipsec-netvolante', 'rt1'), configB: ex('ex6-ipsec-netvolante', 'rt2'), timeScale: 10, addresses: { a: ['198.51.100.1'], b: ['203.0.113.2'] }, extraB: { resolveName } }), async (p) => {
      await waitFor(() => logTexts(p.b).includes(renderIkeSyslog('unresolved', { name: 'l2tpv3-lab-rt1.aa0.netvolante.jp' })), 10_000, 'the unresolved line');
      expect(p.b.sent.filter((t) => t.kind === 'udp')).toEqual([]);
    });
  });

  test('seed example 8 (DHCP at both sites, main mode): the pseudowire comes up over IPsec and passes frames', async () => {
    await withPair(startIpsecPair({ configA: ex('ex8-ipsec-dhcp-both-sites', 'rt1'), configB: ex('ex8-ipsec-dhcp-both-sites', 'rt2'), timeScale: 10 }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire of example 8');
      await expectFramesBothWays(p, 'ex8');
      expectOnlyIkeAndEsp(p);
    });
  });

  test('the real RTX830 pair (facts §2.1): aggressive mode with names, the responder without a tunnel endpoint address', async () => {
    const real = (f: string) => readFileSync(path.join(import.meta.dirname, '../../../../topologies/real-configs', f), 'utf8');
    await withPair(
      startIpsecPair({
        configA: real('blog830-rtx830-rt1-fixed-responder.conf'),
        configB: real('blog830-rtx830-rt2-dynamic-initiator.conf'),
        timeScale: 10,
        // RT2 sits behind a NAT at home; on loopback it is reached as its own tunnel address
        addresses: { a: ['10.10.10.138'], b: ['192.168.100.254'] },
        extraA: { model: 'RTX830', firmware: '15.02.17' },
        extraB: { model: 'RTX830', firmware: '15.02.17' },
      }),
      async (p) => {
        await waitFor(() => both(p), 15_000, 'the RTX830 pair');
        await expectFramesBothWays(p, 'rtx830');
        expect(firstExchange(p.b)).toBe(4);
        expect(logTexts(p.a)).toContain(renderIkeSyslog('respondPhase1', { address: '192.168.100.254' }));
        // the L2TP lines of the tunnel without an endpoint address name the SA's peer
        expect(logTexts(p.a)).toContain('[L2TPv3] TUNNEL[1] connected from 192.168.100.254');
        expect(logTexts(p.a).filter((l) => l.includes('ipsec-gateway'))).toEqual([]);
        expect(cli(p.a.router, 'show status l2tp')).toContain('  Remote address: 192.168.100.254');
      },
    );
  });

  test('wrong pre-shared key: no SA, no tunnel; the predicted [IKE] lines and the undecryptable message dropped', async () => {
    const wrong = ex('ex4-ipsec-fixed-fixed', 'rt2').replace(`text ${PSK}`, 'text not-the-lab-key');
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: wrong, timeScale: 20 }), async (p) => {
      // 'undecryptable-phase1-dropped': main mode message 5 under the wrong key does not decrypt
      await waitFor(() => [...logTexts(p.a), ...logTexts(p.b)].some((l) => /^\[IKE\] message from 198\.51\.100\.[12] dropped: decrypted payloads invalid|not a whole number/.test(l)), 15_000, 'a dropped phase-1 message');
      for (const r of [p.a, p.b]) {
        const lines = logTexts(r);
        expect(lines.some((l) => /^\[IKE\] (initiate|respond) ISAKMP phase/.test(l))).toBe(true);
        expect(lines.filter((l) => /IPsec phase|^IP Tunnel\[1\] Up$|established$/.test(l))).toEqual([]);
        expect(cli(r.router, 'show status tunnel 1')).toContain('  Current status is Offline.');
        expect(cli(r.router, 'show ipsec sa')[0]).toBe('Total: isakmp:0 send:0 recv:0');
      }
      // the L2TP control plane waited for the SA: nothing of it went out in the clear
      expectOnlyIkeAndEsp(p);
      expect(p.all.some((t) => t.kind === 'udp' && t.dst.port === 4500 && t.bytes.length > 1 && t.bytes.subarray(0, 4).some((x) => x !== 0))).toBe(false);
    });
  });

  test('DPD (`ipsec ike keepalive use 1 on dpd 2 2`, RFC 3706): answered while the peer lives; a silent peer is declared dead and the tunnel goes down', async () => {
    const dpd = (c: string) => c.replace('ipsec ike keepalive use 1 on', 'ipsec ike keepalive use 1 on dpd 2 2').replace('ipsec ike keepalive log 1 off', 'ipsec ike keepalive log 1 on');
    await withPair(startIpsecPair({ configA: dpd(ex('ex4-ipsec-fixed-fixed', 'rt1')), configB: dpd(ex('ex4-ipsec-fixed-fixed', 'rt2')), timeScale: 20 }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      // five DPD intervals (virtual) with both alive: no SA goes down
      const t0 = p.a.router.time.now();
      await waitFor(() => p.a.router.time.now() > t0 + 10_000, 5000, 'ten virtual seconds');
      for (const r of [p.a, p.b]) expect(logTexts(r).filter((l) => /^IP Tunnel\[1\] Down$|DPD/.test(l))).toEqual([]);
      // rt2 vanishes (power cut): rt1's R-U-THEREs go unanswered; after 2 it gives up (dpd-periodic)
      p.b.router.stop({ silent: true });
      await waitFor(() => logTexts(p.a).includes('IP Tunnel[1] Down'), 10_000, 'the tunnel down by DPD');
      expect(logTexts(p.a).some((l) => /^\[IKE\] ISAKMP SA with 198\.51\.100\.2 deleted: DPD: peer dead/.test(l))).toBe(true);
      expect(cli(p.a.router, 'show status tunnel 1')).toContain('  Current status is Offline.');
      // `ipsec ike keepalive log 1 on`
      expect(logTexts(p.a)).toContain(renderIkeSyslog('keepaliveDown', { address: '198.51.100.2' }));
    });
  });

  test('rekey (`ipsec auto refresh on`, assumption rekey-margin): new SAs replace the old ones before they expire, frames pass throughout', async () => {
    // lifetimes shortened to 30 virtual seconds (assumption 'lifetimes' gives 28800 s): rekey at 27 s
    const ikeProfile = { defaultLifetimeS: 30 };
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: ex('ex4-ipsec-fixed-fixed', 'rt2'), timeScale: 10, extraA: { ikeProfile }, extraB: { ikeProfile } }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      const spis = (r: IpsecPair['a']) => new Set(r.router.ipsecSaStatus().flatMap((x) => (x.spi === undefined ? [] : [x.spi])));
      const first = spis(p.a);
      expect(first.size).toBeGreaterThanOrEqual(2);
      const t0 = p.a.router.time.now();
      let n = 0;
      // a frame every virtual 2 s across the rekey and the old SAs' expiry (t0 + 45 s), each must come out
      while (p.a.router.time.now() < t0 + 45_000) {
        const tag = `rekey-${n++}`;
        p.a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:01:11', tag));
        await p.b.lan.next(hasMarker(tag), 3000, `frame ${tag} across the rekey`);
        const t = p.a.router.time.now();
        await waitFor(() => p.a.router.time.now() > t + 2000, 3000, 'two virtual seconds');
      }
      expect(n).toBeGreaterThan(15);
      // the first SAs expired (30 s) and were replaced: none of their SPIs is left, new ones carry the traffic
      const later = spis(p.a);
      expect(later.size).toBeGreaterThanOrEqual(2);
      expect([...later].filter((x) => first.has(x))).toEqual([]);
      for (const r of [p.a, p.b]) expect(logTexts(r)).not.toContain('IP Tunnel[1] Down');
      expect(established(p.a.router) && established(p.b.router)).toBe(true);
    });
  });

  test('an IPsec command changed at the CLI (config push) takes effect: the SAs are made again with the new key', async () => {
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: ex('ex4-ipsec-fixed-fixed', 'rt2'), timeScale: 10 }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      const ups = (r: IpsecPair['a']) => logTexts(r).filter((l) => l === 'IP Tunnel[1] Up').length;
      const before = [ups(p.a), ups(p.b)];
      for (const r of [p.a, p.b]) expect(r.router.applyCommand('ipsec ike pre-shared-key 1 text a-new-lab-key', { tunnel: null })).toMatchObject({ ok: true, changed: true });
      await waitFor(() => ups(p.a) > before[0] && ups(p.b) > before[1] && both(p), 15_000, 'the SAs and the pseudowire again');
      await expectFramesBothWays(p, 'after-push');
      // a key only one side has: no SA any more after the next restart
      expect(p.a.router.applyCommand('ipsec ike pre-shared-key 1 text only-rt1-has-this', { tunnel: null })).toMatchObject({ ok: true });
      const dropped = (l: string) => /dropped: (decrypted payloads invalid|.*not a whole number)/.test(l);
      await waitFor(() => [...logTexts(p.a), ...logTexts(p.b)].some(dropped), 15_000, 'the new key refused');
      expect(cli(p.a.router, 'show ipsec sa')[0]).toBe('Total: isakmp:0 send:0 recv:0');
      expect(cli(p.a.router, 'show status tunnel 1')).toContain('  Current status is Offline.');
    });
  });

  test('a replayed ESP packet is dropped (anti-replay window, RFC 4303 §3.4.3): its frame comes out once', async () => {
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: ex('ex4-ipsec-fixed-fixed', 'rt2'), timeScale: 10 }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      const f = frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:01:11', 'replay-me');
      const sentBefore = p.a.sent.length;
      p.a.lan.send(f);
      await p.b.lan.next(hasMarker('replay-me'));
      // the ESP datagram that carried it: the largest a sent to 4500 since
      const esp = p.a.sent.slice(sentBefore).filter((t) => t.kind === 'udp' && t.dst.port === 4500).sort((x, y) => (y.kind === 'udp' ? y.bytes.length : 0) - (x.kind === 'udp' ? x.bytes.length : 0))[0];
      expect(esp?.kind).toBe('udp');
      if (esp?.kind !== 'udp') return;
      const s = dgram.createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, p.wire.a, () => r()));
      try {
        s.send(esp.bytes, 4500, p.wire.b);
        await waitFor(() => logTexts(p.b).some((l) => /^\[IKE\] message from 198\.51\.100\.1 dropped: ESP replayed$/.test(l)), 5000, 'the replay dropped');
      } finally {
        s.close();
      }
      expect(p.b.lan.frames.filter(hasMarker('replay-me'))).toHaveLength(1);
    });
  });

  test('cleartext L2TPv3 from the IPsec peer\'s address is dropped, the pseudowire stays', async () => {
    await withPair(startIpsecPair({ configA: ex('ex4-ipsec-fixed-fixed', 'rt1'), configB: ex('ex4-ipsec-fixed-fixed', 'rt2'), timeScale: 10 }), async (p) => {
      await waitFor(() => both(p), 15_000, 'the pseudowire');
      const before = { logs: logTexts(p.a).length, dropped: p.a.router.counters().cleartextDropped };
      // an SCCRQ header with CCID 0 from the peer's own address (127.X.Y.2 = 198.51.100.2), straight to UDP 1701-equivalent
      const sccrq = Uint8Array.from([0xc8, 0x03, 0x00, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x08, 0, 0, 0, 0, 0, 1]);
      const s = dgram.createSocket('udp4');
      await new Promise<void>((r) => s.bind(0, p.wire.b, () => r()));
      try {
        for (let i = 0; i < 3; i++) s.send(sccrq, p.port, p.wire.a);
        await waitFor(() => p.a.router.counters().cleartextDropped >= before.dropped + 3, 5000, 'three cleartext datagrams dropped');
      } finally {
        s.close();
      }
      // no log line (assumption cleartext-l2tp-dropped-silently), no answer, the session untouched
      expect(logTexts(p.a).slice(before.logs)).toEqual([]);
      expect(p.a.sent.some((t) => t.kind === 'udp' && t.dst.port === p.port)).toBe(false);
      await expectFramesBothWays(p, 'after-cleartext');
    });
  });
});

// Issue 6 point 5: each injected defect changes observable behaviour. Every case runs the same
// scenario twice, on a faithful pair and with the defect, and asserts what each must show.
import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { AVP } from '../../../reference-impl/l2tpv3/avp-types.ts';
import { encodeDataMessage } from '../../../reference-impl/l2tpv3/data-message.ts';
import { MESSAGE_TYPE as MT } from '../../../reference-impl/l2tpv3/message-types.ts';
import { avpValueAt, controlMessageType } from '../../../reference-impl/router/control-defects.ts';
import { discoveryQuery } from '../../../reference-impl/l2ms/index.ts';
import { DEFECT_NAMES, KILL_TABLE_ONLY, describeDefects, type DefectName, type KillTableOnlyDefect } from '../../../reference-impl/router/defects.ts';

import { Router } from '../../../reference-impl/router/router.ts';
import { syslogPattern } from '../../../reference-impl/syslog/catalogue.ts';
import { established, frame, hasMarker, seedConfig, startPair, waitFor, type LabRouter, type PairOptions } from './lab.ts';

/** Defects with a router-pair case here (the rest are proven by the suites' kill table). */
const PAIR_CASE_DEFECTS = DEFECT_NAMES.filter((n): n is Exclude<DefectName, KillTableOnlyDefect> => !(KILL_TABLE_ONLY as readonly string[]).includes(n));

const RT1 = seedConfig('ex1-two-sites', 'rt1');
const RT2 = seedConfig('ex1-two-sites', 'rt2');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const up = async (a: LabRouter, b: LabRouter) => waitFor(() => established(a.router) && established(b.router), 5000, 'the tunnel');
const quiet = async (w: LabRouter['lan'], marker: string, ms = 300) => {
  await sleep(ms);
  return w.frames.some(hasMarker(marker));
};

/** A UDP collector for `syslog host 127.0.0.1:PORT`. */
async function collector(): Promise<{ port: number; lines: string[]; close: () => void }> {
  const s = dgram.createSocket('udp4');
  const lines: string[] = [];
  s.on('message', (m) => lines.push(m.toString('utf8')));
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, lines, close: () => s.close() };
}

/** Forges a data message to B as if from A's address (127.0.0.1), any source port. */
async function forgeToB(port: number, bytes: Uint8Array): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => s.send(bytes, port, '127.0.0.2', () => r()));
  s.close();
}

interface Case {
  pair?: (defect: DefectName | undefined) => PairOptions;
  /** defect on router A (default) or B or both */
  on?: 'a' | 'b' | 'both';
  observe: (ctx: { a: LabRouter; b: LabRouter; port: number; defect: boolean }) => Promise<unknown>;
  faithful: unknown;
  defective: unknown;
  /** instead of fixed values: how the two observations must relate */
  compare?: (faithful: unknown, defective: unknown) => void;
}

const withHost = (cfg: string, port: number) => `${cfg}syslog host 127.0.0.1:${port}\n`;
let syslogPort = 0;

const CASES: Record<Exclude<DefectName, KillTableOnlyDefect>, Case> = {
  'tie-break-inverted': {
    on: 'b', pair: () => ({ timeScale: 10 }),
    observe: async ({ a, b }) => { await sleep(300); return established(a.router) && established(b.router); }, // 3 virtual s
    faithful: true, defective: false,
  },
  'end-id-not-checked': {
    on: 'b', pair: () => ({ configB: RT2.replace('l2tp always-on on', 'l2tp always-on off').replace('end-id site1-site2', 'end-id other-id') }),
    observe: async ({ a, b }) => { await sleep(500); return established(a.router) && established(b.router); },
    faithful: false, defective: true,
  },
  'router-id-not-checked': {
    on: 'b', pair: () => ({ configB: RT2.replace('remote router-id 198.51.100.1', 'remote router-id 10.9.9.9') }),
    observe: async ({ a, b }) => { await sleep(500); return established(a.router) && established(b.router); },
    faithful: false, defective: true,
  },
  'hello-count-off-by-one': {
    pair: () => ({ timeScale: 20, configA: RT1.replace('keepalive use on 60 3', 'keepalive use on 1 2') }),
    observe: async ({ a, b }) => {
      await up(a, b);
      const from = a.sent.length;
      b.router.stop({ silent: true });
      await sleep(1500); // 30 virtual s: far past interval x count
      const types = a.sent.slice(from).map((t) => (t.kind === 'udp' ? controlMessageType(t.bytes) : undefined));
      return types.slice(0, types.indexOf(MT.StopCCN)).filter((t) => t === MT.HELLO).length;
    },
    // facts §8: down after `count` unanswered Hellos; with the bug one more interval, so more Hellos
    faithful: undefined, defective: undefined,
    compare: (f, d) => expect(Number(d)).toBeGreaterThan(Number(f)),
  },
  'hello-not-answered': {
    on: 'b', pair: () => ({ timeScale: 20, configA: RT1.replace('keepalive use on 60 3', 'keepalive use on 1 2') }),
    observe: async ({ a, b }) => { await up(a, b); await sleep(1000); return a.logs.some((l) => /keepalive timer expired|disconnecting tunnel/.test(l.text)); }, // 20 virtual s
    faithful: false, defective: true,
  },
  'no-stopccn-on-disconnect': {
    observe: async ({ a, b }) => { await up(a, b); a.router.disconnectTunnel(1); await sleep(300); return established(b.router); },
    faithful: false, defective: true,
  },
  'hostname-not-configured': {
    observe: async ({ a, b }) => {
      await up(a, b);
      const m = a.sent.find((t) => t.kind === 'udp' && ([MT.SCCRQ, MT.SCCRP] as number[]).includes(controlMessageType(t.bytes) ?? -1));
      if (!m || m.kind !== 'udp') return undefined;
      const v = avpValueAt(m.bytes, AVP.HostName)!;
      return Buffer.from(m.bytes.subarray(v.at, v.at + v.length)).toString('latin1');
    },
    faithful: 'RT1', defective: 'RTX1210', // CR 16.8: `l2tp hostname` is sent to the peer
  },
  'data-activity-ignored': {
    pair: () => ({ timeScale: 10, configA: RT1.replace('disconnect time off', 'disconnect time 2'), configB: RT2.replace('disconnect time off', 'disconnect time 2') }),
    observe: async ({ a, b }) => {
      await up(a, b);
      for (let i = 0; i < 40; i++) {
        a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:21', `busy-${i}`));
        await sleep(10); // a frame every 100 virtual ms for 4 virtual s
      }
      return a.logs.some((l) => syslogPattern('disconnectTimerExpired').test(l.text));
    },
    faithful: false, defective: true, // CR 16.3: any non-control packet counts as traffic
  },
  'connect-command-ignored': {
    pair: () => ({ configA: RT1.replace('l2tp always-on on', 'l2tp always-on off'), configB: RT2.replace('l2tp always-on on', 'l2tp always-on off') }),
    observe: async ({ a, b }) => { a.router.connectTunnel(1); await sleep(500); return established(a.router) && established(b.router); },
    faithful: true, defective: false,
  },
  'cookie-ignored': {
    on: 'b', pair: () => ({ extra: { controlProfile: { cookieLength: 4 } } }),
    observe: async ({ a, b, port }) => {
      await up(a, b);
      const l = b.router.sessionLayouts(1)[0];
      const wrong = l.rxCookie.map((x) => x ^ 0xff);
      await forgeToB(port, encodeDataMessage({ sessionId: l.localSessionId, cookie: wrong, l2ss: null, payload: frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:31', 'forged-cookie') }));
      return quiet(b.lan, 'forged-cookie');
    },
    faithful: false, defective: true,
  },
  'vlan-tag-stripped': {
    observe: async ({ a, b }) => {
      await up(a, b);
      a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:41', 'tagged-10', 10));
      const f = await b.lan.next(hasMarker('tagged-10'));
      return f[12] === 0x81 && f[13] === 0x00; // facts §4.3: 802.1Q-tagged frames pass through
    },
    faithful: true, defective: false,
  },
  'session-id-not-checked': {
    on: 'b',
    observe: async ({ a, b, port }) => {
      await up(a, b);
      const l = b.router.sessionLayouts(1)[0];
      await forgeToB(port, encodeDataMessage({ sessionId: (l.localSessionId ^ 0x5a5a) >>> 0 || 1, cookie: new Uint8Array(0), l2ss: null, payload: frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:51', 'forged-sid') }));
      return quiet(b.lan, 'forged-sid');
    },
    faithful: false, defective: true,
  },
  'tx-own-session-id': {
    observe: async ({ a, b }) => { await up(a, b); a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:61', 'own-sid')); return quiet(b.lan, 'own-sid'); },
    faithful: true, defective: false,
  },
  'fcs-appended': {
    observe: async ({ a, b }) => { await up(a, b); a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:71', 'fcs')); return (await b.lan.next(hasMarker('fcs'))).length; },
    faithful: 60, defective: 64, // RFC 4719 §4: no FCS on the pseudowire
  },
  'no-ageing': {
    pair: () => ({ timeScale: 200, configA: `${RT1}bridge learning bridge1 timer 30\n` }),
    observe: async ({ a, b }) => {
      await up(a, b);
      a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:81', 'age'));
      await waitFor(() => a.router.bridgeLearning()[0].rows.some((r) => r.mac === '02:00:00:00:00:81'), 2000, 'learning');
      await sleep(300); // 60 virtual s: twice the 30 s learning timer
      return a.router.bridgeLearning()[0].rows.some((r) => r.mac === '02:00:00:00:00:81');
    },
    faithful: false, defective: true, // CR §45.3: removed when no frame arrives within the timer
  },
  'floods-to-ingress': {
    observe: async ({ a, b }) => { await up(a, b); a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:91', 'echo-back')); return quiet(a.lan, 'echo-back'); },
    faithful: false, defective: true, // facts §4.2: all members except the receiving one
  },
  'capacity-not-enforced': {
    observe: async ({ a, b }) => {
      await up(a, b);
      for (let i = 0; i < 300; i++) {
        if (i % 50 === 0) await sleep(20); // stay inside the loopback socket buffer
        a.lan.send(frame('ff:ff:ff:ff:ff:ff', `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, `cap-${i}`));
      }
      await waitFor(() => a.router.counters().lanIn >= 300, 3000, '300 frames in');
      return a.router.bridgeLearning()[0].rows.filter((r) => r.type === 'dynamic').length;
    },
    faithful: 256, defective: 300, // seed learning table: RTX1210 holds 256 dynamic entries
  },
  'no-learning': {
    observe: async ({ a, b }) => {
      await up(a, b);
      a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:a1', 'learn'));
      await waitFor(() => a.router.counters().lanIn >= 1, 2000, 'a frame in');
      return a.router.bridgeLearning()[0].rows.some((r) => r.mac === '02:00:00:00:00:a1');
    },
    faithful: true, defective: false,
  },
  'clear-removes-static': {
    pair: () => ({ configA: `${RT1}bridge learning bridge1 static 02:00:00:00:0a:0a lan1\n` }),
    observe: async ({ a }) => { a.router.clearBridgeLearning(); return a.router.bridgeLearning()[0].rows.some((r) => r.type === 'static'); },
    faithful: true, defective: false, // facts §4.2: clear removes dynamic entries only
  },
  'filter-stages-swapped': {
    pair: () => ({ configA: `${RT1}ethernet filter 1 reject-log * *\nethernet lan1 filter in 1\nip filter 1 reject-log * * *\nip lan1 secure filter in 1\n` }),
    observe: async ({ a, b }) => {
      await up(a, b);
      const ipFrame = Uint8Array.from([...frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:b1', '').subarray(0, 12), 0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 100, 11, 192, 168, 100, 12, 0, 1, 0, 2, 0, 8, 0, 0, ...new Uint8Array(18)]);
      a.lan.send(ipFrame);
      await waitFor(() => a.logs.some((l) => l.level === 'NOTICE'), 2000, 'a filter log line');
      return a.logs.find((l) => l.level === 'NOTICE')!.text.startsWith('[ETHERNET]');
    },
    faithful: true, defective: false, // order profile: the Ethernet filter is first inbound
  },
  'input-blocking-on-out': {
    pair: () => ({ model: 'RTX5000', firmware: '14.00.32', configA: `${RT1}ip filter 1 reject * * *\nip lan1 inbound filter 1\n` }),
    observe: async ({ a, b }) => {
      await up(a, b);
      const ipFrame = Uint8Array.from([...frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:c1', '').subarray(0, 12), 0x08, 0x00, 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 192, 168, 100, 12, 192, 168, 100, 11, 0, 1, 0, 2, 0, 8, 0, 0, ...Buffer.from('out-dir-frame.....')]);
      b.lan.send(ipFrame);
      return quiet(a.lan, 'out-dir-frame');
    },
    faithful: true, defective: false, // seed ※1: input blocking only in the in direction
  },
  'filter-no-match-passes': {
    pair: () => ({ configA: `${RT1}ethernet filter 1 pass 02:99:99:99:99:99 *\nethernet lan1 filter in 1\n` }),
    observe: async ({ a, b }) => { await up(a, b); a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:d1', 'nomatch')); return quiet(b.lan, 'nomatch'); },
    faithful: false, defective: true, // facts §4.1: no match means drop
  },
  'filter-last-match-wins': {
    pair: () => ({ configA: `${RT1}ethernet filter 1 reject * *\nethernet filter 2 pass * *\nethernet lan1 filter in 1 2\n` }),
    observe: async ({ a, b }) => { await up(a, b); a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:e1', 'firstmatch')); return quiet(b.lan, 'firstmatch'); },
    faithful: false, defective: true, // facts §4.1: first match
  },
  'syslog-typo': {
    observe: async ({ a, b }) => { await up(a, b); return a.router.logEntries().some((e) => syslogPattern('sessionEstablished').test(e.text)); },
    faithful: true, defective: false,
  },
  'syslog-wrong-level': {
    pair: () => ({ configA: withHost(RT1, syslogPort) }),
    observe: async ({ a, b }) => {
      await up(a, b);
      return Number(/^<(\d+)>/.exec((await waitLine(/opend port/))!)![1]);
    },
    faithful: 14, defective: 15, // INFO (6) at facility user (1): ASSUMPTION in syslog-format.ts
  },
  'syslog-wrong-tunnel-number': {
    observe: async ({ a, b }) => { await up(a, b); return a.router.logEntries().some((e) => syslogPattern('tunnelEstablished', { tunnel: 1 }).test(e.text)); },
    faithful: true, defective: false,
  },
  'syslog-debug-switch-ignored': {
    on: 'both', pair: () => ({ configA: withHost(RT1.replace('syslog debug on', 'syslog debug off'), syslogPort), configB: withHost(RT2.replace('syslog debug on', 'syslog debug off'), syslogPort) }),
    observe: async ({ a, b }) => { await up(a, b); await sleep(200); return current!.lines.some((l) => l.startsWith('<15>')); },
    faithful: false, defective: true, // facts §7: debug lines need `syslog debug on`
  },
  'config-not-saved': {
    observe: async ({ a }) => {
      expect(a.router.applyCommand('console lines infinity', { tunnel: null }).ok).toBe(true);
      a.router.save();
      return a.router.isSaved();
    },
    faithful: true, defective: false,
  },
  'cli-error-not-reported': {
    observe: async ({ a }) => a.router.applyCommand('tunnel select 99999', { tunnel: null }).ok,
    faithful: false, defective: true, // RTX1210: 100 tunnel interfaces (seed ※1)
  },
  'unsupported-feature-accepted': {
    observe: async ({ defect }) => tryRouter({ model: 'RTX830', firmware: '15.02.00', config: RT1, defects: defect ? ['unsupported-feature-accepted'] : [] }),
    faithful: 'refused', defective: 'started', // seed support table: RTX830 from Rev.15.02.01
  },
  'tunnel-limit-not-enforced': {
    observe: async ({ defect }) => {
      const two = `${RT1}tunnel select 2\n tunnel encapsulation l2tpv3-raw\n tunnel endpoint address 198.51.100.1 198.51.100.3\n tunnel enable 2\n`;
      return tryRouter({ model: 'RTX830', firmware: '15.02.22', config: two, defects: defect ? ['tunnel-limit-not-enforced'] : [] });
    },
    faithful: 'refused', defective: 'started', // seed: RTX830 runs 1 L2TPv3 tunnel
  },
  // L2MS (seed: L2TPv3とL2MS); the frames are reference-impl/l2ms's (wire format: named assumptions)
  'l2ms-gating-not-enforced': {
    observe: async ({ defect }) => tryRouter({ model: 'RTX1210', firmware: '14.01.09', config: `${RT1}switch control use lan1 on\n`, defects: defect ? ['l2ms-gating-not-enforced'] : [] }),
    faithful: 'refused', defective: 'started', // seed table: RTX1210 Rev.14.01.09 band lacks the L2MS-manager combination
  },
  'l2ms-off-consumes': {
    observe: async ({ a, b }) => { await up(a, b); return l2msCrosses(a, b, discoveryQuery('02:00:00:00:00:61', 1)); },
    faithful: true, defective: false, // L2MS off (initial `switch control use` off): bridged like any frame
  },
};

/** Whether an L2MS frame sent into A's LAN comes out of B's LAN (a marker frame sent after it is the barrier). */
async function l2msCrosses(a: LabRouter, b: LabRouter, f: Uint8Array): Promise<boolean> {
  a.lan.send(f);
  a.lan.send(frame('ff:ff:ff:ff:ff:ff', '02:00:00:00:00:60', 'l2ms-barrier'));
  await b.lan.next(hasMarker('l2ms-barrier'));
  return b.lan.frames.some((x) => Buffer.from(x).equals(Buffer.from(f)));
}

function tryRouter(o: ConstructorParameters<typeof Router>[0]): string {
  try {
    new Router(o);
    return 'started';
  } catch {
    return 'refused';
  }
}

let current: Awaited<ReturnType<typeof collector>> | undefined;
async function waitLine(re: RegExp): Promise<string | undefined> {
  await waitFor(() => current!.lines.some((l) => re.test(l)), 3000, `a syslog line ${re}`);
  return current!.lines.find((l) => re.test(l));
}

test('the defect table has at least 25 entries, every one with a case here and a description', () => {
  expect(DEFECT_NAMES.length).toBeGreaterThanOrEqual(25);
  expect(Object.keys(CASES).sort()).toEqual([...PAIR_CASE_DEFECTS].sort());
  expect(describeDefects()).toHaveLength(DEFECT_NAMES.length);
});

for (const name of PAIR_CASE_DEFECTS) {
  test(`defect ${name} changes what the router shows`, async () => {
    const c = CASES[name];
    const results: unknown[] = [];
    for (const defect of [false, true]) {
      current = await collector();
      syslogPort = current.port;
      const opts = c.pair?.(defect ? name : undefined) ?? {};
      const on = c.on ?? 'a';
      const list = defect ? [name] : [];
      const { a, b, stop, port } = await startPair({ ...opts, defectsA: on !== 'b' ? list : [], defectsB: on !== 'a' ? list : [] });
      try {
        results.push(await c.observe({ a, b, port, defect }));
      } finally {
        stop();
        current.close();
      }
    }
    if (c.compare) return c.compare(results[0], results[1]);
    expect(results[0], 'faithful router').toEqual(c.faithful);
    expect(results[1], `router with ${name}`).toEqual(c.defective);
  });
}

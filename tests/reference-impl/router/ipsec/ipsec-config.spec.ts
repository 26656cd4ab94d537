// Issue 15 point 1, config side: every IPsec command of the seed's examples 4-8 and of the real
// RTX830 pair (yamaha-platform-facts.md §2.1) is a modelled command the validator accepts, `show
// config` shows it with the pre-shared key masked, and the router plan (ipsec-plan.ts) turns it into
// the IKE gateway the RTX documents describe: main or aggressive mode, identities, addresses,
// algorithms, NAT-T, keepalive, auto refresh. Pure: no sockets.
import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { configPlatform, parseConfig, validateConfig } from '../../../../reference-impl/config/index.ts';
import { ID_TYPE } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import { planIpsec, peerKeyOf, type IpsecPlan } from '../../../../reference-impl/router/ipsec/ipsec-plan.ts';
import { MemoryDevice } from '../../../../reference-impl/router/memory-device.ts';
import { Router } from '../../../../reference-impl/router/router.ts';
import { IKE_SYSLOG_CATALOGUE, ikeLogLevel, ikeSyslogIdOf, renderIkeSyslog, type IkeSyslogId } from '../../../../reference-impl/syslog/ike-catalogue.ts';
import { seedConfig } from '../lab.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const real = (f: string) => readFileSync(path.join(ROOT, 'topologies/real-configs', f), 'utf8');
const EXAMPLES = ['ex4-ipsec-fixed-fixed', 'ex5-ipsec-fixed-dynamic', 'ex6-ipsec-netvolante', 'ex7-ipsec-ngn-v6-name', 'ex8-ipsec-dhcp-both-sites'];
const CONFIGS: { name: string; text: string; model: string; rev: string }[] = [
  ...EXAMPLES.flatMap((e) => (['rt1', 'rt2'] as const).map((r) => ({ name: `${e}/${r}`, text: seedConfig(e, r), model: 'RTX1210', rev: '14.01.26' }))),
  { name: 'RTX830 RT1 (facts §2.1)', text: real('blog830-rtx830-rt1-fixed-responder.conf'), model: 'RTX830', rev: '15.02.17' },
  { name: 'RTX830 RT2 (facts §2.1)', text: real('blog830-rtx830-rt2-dynamic-initiator.conf'), model: 'RTX830', rev: '15.02.17' },
];

const plan = (text: string, force = false): IpsecPlan => planIpsec(parseConfig(text), { fallbackLocal: '203.0.113.9', forceUdpEncapsulation: force });

test.describe('IPsec commands of the examples in the config oracle', () => {
  for (const c of CONFIGS) {
    test(`${c.name}: every ipsec line is a modelled command, valid for ${c.model} Rev.${c.rev}, shown by show config with the key masked`, () => {
      const doc = parseConfig(c.text);
      const lines = doc.lines.filter((l) => /^ipsec /.test(l.text));
      expect(lines.length).toBeGreaterThanOrEqual(8);
      expect(lines.filter((l) => l.parsed.kind !== 'command').map((l) => l.text)).toEqual([]);
      expect(validateConfig(doc, configPlatform(c.model, c.rev))).toEqual([]);
      const device = new MemoryDevice({ model: c.model, firmware: c.rev, config: c.text, clock: () => 0 });
      const shown = device.configDisplayLines();
      for (const l of lines) {
        const expected = /pre-shared-key/.test(l.text) ? l.text.replace(/ text \S+$/, ' text *') : l.text;
        expect(shown.map((x) => x.trim())).toContain(expected);
      }
      // the key itself appears only when secrets are revealed on purpose
      const key = / pre-shared-key 1 text (\S+)/.exec(c.text)![1];
      const keyLines = (l: string[]) => l.filter((x) => x.includes('pre-shared-key')).join('\n');
      expect(keyLines(shown).includes(key)).toBe(false);
      expect(keyLines(device.configDisplayLines(true)).includes(key)).toBe(true);
    });
  }
});

test.describe('the router\'s IKE gateways from the config (ipsec-plan.ts)', () => {
  test('example 4: main mode between the two fixed addresses, aes-cbc/sha-hmac, auto refresh, no NAT-T unless the emulator forces it', () => {
    const p = plan(seedConfig('ex4-ipsec-fixed-fixed', 'rt1'));
    expect(p.skipped).toEqual([]);
    expect(p.tunnels).toEqual([{ tunnel: 1, gateway: 1, policy: 101, l2tpPeer: '198.51.100.2' }]);
    const g = p.gateways[0];
    expect(g).toMatchObject({ gateway: 1, local: '198.51.100.1', remote: '198.51.100.2', exchange: 'main', esp: { cipher: 'aes-cbc', integrity: 'sha-hmac' }, autoRefresh: true, transport: { protocol: 17, port: 1701 } });
    expect(g.localId).toBeUndefined();
    expect(Buffer.from(g.psk).toString()).toBe('lab-ipsec-psk');
    expect(g.natTraversal).toEqual({ on: false, force: false, keepaliveS: 300 });
    // 'esp-only-in-udp': the emulator behaves as force=on
    expect(plan(seedConfig('ex4-ipsec-fixed-fixed', 'rt1'), true).gateways[0].natTraversal).toEqual({ on: true, force: true, keepaliveS: 300 });
    // `keepalive use 1 on` without a method: heartbeat ('keepalive-default-method'), which is not sent
    expect(g.keepalive).toEqual({ method: 'heartbeat', intervalS: 10, count: 6 });
  });

  test('example 5: the fixed side answers aggressive mode from any address with the remote name; the dynamic side sends its local name', () => {
    const fixed = plan(seedConfig('ex5-ipsec-fixed-dynamic', 'rt1'));
    expect(fixed.gateways[0]).toMatchObject({ remote: 'any', exchange: 'aggressive', remoteId: { type: ID_TYPE.fqdn, value: 'l2tpv3-site2' }, natTraversal: { on: true, force: false } });
    // no tunnel endpoint address: the L2TP peer is known once the SA is up
    expect(fixed.tunnels[0].l2tpPeer).toBe(peerKeyOf(1));
    const dynamic = plan(seedConfig('ex5-ipsec-fixed-dynamic', 'rt2'));
    // no `ipsec ike local address` and a DHCP WAN: the router's own address
    expect(dynamic.gateways[0]).toMatchObject({ local: '203.0.113.9', remote: '198.51.100.1', exchange: 'aggressive', localId: { type: ID_TYPE.fqdn, value: 'l2tpv3-site2' } });
    expect(dynamic.tunnels[0].l2tpPeer).toBe('198.51.100.1');
  });

  test('example 6: a host name in `ipsec ike remote address` waits for DNS (remoteNames), the tunnel known by name uses the SA\'s peer', () => {
    const p = plan(seedConfig('ex6-ipsec-netvolante', 'rt2'));
    expect([...p.remoteNames]).toEqual([[1, 'l2tpv3-lab-rt1.aa0.netvolante.jp']]);
    expect(p.gateways[0].remote).toBe('0.0.0.0');
    expect(p.tunnels[0].l2tpPeer).toBe(peerKeyOf(1));
  });

  test('the RTX830 pair: key-id-less names, NAT-T on, the responder with `remote address any`', () => {
    const rt1 = plan(real('blog830-rtx830-rt1-fixed-responder.conf'));
    expect(rt1.gateways[0]).toMatchObject({ local: '192.168.100.1', remote: 'any', exchange: 'aggressive', remoteId: { value: 'l2tpv3' }, natTraversal: { on: true } });
    const rt2 = plan(real('blog830-rtx830-rt2-dynamic-initiator.conf'));
    expect(rt2.gateways[0]).toMatchObject({ local: '192.168.100.254', remote: '10.10.10.138', exchange: 'aggressive', localId: { value: 'l2tpv3' } });
    expect(rt2.tunnels[0].l2tpPeer).toBe('10.10.10.138');
    // `ipsec ike log 1 key-info message-info payload-info` (CR §15.42)
    expect([...rt2.ikeLog.get(1)!].sort()).toEqual(['key-info', 'message-info', 'payload-info']);
    expect(plan(seedConfig('ex4-ipsec-fixed-fixed', 'rt1')).ikeLog.get(1)?.size).toBe(0);
  });

  const base = seedConfig('ex4-ipsec-fixed-fixed', 'rt1');
  const edit = (from: RegExp, to: string) => base.replace(from, to);

  test('keepalive: dpd with interval and count, off, auto without a method', () => {
    expect(plan(edit(/ipsec ike keepalive use 1 on/, 'ipsec ike keepalive use 1 on dpd 5 3')).gateways[0].keepalive).toEqual({ method: 'dpd', intervalS: 5, count: 3 });
    expect(plan(edit(/ipsec ike keepalive use 1 on/, 'ipsec ike keepalive use 1 off')).gateways[0].keepalive.method).toBe('off');
    expect(plan(edit(/ipsec ike keepalive use 1 on/, 'ipsec ike keepalive use 1 auto')).gateways[0].keepalive.method).toBe('off');
    expect(plan(edit(/ipsec ike keepalive use 1 on/, 'ipsec ike keepalive use 1 auto dpd')).gateways[0].keepalive.method).toBe('dpd');
  });

  test('anti-replay-check: from the SA policy, else the model default (off on RTX3510/RTX1300, §1.4); keepalive log default on', () => {
    expect(plan(base).antiReplay.get(1)).toBe(true);
    expect(plan(edit(/esp aes-cbc sha-hmac/, 'esp aes-cbc sha-hmac anti-replay-check=off')).antiReplay.get(1)).toBe(false);
    expect(planIpsec(parseConfig(base), { model: 'RTX1300', fallbackLocal: '0.0.0.0', forceUdpEncapsulation: false }).antiReplay.get(1)).toBe(false);
    expect(plan(edit(/ipsec ike keepalive log 1 off/, '')).keepaliveLog.get(1)).toBe(true);
    expect(plan(base).keepaliveLog.get(1)).toBe(false);
  });

  test('nat-traversal options: force=on and keepalive=', () => {
    const p = plan(edit(/( {2}ipsec ike local address)/, '  ipsec ike nat-traversal 1 on keepalive=60 force=on\n$1'));
    expect(p.gateways[0].natTraversal).toEqual({ on: true, force: true, keepaliveS: 60 });
    expect(plan(edit(/( {2}ipsec ike local address)/, '  ipsec ike nat-traversal 1 on keepalive=off\n$1')).gateways[0].natTraversal.keepaliveS).toBe('off');
  });

  test('auto refresh: global off by default, per-gateway off wins, global off wins over per-gateway on (§1.4)', () => {
    expect(plan(edit(/ipsec auto refresh on\n/, '')).gateways[0].autoRefresh).toBe(false);
    expect(plan(edit(/ipsec auto refresh on\n/, 'ipsec auto refresh on\nipsec auto refresh 1 off\n')).gateways[0].autoRefresh).toBe(false);
    expect(plan(edit(/ipsec auto refresh on\n/, 'ipsec auto refresh 1 on\n')).gateways[0].autoRefresh).toBe(false);
  });

  test('pre-shared key in 0x form; no key or an algorithm the oracle lacks leaves the gateway out, saying why (never the key)', () => {
    expect(Buffer.from(plan(edit(/text lab-ipsec-psk/, '0x6c61622d6b6579')).gateways[0].psk).toString()).toBe('lab-key');
    const none = plan(edit(/ {2}ipsec ike pre-shared-key.*\n/, ''));
    expect(none.gateways).toEqual([]);
    expect(none.skipped).toEqual([{ gateway: 1, reason: 'no ipsec ike pre-shared-key' }]);
    expect(none.tunnels).toEqual([]);
    const des = plan(edit(/esp aes-cbc sha-hmac/, 'esp des-cbc sha-hmac'));
    expect(des.skipped[0].reason).toMatch(/des-cbc is not modelled/);
    expect(JSON.stringify(des)).not.toContain('lab-ipsec-psk');
  });
});

test('platform gating (seed: 対応機種とファームウェアリビジョン, L2TPv3/IPsec column): a revision without it refuses the config at start', () => {
  const conf = seedConfig('ex4-ipsec-fixed-fixed', 'rt1');
  expect(validateConfig(parseConfig(conf), configPlatform('RTX1200', '10.01.65'))).toEqual([]);
  const issues = validateConfig(parseConfig(conf), configPlatform('RTX1200', '10.01.50'));
  expect(issues.map((i) => i.rule)).toContain('l2tpv3-unsupported');
  expect(() => new Router({ model: 'RTX1200', firmware: '10.01.50', config: conf })).toThrow(/config refused by RTX1200 Rev\.10\.01\.50/);
});

test.describe('IKE syslog lines (syslog/ike-catalogue.ts)', () => {
  test('the four lines seen on a real RTX are INFO facts; what the IKE oracle logs is classified by its template', () => {
    const facts: IkeSyslogId[] = ['initiatePhase1', 'respondPhase1', 'initiatePhase2', 'respondPhase2'];
    for (const id of facts) expect(IKE_SYSLOG_CATALOGUE[id]).toMatchObject({ level: 'INFO', source: 'fact' });
    // ipsec-facts.md, verbatim (BLOG-1100)
    expect(renderIkeSyslog('initiatePhase1', { address: '200.1.1.1', local: '100.1.1.1' })).toBe('[IKE] initiate ISAKMP phase to 200.1.1.1 (local address 100.1.1.1)');
    expect(ikeSyslogIdOf('[IKE] respond IPsec phase to 200.1.1.1')).toBe('respondPhase2');
    expect(ikeSyslogIdOf('IP Tunnel[1] Up')).toBe('ipTunnelUp');
    expect(ikeLogLevel('[IKE] quick mode 1f abandoned: no answer')).toBe('DEBUG');
    expect(ikeLogLevel('[IKE] something no template knows')).toBe('DEBUG');
    for (const [id, e] of Object.entries(IKE_SYSLOG_CATALOGUE)) {
      const args = Object.fromEntries([...e.template.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'x1']));
      expect(ikeSyslogIdOf(renderIkeSyslog(id as IkeSyslogId, args))).toBe(id);
    }
  });
});

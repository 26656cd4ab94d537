// The emulated router's `ipsec auto refresh` after losing its SA (assumptions
// 'auto-refresh-after-loss' and 'name-resolved-per-key-exchange' in
// reference-impl/router/ipsec/ipsec-assumptions.ts), the router-side half of the seed's 設定例6
// ("the address changes and the tunnel comes back"; the lab half is
// tests/labs/ipsec-netvolante-readdress-netns.spec.ts): rt2 knows rt1 by a NetVolante DNS name;
// rt1 goes silent; rt2's DPD declares it dead; rt2 starts key exchange again by itself, asking DNS
// again, and initiates phase 1 to the address the name answers now.
import { test, expect } from '@playwright/test';
import { renderIkeSyslog } from '../../../../reference-impl/syslog/ike-catalogue.ts';
import { established, waitFor } from '../lab.ts';
import { ipsecLoopbackUnavailable, logTexts, seedConfig, startIpsecPair } from './ipsec-lab.ts';

const skip = ipsecLoopbackUnavailable();
const NAME = 'l2tpv3-lab-rt1.aa0.netvolante.jp';

for (const refresh of ['on', 'off'] as const) {
  test(`設定例6 with \`ipsec auto refresh ${refresh}\`: after DPD finds the peer dead, ${refresh === 'on' ? 'key exchange starts again and the name is resolved anew, to the address it answers now' : 'the router does not start key exchange by itself'}`, async () => {
    test.skip(skip !== null, skip ?? '');
    // L2TP keepalive off: no L2TP message needs the SA after the loss, so only auto refresh can start key exchange
    const config = (r: 'rt1' | 'rt2') => seedConfig('ex6-ipsec-netvolante', r).replace(/^ipsec auto refresh on$/m, `ipsec auto refresh ${refresh}`).replace(/^ l2tp keepalive use on 60 3$/m, ' l2tp keepalive use off');
    // the lab DNS of the test: the name answers rt1's first address, later another one
    let answer = '198.51.100.1';
    const asked: string[] = [];
    const resolveName = async (name: string) => {
      asked.push(`${name} -> ${answer}`);
      return answer;
    };
    const p = await startIpsecPair({ configA: config('rt1'), configB: config('rt2'), timeScale: 20, addresses: { a: ['198.51.100.1'], b: ['203.0.113.2'] }, extraB: { resolveName } });
    try {
      // with auto refresh off the SA comes up on demand, by rt2's L2TP (always-on)
      await waitFor(() => established(p.a.router) && established(p.b.router), 15_000, 'the pseudowire of example 6');
      expect(asked.length).toBeGreaterThan(0);
      expect(asked.every((a) => a === `${NAME} -> 198.51.100.1`)).toBe(true);
      // rt1's address changes: it falls silent at the old one, and the name answers the new one
      const askedBefore = asked.length;
      answer = '198.51.100.77';
      p.a.router.stop({ silent: true });
      const dead = renderIkeSyslog('keepaliveDown', { address: '198.51.100.1' });
      await waitFor(() => logTexts(p.b).includes(dead), 15_000, 'DPD: rt1 dead (dpd 10 3, virtual)');
      const initiateNew = renderIkeSyslog('initiatePhase1', { address: '198.51.100.77', local: '203.0.113.2' });
      if (refresh === 'on') {
        await waitFor(() => logTexts(p.b).includes(initiateNew), 10_000, 'phase 1 to the address the name answers now');
        expect(asked[askedBefore], 'asked again when key exchange restarted').toBe(`${NAME} -> 198.51.100.77`);
        expect(logTexts(p.b).indexOf(initiateNew)).toBeGreaterThan(logTexts(p.b).indexOf(dead));
      } else {
        // 30 virtual seconds (three retry intervals of 'auto-refresh-after-loss'): rt2 stays quiet
        const t0 = p.b.router.time.now();
        await waitFor(() => p.b.router.time.now() > t0 + 30_000, 5_000, 'thirty virtual seconds');
        expect(logTexts(p.b).filter((l) => l.startsWith('[IKE] initiate ISAKMP phase to ')).length, 'no key exchange started by the router itself (only the first one)').toBe(1);
        expect(asked.length, 'and the name not asked again').toBe(askedBefore);
      }
    } finally {
      p.stop();
    }
  });
}

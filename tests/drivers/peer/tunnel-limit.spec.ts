// Issue 7 point 4: a device refuses the tunnel beyond its
// model's limit (seed: L2TPv3動作可能最大トンネル数, read from the platform table, not retyped):
// RTX830 1, RTX1210 9, vRX 99 (the largest: 99 peers at once, then one more).
// With the limit configured, that many peers (one lab address each) hold sessions at once, and
// one more peer is refused: no SCCRP, the router logs "can't find tunnel number". A config with
// one tunnel more than the limit is refused by the router at start.
import { test, expect } from '@playwright/test';
import { capabilities } from '../../../reference-impl/platform/capabilities.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { RouterProcess } from '../../../drivers/dut/router-process.ts';
import { openPeerLab } from './helpers/open-lab.ts';
import { routerConfig, type RouterTunnelSpec } from '../../../drivers/dut/lab-config.ts';

const peerAddress = (i: number) => `127.0.0.${2 + i}`;
const tunnelsFor = (n: number): RouterTunnelSpec[] => Array.from({ length: n }, (_, i) => ({ n: i + 1, peer: peerAddress(i) }));

for (const { model, firmware } of [{ model: 'RTX830', firmware: '15.02.22' }, { model: 'RTX1210', firmware: '14.01.26' }, { model: 'vRX VMware ESXi版', firmware: '19.00.10' }]) {
  const limit = capabilities(model, firmware).maxL2tpv3Tunnels;

  test(`${model} Rev.${firmware}: ${limit} tunnel(s) up at once, the peer beyond the limit is refused`, async () => {
    const lab = await openPeerLab({ model, firmware, tunnels: tunnelsFor(limit) });
    try {
      await lab.startRouter();
      const peers = await Promise.all(Array.from({ length: limit }, (_, i) => lab.peer(peerAddress(i), { role: 'initiator' })));
      const layouts = await Promise.all(peers.map((p) => p.established(15_000)));
      expect(new Set(layouts.map((l) => l.remoteSessionId)).size).toBe(limit);
      for (const [i, p] of peers.entries()) {
        await lab.syslog.waitFor(renderSyslog('tunnelEstablished', { tunnel: i + 1, tunnelId: p.remoteCcid! }));
      }
      // One more far end: no tunnel interface points at its address.
      const extra = await lab.peer(peerAddress(limit), { role: 'initiator' });
      await lab.syslog.waitFor(renderSyslog('cantFindTunnel'));
      // It got no SCCRP (the oracle drops such an SCCRQ: see node.ts ASSUMPTION) and the others stay up.
      expect(extra.received('SCCRP')).toHaveLength(0);
      expect(extra.state).not.toBe('established');
      for (const p of peers) expect(p.state).toBe('established');
    } finally {
      await lab.close(test.info());
    }
  });

  test(`${model} Rev.${firmware}: a config with ${limit + 1} L2TPv3 tunnels is refused`, async () => {
    const r = await RouterProcess.run({
      model, firmware, config: routerConfig(tunnelsFor(limit + 1), 514), wan: '127.0.0.1', l2tpPort: 1,
    });
    if (r.kind === 'ready') await r.router.stop();
    expect(r.kind).toBe('exited');
    if (r.kind === 'exited') {
      expect(r.code).not.toBe(0);
      expect(r.output).toContain(`at most ${limit} L2TPv3 tunnel`);
    }
  });
}

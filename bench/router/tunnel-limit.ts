// Bench (a), issue 6 point 6: a vRX-profile emulated router (its own process) holds its maximum of
// L2TPv3 tunnels (seed: L2TPv3動作可能最大トンネル数, vRX 99, read from the platform table), each
// with a session, dialled at once by the harness's tester peer (drivers/peer, one lab address per
// tunnel); time from the first SCCRQ to every session established, the router's peak RSS
// (VmHWM), and whether one more peer is refused (no SCCRP; the router logs "can't find tunnel number").
import { supportBands } from '../../reference-impl/platform/capabilities.ts';
import { formatRevision } from '../../reference-impl/platform/revision.ts';
import { renderSyslog } from '../../reference-impl/syslog/catalogue.ts';
import { Conversation } from '../../drivers/peer/conversation.ts';
import { PeerTunnel } from '../../drivers/peer/peer-tunnel.ts';
import { LAB_IDS, routerConfig } from '../../drivers/dut/lab-config.ts';
import { freeUdpPort } from '../../drivers/dut/router-process.ts';
import { SyslogListener } from '../../drivers/dut/syslog-listener.ts';
import { BenchRouter, mb, verdict } from './processes.ts';

export const TUNNEL_LIMIT_TARGETS = { establishMs: 2000, peakRssBytes: 200 * 1024 * 1024 } as const;
const VRX = 'vRX VMware ESXi版';
const BOUND_MS = 20_000;

const peerAddress = (i: number) => `127.0.0.${2 + i}`;

export async function benchTunnelLimit(log: (line: string) => void): Promise<boolean> {
  const band = supportBands().find((b) => b.model === VRX);
  if (!band) throw new Error(`no ${VRX} band in the support table`);
  const firmware = band.sampleRevision === 'any' ? 'any' : formatRevision(band.sampleRevision);
  const limit = band.capabilities.maxL2tpv3Tunnels;
  log(`(a) ${VRX} Rev.${firmware}: ${limit} L2TPv3 tunnels, each with a session, from ${limit} tester peers at once; then peer ${limit + 1}`);
  const syslog = await SyslogListener.open();
  const port = await freeUdpPort();
  const config = routerConfig(Array.from({ length: limit }, (_, i) => ({ n: i + 1, peer: peerAddress(i) })), syslog.port);
  const peers: PeerTunnel[] = [];
  let router: BenchRouter | undefined;
  try {
    const t0 = performance.now();
    router = await BenchRouter.start({ model: VRX, firmware, config, wan: '127.0.0.1', l2tpPort: port }, BOUND_MS);
    log(`  router process ${router.pid} ready in ${Math.round(performance.now() - t0)} ms`);
    // Conversation kept small: only the figures matter here.
    const conversation = new Conversation(1000);
    const make = (i: number) =>
      new PeerTunnel({ local: { host: peerAddress(i), port }, device: { host: '127.0.0.1', port }, role: 'initiator', tunnel: i + 1,
        routerId: LAB_IDS.peerRouterId, endId: LAB_IDS.endId, timeScale: 1, seed: 1000 + i, conversation });
    for (let i = 0; i < limit; i++) peers.push(make(i));
    const start = performance.now();
    await Promise.all(peers.map((p) => p.start())); // each initiator sends its SCCRQ on start
    const ups = await Promise.allSettled(peers.map((p) => p.established(BOUND_MS)));
    const allUpMs = performance.now() - start;
    const up = ups.filter((u) => u.status === 'fulfilled').length;
    const sessionIds = new Set(ups.flatMap((u) => (u.status === 'fulfilled' ? [u.value.remoteSessionId] : [])));
    // one more far end: no tunnel interface points at its address
    const extra = make(limit);
    peers.push(extra);
    await extra.start();
    let refused = false;
    let refusal = 'no syslog line';
    try {
      await syslog.waitFor(renderSyslog('cantFindTunnel'), 5000);
      refusal = `"${renderSyslog('cantFindTunnel')}" logged`;
      refused = extra.received('SCCRP').length === 0 && extra.state !== 'established';
    } catch {
      refused = false;
    }
    const stillUp = peers.slice(0, limit).filter((p) => p.state === 'established').length;
    const mem = router.memory();
    log(`  sessions established: ${up}/${limit} (distinct session ids ${sessionIds.size}), all within ${Math.round(allUpMs)} ms; still up after the extra peer: ${stillUp}`);
    log(`  peer ${limit + 1}: ${refused ? 'refused' : 'NOT refused'} (${refusal}; SCCRPs to it: ${extra.received('SCCRP').length}, its state ${extra.state})`);
    log(`  router RSS now ${mb(mem.rss)}, peak ${mb(mem.peak)}`);
    const timeMet = up === limit && allUpMs <= TUNNEL_LIMIT_TARGETS.establishMs;
    const memMet = mem.peak <= TUNNEL_LIMIT_TARGETS.peakRssBytes;
    log(verdict(`time to all ${limit} established`, up === limit ? `${Math.round(allUpMs)} ms` : `only ${up} of ${limit} in ${BOUND_MS} ms`, `<= ${TUNNEL_LIMIT_TARGETS.establishMs} ms`, timeMet));
    log(verdict('router peak RSS', mb(mem.peak), `<= ${mb(TUNNEL_LIMIT_TARGETS.peakRssBytes)}`, memMet));
    log(verdict(`tunnel ${limit + 1} refused`, refused ? 'yes' : 'no', 'refused', refused));
    return timeMet && memMet && refused && stillUp === limit;
  } finally {
    for (const p of peers) await p.close({ silent: true });
    await router?.stop();
    syslog.close();
  }
}

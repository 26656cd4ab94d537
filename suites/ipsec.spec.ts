// L2TPv3/IPsec (ipsec-facts.md; yamaha-platform-facts.md §1.4; the seed's 設定例4 and 5): IKEv1
// main mode for fixed addresses and aggressive mode for a named dynamic peer, quick mode for
// `ipsec transport 1 101 udp 1701`, and only then the L2TPv3 tunnel and session, inside transport
// ESP. The verdict of each test is the whole trace (TracedLab) with an IPsec channel: the ISAKMP
// exchange as the tester peer recorded it, decrypted with the peer's key log, against the oracle's
// IKE nodes for the device and the peer; the device's [IKE] lines; the L2TPv3 control messages
// carried in ESP; and cleartext L2TPv3 from the IPsec peer's address, which must get no answer.
// Where the support table documents no L2TPv3/IPsec the config must be refused as the config
// oracle predicts. Readable summaries stay (soft: the verdict is always reached); the trace is the verdict.
import { needsCapability, test, expect } from './fixtures.ts';
import { LEASE_DIR } from './fixtures.ts';
import { acquirePooledLease } from '../drivers/lease/lease-pool.ts';
import { logicalPeerAddress } from '../drivers/dut/device-under-test.ts';
import { dutCapabilities } from '../drivers/dut/open-dut.ts';
import { attachOracleComparison } from '../reports/allure/attachments.ts';
import { recordDeviceResponse } from '../reports/allure/test-metadata.ts';
import { renderIkeSyslog } from '../reference-impl/syslog/ike-catalogue.ts';
import type { DeviceLab, DeviceLabOptions } from './support/device-lab.ts';
import type { SuiteDevice } from './support/devices.ts';
import { IpsecChannel } from './support/ipsec-channel.ts';
import { attachDecryptedWire } from './support/ipsec-decode.ts';
import { cleartextProbe, deviceGateway, ikeOnlyPeer, ipsecConfig, ipsecPeer, LAB_PSK, type IpsecLabParams, type LabIpsecTransport } from './support/ipsec-lab.ts';
import { observedErrors, predictConfig } from './support/oracle-config.ts';
import { TracedLab } from './support/trace-verdict.ts';

const HOST_MAC = '02:00:00:00:03:0a';
/** The main-mode test's SA lifetimes (s) and the fraction of it at which the peer renews them. */
const LIFETIME_S = 45;
const REKEY_AT = 1 / 3;

const notRoot = process.getuid?.() === 0 ? undefined : 'not root: IKE binds UDP 500 and 4500 on the lab\'s loopback addresses';

/**
 * The router of an @ipsec lab binds UDP 500 and 4500 on its WAN address, and its peers on theirs.
 * Emulated: each lab takes a slot of loopback addresses of its own (127.0.<30+slot>.0/24: the
 * router .1, its peers .2, .3, .4), held as a lease from a pool so that labs of this run and of
 * other runs on the host (CI's mutation run next to the default run) never bind the same address
 * at once. Two slots: IKE's Diffie-Hellman is the heaviest CPU work of the suites, and the verdict
 * judges its timing, so at most two exchanges run at once on the host. The lease is held until the
 * test's router and peers have let go.
 * Physical bench: the addresses are the device under test's (its WAN address; the inventory's
 * harness addresses play the logical peers 127.0.0.2-4, TESTER_IKE_PEER_ADDRESSES of them: the
 * testerIke capability). No slot: a bench run is one worker holding the device's lease.
 */
const IKE_SLOTS = 2;
const IKE_SLOT_NET = 30;
/** The addresses a lab is opened with: an emulated router's own WAN and peers, or a bench's logical peers. */
interface IkeLabAddresses { router?: string; peers: [string, string, string] }
/** The same, as the device under test has them (the addresses on the wire, named in its config and syslog). */
interface IkeAddresses { router: string; peer: string; others: [string, string]; tunnelPeer: string }
interface IkeHold { labs: DeviceLab[]; ike: LabIpsecTransport[]; asked: IkeLabAddresses; addr?: IkeAddresses }

async function withIkePorts(device: SuiteDevice, body: (hold: IkeHold) => Promise<void>): Promise<void> {
  const info = test.info();
  const pooled = dutCapabilities(device).parallelTests;
  const leased = pooled ? await acquirePooledLease('loopback-ike-slot', IKE_SLOTS, info.parallelIndex, { dir: LEASE_DIR, waitMs: 120_000, label: `@ipsec ${info.title}` }) : undefined;
  const net = `127.0.${IKE_SLOT_NET + (leased?.slot ?? 0)}`;
  const asked: IkeLabAddresses = leased
    ? { router: `${net}.1`, peers: [`${net}.2`, `${net}.3`, `${net}.4`] }
    : { peers: [logicalPeerAddress(0), logicalPeerAddress(1), logicalPeerAddress(2)] };
  const hold: IkeHold = { labs: [], ike: [], asked };
  try {
    await body(hold);
  } finally {
    for (const t of hold.ike) await t.close({ silent: true });
    for (const lab of hold.labs) {
      for (const p of lab.peers) await p.close({ silent: true });
      await lab.stopDevice();
    }
    leased?.lease.release();
  }
}

/** The lab's addresses as its device under test has them. */
function ikeAddresses(lab: DeviceLab, asked: IkeLabAddresses): IkeAddresses {
  const [peer, a, b] = asked.peers.map((x) => lab.peerAddress(x));
  return { router: lab.routerAddress, peer, others: [a, b], tunnelPeer: asked.peers[0] };
}

/** The lab of one @ipsec test; false when the device documents no L2TPv3/IPsec (the refusal was then checked). */
async function openIpsecLab(openLab: (o: DeviceLabOptions) => Promise<DeviceLab>, params: (addr: IkeAddresses) => IpsecLabParams, device: { model: string; firmware: string }, documented: 'supported' | 'unsupported', hold: IkeHold): Promise<{ t: TracedLab; p: IpsecLabParams } | false> {
  // the config is built when the device starts, from the addresses the device under test gives
  const lab = await openLab({ tunnels: [{ n: 1, peer: hold.asked.peers[0] }], routerAddress: hold.asked.router, config: (_port, build) => ipsecConfig(build, p) });
  hold.labs.push(lab);
  hold.addr = ikeAddresses(lab, hold.asked);
  const p = params(hold.addr);
  const predicted = predictConfig(lab.config, device.model, device.firmware);
  expect(predicted.response, 'the config oracle agrees with the support table\'s L2TPv3/IPsec column').toBe(documented === 'supported' ? 'accepted' : 'refused');
  if (documented === 'unsupported') {
    expect(await lab.tryStartRouter(), 'an undocumented L2TPv3/IPsec config is refused').toBe('refused');
    await recordDeviceResponse('refused');
    expect(await attachOracleComparison({ what: 'config refusal', predicted: predicted.errors, observed: observedErrors(lab.refusal ?? '') }), 'refused with the error lines the oracle predicts').toBe(true);
    return false;
  }
  const t = new TracedLab(lab);
  await t.startRouter();
  return { t, p };
}

test.describe('L2TPv3/IPsec', { tag: '@ipsec' }, () => {
  // The router and the peers this process starts bind 500/4500 on loopback (root); where the run's
  // preflight already checked the harness may bind them (a bench: root or CAP_NET_BIND_SERVICE,
  // drivers/preflight/ike-binds.ts), no root test here.
  test.skip(({ device }) => notRoot !== undefined && !dutCapabilities(device).ikeBindsPreflighted, notRoot ?? '');

  test('main mode, quick mode, then the tunnel and session inside ESP; cleartext L2TPv3 from the peer\'s address gets no answer; the peer\'s rekey keeps the pseudowire (trace)', async ({ openLab, feature, device }) => {
    needsCapability(device, 'testerIke');
    const documented = await feature('l2tpv3-ipsec', { mode: 'main' });
    // The peer offers 45 s lifetimes (the responder takes the shorter: the oracle's 'lifetimes'
    // assumption) and renews at a third of it (its own profile): a new phase 1 and quick mode at
    // 15 s (1.5 s real at time scale 10), while the old SAs live on to 45 s. Both ends count the same
    // lifetime from their own start, so which one's expiry comes first is a race of the harness's
    // scheduling: the test ends well before it (the rekey, not the expiry, is what it shows).
    await withIkePorts(device, async (hold) => {
      const lab = await openIpsecLab(openLab, (a) => ({ mode: 'main', router: a.router, peer: a.peer, tunnelPeer: a.tunnelPeer }), device, documented, hold);
      if (!lab) return;
      const { t, p } = lab;
      const ipsec = new IpsecChannel({ lab: t.lab, gateways: [deviceGateway(p)], nameOf: (h) => t.nameOf(h) });
      t.addChannel(ipsec);
      const { peer, ipsec: tr } = await ipsecPeer(t, p, { extra: { lifetimeS: LIFETIME_S }, profile: { rekeyAtFraction: REKEY_AT }, watch: (x) => ipsec.watch(x) });
      await peer.established(10_000);
      // the two [IKE] lines seen on real RTX (ipsec-facts.md), waited for here (the syslog datagrams
      // race the ESP ones on loopback); the verdict judges them with everything else
      await t.lab.syslog.waitFor(renderIkeSyslog('respondPhase2', { address: p.peer }), 2000).catch(() => undefined);
      // Cleartext L2TPv3 from the IPsec peer's own address: dropped (ipsec-facts.md).
      const probe = await cleartextProbe(t, p.peer);
      ipsec.watchProbe(probe);
      // The peer's rekey: a second quick mode (and phase 1) while the session stays up.
      // The renewal is due at a third of the 45 s lifetime in the device's time (15 s real on
      // hardware, time scale 1): waited for that long and 10 s more.
      const rekeyDueMs = (LIFETIME_S * 1000 * REKEY_AT) / t.lab.timeScale;
      await tr.waitFor((e) => (e.kind === 'saUp' && tr.events.filter((x) => x.kind === 'saUp').length >= 2 ? true : undefined), rekeyDueMs + 10_000, 'the rekeyed SA');
      // A frame on the new SA, its ESP packet sent twice (esp-replay): the device drops the copy
      // (RFC 4303 §3.4.3, anti-replay-check=on) and logs it; the channel predicts the line.
      tr.misbehave('esp-replay');
      const frame = Uint8Array.from([...Array(6).fill(0xff), ...HOST_MAC.split(':').map((x) => parseInt(x, 16)), 0x88, 0xb5, ...Buffer.from('after-rekey'.padEnd(46, '.'))]);
      expect.soft(peer.sendFrame(frame), 'the session is still up after the rekey').toBe(true);
      // bounded; a device that keeps the copy is judged by the verdict (the predicted line missing)
      await t.lab.syslog.waitFor(/dropped: ESP replayed/, 2000).catch(() => undefined);
      expect.soft(probe.received(), 'no answer to cleartext L2TPv3').toEqual([]);
      expect.soft(peer.state).toBe('established');
      try {
        await t.verdict();
      } finally {
        await probe.close({ silent: true });
        await attachDecryptedWire([tr], [LAB_PSK]);
      }
    });
  });

  test('aggressive mode: a wrong pre-shared key and a wrong identity are refused with the predicted [IKE] lines, then the named peer\'s session; DPD declares it dead once it falls silent (trace)', async ({ openLab, feature, device }) => {
    needsCapability(device, 'testerIke');
    const documented = await feature('l2tpv3-ipsec', { mode: 'aggressive' });
    await withIkePorts(device, async (hold) => {
      const lab = await openIpsecLab(openLab, (a) => ({ mode: 'aggressive', router: a.router, peer: a.peer, tunnelPeer: a.tunnelPeer, dpd: { intervalS: 2, count: 2 } }), device, documented, hold);
      if (!lab) return;
      const { t, p } = lab;
      const addr = hold.addr!;
      const ipsec = new IpsecChannel({ lab: t.lab, gateways: [deviceGateway(p)], nameOf: (h) => t.nameOf(h) });
      t.addChannel(ipsec);
      // Refusals first, from addresses of their own (`remote address any` takes any address):
      // with a wrong key the device cannot verify our HASH_I (RFC 2409 §5.4); with a name it does
      // not know it answers nothing that would make an SA.
      // One after the other: which refusal the device logs first is then the test's doing, not a race.
      const refused = (x: LabIpsecTransport, line: RegExp, what: string) => Promise.all([
        x.waitFor((e) => (e.kind === 'notify' || e.kind === 'ikeDropped' || e.kind === 'phase1Down' ? true : undefined), 5000, what),
        t.lab.syslog.waitFor(line, 5000),
      ]);
      const wrongPsk = await ikeOnlyPeer(t, p, addr.others[0], { misbehaviours: ['ike-wrong-psk'], watch: (x) => ipsec.watch(x) });
      hold.ike.push(wrongPsk);
      await refused(wrongPsk, /\[IKE\] ISAKMP SA with \S+ deleted/, 'the wrong key\'s phase 1 to fail');
      const wrongId = await ikeOnlyPeer(t, p, addr.others[1], { misbehaviours: ['ike-wrong-id'], watch: (x) => ipsec.watch(x) });
      hold.ike.push(wrongId);
      await refused(wrongId, new RegExp(`\\[IKE\\] message from ${addr.others[1].replaceAll('.', '\\.')} dropped`), 'the refusal of the wrong identity');
      expect.soft([...wrongPsk.events, ...wrongId.events].filter((e) => e.kind === 'saUp')).toEqual([]);
      // The named peer (its FQDN as identity, as the dynamic side of 設定例5), silent to DPD.
      const { peer, ipsec: tr } = await ipsecPeer(t, p, { extra: { dpd: { intervalS: 60, count: 6 } }, misbehaviours: ['dpd-silent'], watch: (x) => ipsec.watch(x, { dpdSilent: true }) });
      await peer.established(10_000);
      // `on dpd 2 2`: two unanswered R-U-THERE (RFC 3706 §5.5), then the SAs go (about 0.6 s real at scale 10).
      await t.lab.syslog.waitFor(/\[IKE\] ISAKMP SA with \S+ deleted: DPD/, 10_000);
      expect.soft(tr.events.filter((e) => e.kind === 'saUp')).toHaveLength(1);
      try {
        await t.verdict();
      } finally {
        await attachDecryptedWire([wrongPsk, wrongId, tr], [LAB_PSK]);
      }
    });
  });
});

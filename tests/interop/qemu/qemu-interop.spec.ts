// Issue 15 point 5, "What must be shown" 3: a peer whose data plane and ESP nobody here wrote.
// Debian 12's kernel boots under QEMU (ipsec-facts.md; README.md here) and its l2tp_eth carries an
// L2TPv3 Ethernet pseudowire over UDP 1701 to the emulated router (an RTX830 process); a Linux host
// on the router's LAN1 answers ping across the router's bridge. RTX has no static L2TPv3, so the
// control connection and session come first, from the project's tester peer running in the guest
// on the same address and port (guest-lac.ts); the kernel then carries the data with those IDs and
// cookies, on a static `ip l2tp` tunnel (test 1) or on the peer's own socket made a managed kernel
// tunnel (tests 2, 3: the control connection stays answered). Tests 2 and 3 add strongSwan charon in
// the guest (IKEv1 main mode, aggressive mode) and the guest kernel's transport ESP in UDP 4500.
// One guest serves all three (describe.serial). Skipped with the reason where QEMU, the prepared
// kernel or root is missing.
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKeyLog, tsharkKeyOptions } from '../../../reference-impl/ipsec/key-log.ts';
import { startCapture } from '../../reference-impl/router/ipsec/router-process.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';
import { NAME, PSK, type Scenario } from '../strongswan/scenario.ts';
import { AGGRESSIVE_MODE, CHARON_LOG_TAIL, MAIN_MODE, STOP_CHARON, initiateScript, parseXfrmStates, startCharonScript } from './guest-charon.ts';
import type { LacLayout } from './guest-lac.ts';
import { guestUnavailable, type GuestVm } from './guest-vm.ts';
import { PW_IFNAME, parseLacLayout, pseudowireScript, replaceSessionScript } from './kernel-pseudowire.ts';
import { lacBundle, lacScript, stopLacScript } from './lac-bundle.ts';
import { GUEST_PW, GUEST_WAN, LAN_HOST, ROUTER_BRIDGE, ROUTER_WAN, openQemuLab, type LabRouter, type QemuLab } from './qemu-lab.ts';

const skip = guestUnavailable();
const END_ID = 'qemu-kernel-pw';
const captureSkip = tsharkMissing() ?? (spawnSync('dumpcap', ['-v']).status === 0 ? null : 'dumpcap is not installed (wireshark-common)');

const RAW_CONFIG = `ip route default gateway 198.51.100.254
bridge member bridge1 lan1 tunnel1
ip bridge1 address ${ROUTER_BRIDGE}/24
ip lan2 address ${ROUTER_WAN}/24
tunnel select 1
 tunnel encapsulation l2tpv3-raw
 tunnel endpoint address ${ROUTER_WAN} ${GUEST_WAN}
 l2tp always-on off
 l2tp hostname RT1
 l2tp tunnel disconnect time off
 l2tp keepalive use on 60 3
 l2tp syslog on
 l2tp remote end-id ${END_ID}
 tunnel enable 1
syslog notice on
l2tp service on l2tpv3
`;

/**
 * The router's side of L2TPv3/IPsec (yamaha-platform-facts.md §1.4, the seed's examples 4 and 5):
 * main mode names the guest's address; aggressive mode is the fixed side of a dynamic peer
 * (`remote address any` and the FQDN charon sends; no tunnel endpoint for the peer).
 */
function ipsecConfig(mode: 'main' | 'aggressive'): string {
  const main = mode === 'main';
  return `bridge member bridge1 lan1 tunnel1
ip bridge1 address ${ROUTER_BRIDGE}/24
ip lan2 address ${ROUTER_WAN}/24
tunnel select 1
 tunnel encapsulation l2tpv3
${main ? ` tunnel endpoint address ${ROUTER_WAN} ${GUEST_WAN}\n` : ''} ipsec tunnel 101
  ipsec sa policy 101 1 esp aes-cbc sha-hmac
  ipsec ike keepalive use 1 on dpd
  ipsec ike local address 1 ${ROUTER_WAN}
${main ? '' : `  ipsec ike remote name 1 ${NAME} fqdn\n`}  ipsec ike nat-traversal 1 on
  ipsec ike pre-shared-key 1 text ${PSK}
  ipsec ike remote address 1 ${main ? GUEST_WAN : 'any'}
 l2tp always-on off
 l2tp hostname RT1
 l2tp tunnel disconnect time off
 l2tp keepalive use on 60 3
 l2tp syslog on
 l2tp remote end-id ${END_ID}
 tunnel enable 1
ipsec transport 1 101 udp 1701
syslog notice on
l2tp service on l2tpv3
`;
}

test.describe.serial('real Linux kernel peer (QEMU guest)', () => {
  test.skip(skip !== null, skip ?? '');
  // Boot under TCG is ~30-40 s on a loaded 2-core machine; each test then takes seconds.
  test.setTimeout(150_000);
  let lab: QemuLab | undefined;
  let bundle = '';
  /** The guest kernel's L2TP tunnel of the running test (deleted after it). */
  let kernelTunnel: number | undefined;
  const t0 = Date.now();

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    bundle = await lacBundle();
    lab = await openQemuLab();
  });

  test.afterAll(async () => {
    await lab?.close();
    // The figure issue 15 asks for (printed, not asserted: speed targets are not timed tests).
    const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
    const slowest = [...(lab?.guest.history ?? [])].sort((a, b) => b.ms - a.ms).slice(0, 4).map((h) => `${h.command.slice(0, 40)} ${s(h.ms)}`);
    console.log(`qemu interop: wall time ${s(Date.now() - t0)} (guest boot ${s(lab?.guest.bootMs ?? 0)}; slowest guest commands: ${slowest.join('; ')})`);
  });

  /** The control connection from the guest (tester peer on the guest's 1701), then the kernel's pseudowire. */
  async function kernelPseudowire(guest: GuestVm, cookieLength: 0 | 4 | 8, tunnel: 'static' | 'managed'): Promise<LacLayout> {
    const lac = await guest.run(lacScript(bundle, { local: GUEST_WAN, device: ROUTER_WAN, cookieLength, endId: END_ID, timeoutMs: 30_000, tunnel }), 90_000);
    expect(lac.code, lac.output).toBe(0);
    const l = parseLacLayout(lac.output);
    expect(l.pseudowireType, 'Ethernet pseudowire (RFC 4719)').toBe(5);
    kernelTunnel = l.localTunnelId;
    await guest.must(pseudowireScript(l, { tunnel, local: GUEST_WAN, remote: ROUTER_WAN, pwAddress: `${GUEST_PW}/24` }));
    const shown = await guest.must('ip l2tp show session');
    expect(shown).toContain(`Session ${l.localSessionId} in tunnel ${l.localTunnelId}`);
    return l;
  }

  /** charon in the guest: phase 1 + quick mode; then two transport ESP-in-UDP SAs and the udp/1701 policy in the guest kernel. */
  async function establishSa(guest: GuestVm, scenario: Scenario): Promise<void> {
    await guest.must(startCharonScript(scenario, ROUTER_WAN, GUEST_WAN), 60_000);
    const up = await guest.run(initiateScript(60), 90_000);
    if (up.code !== 0) throw new Error(`swanctl --initiate failed (${up.code}):\n${up.output.split('\n').slice(-15).join('\n')}\n--- charon log ---\n${(await guest.run(CHARON_LOG_TAIL)).output}`);
    expect(up.output).toMatch(/CHILD_SA l2tp\{\d+\} established/);
    const sas = parseXfrmStates(await guest.must('ip -s xfrm state'));
    expect(sas.map((sa) => `${sa.src}>${sa.dst} ${sa.mode} ${sa.encap}`).sort()).toEqual([
      `${ROUTER_WAN}>${GUEST_WAN} transport espinudp 4500->4500`,
      `${GUEST_WAN}>${ROUTER_WAN} transport espinudp 4500->4500`,
    ]);
    expect(await guest.must('ip xfrm policy'), 'a policy for udp/1701').toMatch(/proto udp sport 1701 dport 1701/);
  }

  async function withDiagnostics(router: LabRouter, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      const tail = lab?.guest.console().split('\n').slice(-15).join('\n') ?? '';
      throw new Error(`${(e as Error).message}\n--- router output (tail) ---\n${router.output().slice(-1200)}\n--- guest console (tail) ---\n${tail}`);
    } finally {
      // The next test's control connection needs UDP 1701 in the guest again.
      await lab?.guest.run(stopLacScript).catch(() => undefined);
      if (kernelTunnel !== undefined) await lab?.guest.run(`ip l2tp del tunnel tunnel_id ${kernelTunnel}`).catch(() => undefined);
      kernelTunnel = undefined;
      await router.stop();
    }
  }

  test('the guest kernel static L2TPv3 Ethernet pseudowire (ip l2tp, cookies) carries ping through the emulated router bridge', async () => {
    const guest = lab!.guest;
    // Firmware-profile variant cookie8: the router assigns an 8-octet cookie (RTX's own default sends
    // none), so cookies are checked both ways: 8 octets from the guest, 4 (ours) from the router.
    const router = await lab!.startRouter({ model: 'RTX830', firmware: '15.02.22', config: RAW_CONFIG, extraArgs: ['--profile', 'cookie8'] });
    await withDiagnostics(router, async () => {
      const l = await kernelPseudowire(guest, 4, 'static');
      expect(l.rxCookie, 'our Assigned Cookie: 4 octets').toHaveLength(8);
      expect(l.txCookie, "the router's Assigned Cookie: 8 octets (cookie8)").toHaveLength(16);
      expect((await guest.must('ip l2tp show session')).replace(/\s+/g, ' ')).toContain(`cookie ${l.txCookie}`);

      const toHost = await guest.run(`ping -c 3 -W 3 -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
      expect(toHost.code, `ping the LAN host across the router's bridge:\n${toHost.output}`).toBe(0);
      expect(toHost.output).toMatch(/3 packets transmitted, 3 received/);
      const toRouter = await guest.run(`ping -c 2 -W 3 -I ${PW_IFNAME} ${ROUTER_BRIDGE}`, 30_000);
      expect(toRouter.code, `ping the router's bridge1 address:\n${toRouter.output}`).toBe(0);

      // The router checks the cookie: with a wrong one nothing it forwards comes back.
      const wrong = (parseInt(l.txCookie.slice(0, 8), 16) ^ 0xffffffff) >>> 0;
      await guest.must(replaceSessionScript(l, `${wrong.toString(16).padStart(8, '0')}${l.txCookie.slice(8)}`, `${GUEST_PW}/24`));
      const refused = await guest.run(`ping -c 2 -W 1 -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
      expect(refused.code, `a wrong cookie must not cross:\n${refused.output}`).not.toBe(0);
    });
  });

  test('strongSwan charon in the guest: IKEv1 main mode + quick mode with the emulated router, transport ESP in the guest kernel carries the pseudowire', async () => {
    test.skip(captureSkip !== null, captureSkip ?? '');
    const guest = lab!.guest;
    const dir = mkdtempSync(join(tmpdir(), 'qemu-ipsec-'));
    const keyLog = join(dir, 'router.keys');
    const pcap = join(dir, 'guest-wire.pcapng');
    // The guest's wire (its TAP): everything the guest kernel sends to the router and back.
    const capture = await startCapture('tap0', 'ip', pcap, lab!.netns);
    const cleartextPcap = join(dir, 'guest-wire-cleartext.pcapng');
    let cleartextCapture: Awaited<ReturnType<typeof startCapture>> | undefined;
    const router = await lab!.startRouter({ model: 'RTX830', firmware: '15.02.22', config: ipsecConfig('main'), extraArgs: ['--key-log', keyLog] });
    try {
      await withDiagnostics(router, async () => {
        await establishSa(guest, MAIN_MODE);

        // No cookies here (tshark takes one cookie size for both directions); the first test has them.
        // Managed: the LAC's socket is the kernel tunnel's, and the LAC keeps the control connection.
        await kernelPseudowire(guest, 0, 'managed');
        const ping = await guest.run(`ping -c 3 -W 3 -p ${PING_MARK_HEX} -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
        expect(ping.code, `ping the LAN host through ESP and the router's bridge:\n${ping.output}`).toBe(0);
        expect((await guest.run('kill -0 "$(cat /tmp/lac.pid)"')).code, 'the LAC still runs the control connection').toBe(0);

        // Everything L2TP went through the kernel's ESP: both SAs counted packets.
        const after = parseXfrmStates(await guest.must('ip -s xfrm state'));
        for (const sa of after) expect(sa.packets, `ESP packets on SA ${sa.src}>${sa.dst}`).toBeGreaterThan(3);
        await capture.stop();

        // Without the guest's policies and SAs (both: the tunnel socket's cached route would keep the
        // old SA) its L2TP goes out in cleartext, and the router drops it.
        cleartextCapture = await startCapture('tap0', 'ip', cleartextPcap, lab!.netns);
        await guest.must('ip xfrm policy flush && ip xfrm state flush');
        const cleartext = await guest.run(`ping -c 2 -W 1 -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
        expect(cleartext.code, `cleartext L2TPv3 to an IPsec tunnel's peer must be dropped:\n${cleartext.output}`).not.toBe(0);
      });
      await cleartextCapture?.stop();
      // The cleartext really left the guest (so the drop above is the router's), and nothing came back.
      const clear = tsharkFields(cleartextPcap, ['ip.src'], { prefs: ['l2tp.cookie_size:0', 'l2tp.l2_specific:None'], filter: 'udp.port == 1701' });
      const clearFrom = [...clear.values()].map((f) => f.get('ip.src')?.[0]);
      expect(clearFrom.filter((a) => a === GUEST_WAN).length, 'cleartext L2TP data from the guest after the flush').toBeGreaterThan(0);
      expect(clearFrom.filter((a) => a !== GUEST_WAN), 'L2TP from the router in cleartext').toEqual([]);
      await test.info().attach('guest-wire.pcapng', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
      expectWireIsEsp(pcap, readFileSync(keyLog, 'utf8'));
    } finally {
      await capture.stop();
      await cleartextCapture?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('aggressive mode (FQDN) from the dynamic side: charon in the guest against the router with remote address any; the SA in the guest kernel carries the pseudowire', async () => {
    const guest = lab!.guest;
    const router = await lab!.startRouter({ model: 'RTX830', firmware: '15.02.22', config: ipsecConfig('aggressive') });
    await withDiagnostics(router, async () => {
      await guest.must(STOP_CHARON, 30_000);
      await establishSa(guest, AGGRESSIVE_MODE);
      // The router learns the L2TP peer from the SA (no tunnel endpoint address for it); cookies both ways.
      await kernelPseudowire(guest, 4, 'managed');
      const ping = await guest.run(`ping -c 3 -W 3 -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
      expect(ping.code, `ping the LAN host through ESP and the router's bridge:\n${ping.output}`).toBe(0);
      for (const sa of parseXfrmStates(await guest.must('ip -s xfrm state'))) expect(sa.packets, `ESP packets on SA ${sa.src}>${sa.dst}`).toBeGreaterThan(3);
    });
  });
});

/** Pattern ping puts in its payload ("qemu-kernel"), to find the ICMP inside the decrypted L2TPv3. */
const PING_MARK = 'qemu-kernel';
const PING_MARK_HEX = Buffer.from(PING_MARK).toString('hex');

/**
 * The guest's wire, read by tshark (ipsec-facts.md "Wireshark/tshark 4.0"): without keys only
 * ISAKMP and ESP in UDP 4500 (no L2TP); with the router's key log the guest kernel's ESP decrypts,
 * its ICV checks, and inside is the L2TPv3 control connection and the ping both ways.
 */
function expectWireIsEsp(pcap: string, keyLogText: string): void {
  const l2tpPrefs = ['l2tp.cookie_size:0', 'l2tp.l2_specific:None'];
  expect(tsharkMatching(pcap, 'udp.port == 1701 || l2tp', l2tpPrefs), 'cleartext L2TP on the wire').toEqual([]);
  expect(tsharkMatching(pcap, 'udp && !isakmp && !esp && !udpencap', l2tpPrefs), 'UDP other than IKE and ESP-in-UDP').toEqual([]);
  const keys = tsharkKeyOptions(parseKeyLog(keyLogText).entries);
  const prefs = [...keys, ...l2tpPrefs];
  const esp = tsharkFields(pcap, ['esp.icv_good', 'l2tp.avp.message_type'], { prefs, filter: 'esp' });
  expect(esp.size, 'ESP frames on the wire').toBeGreaterThan(6);
  for (const [n, f] of esp) expect(f.get('esp.icv_good')?.[0], `frame ${n}: ICV checked good`).toMatch(/^(True|1)$/);
  const types = new Set([...esp.values()].flatMap((f) => f.get('l2tp.avp.message_type') ?? []).map(Number));
  for (const t of [1, 2, 3, 10, 11, 12]) expect(types, 'SCCRQ, SCCRP, SCCCN, ICRQ, ICRP, ICCN inside ESP').toContain(t);
  const pings = tsharkFields(pcap, ['ip.src'], { prefs, filter: `esp && l2tp && data.data contains "${PING_MARK}"` });
  const sources = new Set([...pings.values()].map((f) => f.get('ip.src')?.[0]));
  expect(sources, 'the ping inside L2TPv3 inside ESP, both ways').toEqual(new Set([GUEST_WAN, ROUTER_WAN]));
}

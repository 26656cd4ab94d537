// Issue 15 point 5, "What must be shown" 3: a peer whose data plane nobody here wrote. Debian 12's
// kernel boots under QEMU (ipsec-facts.md) and its l2tp_eth carries a static L2TPv3 Ethernet
// pseudowire over UDP 1701, with cookies, to the emulated router (an RTX830 process); a Linux host
// on the router's LAN1 answers ping across the router's bridge. RTX has no static L2TPv3, so the
// control connection and session come first, from the project's tester peer running in the guest
// on the same address and port (guest-lac.ts); then the kernel takes the port with those IDs and
// cookies. Skipped with the reason where QEMU, the prepared kernel or root is missing.
import { test, expect } from '@playwright/test';
import { PSK } from '../strongswan/scenario.ts';
import { CHARON_LOG_TAIL, MAIN_MODE, initiateScript, parseXfrmStates, startCharonScript } from './guest-charon.ts';
import type { LacLayout } from './guest-lac.ts';
import { guestUnavailable, type GuestVm } from './guest-vm.ts';
import { PW_IFNAME, parseLacLayout, replaceSessionScript, staticPseudowireScript } from './kernel-pseudowire.ts';
import { lacBundle } from './lac-bundle.ts';
import { GUEST_PW, GUEST_WAN, LAN_HOST, ROUTER_BRIDGE, ROUTER_WAN, openQemuLab, type LabRouter, type QemuLab } from './qemu-lab.ts';

const skip = guestUnavailable();
const END_ID = 'qemu-kernel-pw';

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

const IPSEC_CONFIG = `bridge member bridge1 lan1 tunnel1
ip bridge1 address ${ROUTER_BRIDGE}/24
ip lan2 address ${ROUTER_WAN}/24
tunnel select 1
 tunnel encapsulation l2tpv3
 tunnel endpoint address ${ROUTER_WAN} ${GUEST_WAN}
 ipsec tunnel 101
  ipsec sa policy 101 1 esp aes-cbc sha-hmac
  ipsec ike keepalive use 1 on dpd
  ipsec ike local address 1 ${ROUTER_WAN}
  ipsec ike nat-traversal 1 on
  ipsec ike pre-shared-key 1 text ${PSK}
  ipsec ike remote address 1 ${GUEST_WAN}
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

test.describe.serial('real Linux kernel peer (QEMU guest)', () => {
  test.skip(skip !== null, skip ?? '');
  // Boot under TCG is ~30-40 s on a loaded 2-core machine; each test then takes seconds.
  test.setTimeout(150_000);
  let lab: QemuLab | undefined;
  let bundle = '';
  const t0 = Date.now();

  test.beforeAll(async () => {
    test.setTimeout(150_000);
    bundle = await lacBundle();
    lab = await openQemuLab();
  });

  test.afterAll(async () => {
    await lab?.close();
    // The figure issue 15 asks for (printed, not asserted: speed targets are not timed tests).
    console.log(`qemu interop: wall time ${((Date.now() - t0) / 1000).toFixed(1)} s (guest boot ${((lab?.guest.bootMs ?? 0) / 1000).toFixed(1)} s)`);
  });

  /** The control connection from the guest (tester peer on the guest's 1701), then the kernel's static pseudowire. */
  async function kernelPseudowire(guest: GuestVm): Promise<LacLayout> {
    const lac = await guest.run(`node ${bundle} ${GUEST_WAN} ${ROUTER_WAN} 4 ${END_ID} 30000`, 90_000);
    expect(lac.code, lac.output).toBe(0);
    const l = parseLacLayout(lac.output);
    expect(l.pseudowireType, 'Ethernet pseudowire (RFC 4719)').toBe(5);
    await guest.must(staticPseudowireScript(l, GUEST_WAN, ROUTER_WAN, `${GUEST_PW}/24`));
    const shown = await guest.must('ip l2tp show session');
    expect(shown).toContain(`Session ${l.localSessionId} in tunnel ${l.localTunnelId}`);
    return l;
  }

  async function withDiagnostics(router: LabRouter, body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (e) {
      const tail = lab?.guest.console().split('\n').slice(-15).join('\n') ?? '';
      throw new Error(`${(e as Error).message}\n--- router output (tail) ---\n${router.output().slice(-1200)}\n--- guest console (tail) ---\n${tail}`);
    } finally {
      await lab?.guest.run('ip l2tp del tunnel tunnel_id "$(ip l2tp show tunnel | sed -n "s/^Tunnel \\([0-9]*\\),.*/\\1/p" | head -1)" 2>/dev/null; true').catch(() => undefined);
      await router.stop();
    }
  }

  test('the guest kernel static L2TPv3 Ethernet pseudowire (ip l2tp, cookies) carries ping through the emulated router bridge', async () => {
    const guest = lab!.guest;
    // Firmware-profile variant cookie8: the router assigns an 8-octet cookie (RTX's own default sends
    // none), so cookies are checked both ways: 8 octets from the guest, 4 (ours) from the router.
    const router = await lab!.startRouter({ model: 'RTX830', firmware: '15.02.22', config: RAW_CONFIG, extraArgs: ['--profile', 'cookie8'] });
    await withDiagnostics(router, async () => {
      const l = await kernelPseudowire(guest);
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
    const guest = lab!.guest;
    const router = await lab!.startRouter({ model: 'RTX830', firmware: '15.02.22', config: IPSEC_CONFIG });
    await withDiagnostics(router, async () => {
      await guest.must(startCharonScript(MAIN_MODE, ROUTER_WAN, GUEST_WAN), 60_000);
      const up = await guest.run(initiateScript(60), 90_000);
      if (up.code !== 0) throw new Error(`swanctl --initiate failed (${up.code}):\n${up.output.split('\n').slice(-15).join('\n')}\n--- charon log ---\n${(await guest.run(CHARON_LOG_TAIL)).output}`);
      expect(up.output).toMatch(/CHILD_SA l2tp\{\d+\} established/);

      // The SAs are in the guest kernel: transport mode, ESP in UDP 4500, one each way.
      const before = parseXfrmStates(await guest.must('ip -s xfrm state'));
      expect(before.map((sa) => `${sa.src}>${sa.dst} ${sa.mode} ${sa.encap}`).sort()).toEqual([
        `${ROUTER_WAN}>${GUEST_WAN} transport espinudp 4500->4500`,
        `${GUEST_WAN}>${ROUTER_WAN} transport espinudp 4500->4500`,
      ]);
      const policies = await guest.must('ip xfrm policy');
      expect(policies, 'a policy for udp/1701 each way').toMatch(/proto udp sport 1701 dport 1701/);

      await kernelPseudowire(guest);
      const ping = await guest.run(`ping -c 3 -W 3 -I ${PW_IFNAME} ${LAN_HOST}`, 30_000);
      expect(ping.code, `ping the LAN host through ESP and the router's bridge:\n${ping.output}`).toBe(0);

      // Everything L2TP went through the kernel's ESP: both SAs counted packets.
      const after = parseXfrmStates(await guest.must('ip -s xfrm state'));
      for (const sa of after) expect(sa.packets, `ESP packets on SA ${sa.src}>${sa.dst}`).toBeGreaterThan(3);
    });
  });
});

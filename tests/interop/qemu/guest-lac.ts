// Runs INSIDE the QEMU guest (bundled by lac-bundle.ts, started with node from the host root the
// guest mounts): the L2TPv3 control connection and session the emulated router requires before it
// accepts data (RTX has no static L2TPv3: `tunnel encapsulation l2tpv3-raw` always runs the control
// plane). It is the project's tester peer (drivers/peer) on the guest's address and UDP 1701. Once
// the session is up it prints the negotiated data layout as one line `@@LAC {json}` and lets the
// socket go silently, so the guest kernel's static `ip l2tp` tunnel can take UDP 1701 and carry the
// data plane with exactly those IDs and cookies (qemu-interop.spec.ts). The control connection is
// not answered after that hand-over: the router's next Hello (keepalive interval) goes unanswered.
// Arguments: LOCAL_ADDR DEVICE_ADDR COOKIE_LENGTH(0|4|8) END_ID TIMEOUT_MS
import { PeerTunnel } from '../../../drivers/peer/index.ts';
import type { CookieLength } from '../../../reference-impl/l2tpv3/data-message.ts';

export interface LacLayout {
  localTunnelId: number;
  peerTunnelId: number;
  localSessionId: number;
  peerSessionId: number;
  /** Cookie the guest puts in data it sends (the router's Assigned Cookie), hex. */
  txCookie: string;
  /** Cookie the guest expects in data it receives (our Assigned Cookie), hex. */
  rxCookie: string;
  txL2ss: string;
  rxL2ss: string;
  pseudowireType: number;
}

export const LAC_MARKER = '@@LAC ';

export async function lacMain(argv: string[]): Promise<number> {
  const [local, device, cookie, endId, timeout] = argv;
  const cookieLength = Number(cookie) as CookieLength;
  const peer = new PeerTunnel({
    local: { host: local, port: 1701 },
    device: { host: device, port: 1701 },
    role: 'initiator',
    hostname: 'qemu-guest',
    cookieLength,
    // RTX refuses an ICRQ without a Remote End ID (session.ts icrqProblem); `l2tp remote end-id` on the router.
    endId,
    seed: 0x9e57,
  });
  await peer.start();
  try {
    const l = await peer.established(Number(timeout));
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    const out: LacLayout = {
      localTunnelId: peer.localCcid ?? 0,
      peerTunnelId: peer.remoteCcid ?? 0,
      localSessionId: l.localSessionId,
      peerSessionId: l.remoteSessionId,
      txCookie: hex(l.txCookie),
      rxCookie: hex(l.rxCookie),
      txL2ss: l.txLayout.l2ss,
      rxL2ss: l.rxLayout.l2ss,
      pseudowireType: l.pseudowireType,
    };
    console.log(`${LAC_MARKER}${JSON.stringify(out)}`);
    return 0;
  } catch (e) {
    console.log(`lac: ${(e as Error).message}`);
    for (const ev of peer.events.slice(-20)) console.log(`lac event: ${JSON.stringify(ev, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} octets>` : v))}`);
    return 1;
  } finally {
    await peer.close({ silent: true });
  }
}

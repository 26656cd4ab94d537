// Runs INSIDE the QEMU guest (bundled by lac-bundle.ts, started with node from the host root the
// guest mounts): the L2TPv3 control connection and session the emulated router requires before it
// accepts data (RTX has no static L2TPv3: `tunnel encapsulation l2tpv3-raw` always runs the control
// plane). It is the project's tester peer (drivers/peer) on the guest's address and UDP 1701. Once
// the session is up it prints the negotiated data layout as one line `@@LAC {json}`; then the guest
// kernel carries the data plane with exactly those IDs and cookies (kernel-pseudowire.ts), in one
// of two ways:
// - static: the peer lets the socket go silently and `ip l2tp add tunnel` takes UDP 1701. The
//   control connection is not answered after that (the router's next Hello goes unanswered).
// - managed (--managed HELPER): the socket, connected to the router, becomes a managed kernel
//   tunnel (l2tp-managed-tunnel.py); the peer keeps running the control connection on it until
//   SIGTERM, then clears it politely. That is how a Linux L2TP daemon works.
// Options: --local ADDR --device ADDR --cookie 0|4|8 --end-id ID --timeout MS [--managed HELPER]
import { parseArgs } from 'node:util';
import { PeerTunnel } from '../../../drivers/peer/index.ts';
import type { CookieLength } from '../../../reference-impl/l2tpv3/data-message.ts';
import { ConnectedUdp } from './connected-udp.ts';

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
const L2TP_PORT = 1701;

export async function lacMain(argv: string[]): Promise<number> {
  const { values: o } = parseArgs({
    args: argv,
    options: { local: { type: 'string' }, device: { type: 'string' }, cookie: { type: 'string' }, 'end-id': { type: 'string' }, timeout: { type: 'string' }, managed: { type: 'string' } },
  });
  if (!o.local || !o.device) throw new Error('--local and --device are required');
  const local = { host: o.local, port: L2TP_PORT };
  const device = { host: o.device, port: L2TP_PORT };
  const transport = o.managed ? new ConnectedUdp(local, device) : undefined;
  const peer = new PeerTunnel({
    local,
    device,
    role: 'initiator',
    hostname: 'qemu-guest',
    cookieLength: Number(o.cookie ?? 0) as CookieLength,
    // RTX refuses an ICRQ without a Remote End ID (session.ts icrqProblem); `l2tp remote end-id` on the router.
    endId: o['end-id'],
    seed: 0x9e57,
    transport,
  });
  await peer.start();
  let layout: LacLayout;
  try {
    const l = await peer.established(Number(o.timeout ?? 30_000));
    const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
    layout = {
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
    if (transport && o.managed) await transport.handToKernel(o.managed, layout.localTunnelId, layout.peerTunnelId);
  } catch (e) {
    console.log(`lac: ${(e as Error).message}`);
    for (const ev of peer.events.slice(-20)) console.log(`lac event: ${JSON.stringify(ev, (_k, v: unknown) => (v instanceof Uint8Array ? `<${v.length} octets>` : v))}`);
    await peer.close({ silent: true });
    return 1;
  }
  console.log(`${LAC_MARKER}${JSON.stringify(layout)}`);
  if (!transport) {
    await peer.close({ silent: true });
    return 0;
  }
  // Managed: keep answering the router's control messages until told to stop, then StopCCN.
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await peer.close();
  return 0;
}

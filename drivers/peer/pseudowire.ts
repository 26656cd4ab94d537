// The pseudowire's far end: the session's Ethernet frames (RFC 4719) bridged to a harness
// traffic port, a UDP socket carrying one raw Ethernet frame per datagram (the convention of
// the emulated router's unprivileged LAN ports and QEMU/GNS3 UDP links). Frames the device
// sends through the tunnel come out at `remote`; datagrams sent to `local` go into the tunnel.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Endpoint } from './conversation.ts';
import type { PeerEvent } from './peer-events.ts';
import type { PeerTunnel } from './peer-tunnel.ts';

export class PseudowirePort {
  /** Frames that arrived from the traffic side while no session was up. */
  dropped = 0;
  private readonly onEvent: (e: PeerEvent) => void;

  private constructor(
    private readonly peer: PeerTunnel,
    private readonly sock: dgram.Socket,
    private readonly remote: Endpoint,
  ) {
    this.onEvent = (e) => {
      if (e.kind === 'frame') sock.send(e.frame, remote.port, remote.host);
    };
    peer.on('event', this.onEvent);
    sock.on('message', (m) => {
      if (!peer.sendFrame(new Uint8Array(m))) this.dropped++;
    });
  }

  /** Binds `local` (port 0: any) and bridges it to the peer's session. */
  static async open(peer: PeerTunnel, local: Endpoint, remote: Endpoint): Promise<PseudowirePort> {
    const s = dgram.createSocket(isIPv6(local.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', (e) => reject(new Error(`pseudowire: cannot bind UDP ${local.host}:${local.port}: ${e.message}`)));
      s.bind(local.port, local.host, () => resolve());
    });
    s.on('error', () => {
      /* the traffic host is not listening yet */
    });
    return new PseudowirePort(peer, s, remote);
  }

  get local(): Endpoint {
    const a = this.sock.address();
    return { host: a.address, port: a.port };
  }

  get describe(): string {
    return `udp:${this.local.host}:${this.local.port}->${this.remote.host}:${this.remote.port}`;
  }

  close(): void {
    this.peer.off('event', this.onEvent);
    this.sock.close();
  }
}

// A DatagramTransport (drivers/peer/peer-tunnel.ts) on one UDP socket bound to the guest's L2TP
// endpoint and connected to the router's: the socket a Linux L2TP daemon hands to the kernel as a
// managed tunnel (l2tp-managed-tunnel.py). connect() matters: the kernel sends its sessions' data
// through the socket to the connected address. Control messages the kernel passes up arrive here.
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import type { DatagramTransport } from '../../../drivers/peer/index.ts';
import type { Endpoint } from '../../../drivers/peer/conversation.ts';

export class ConnectedUdp implements DatagramTransport {
  private sock?: dgram.Socket;

  constructor(private readonly local: Endpoint, private readonly remote: Endpoint) {}

  async open(receive: (bytes: Uint8Array, from: Endpoint) => void): Promise<Endpoint> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', (e) => reject(new Error(`cannot bind UDP ${this.local.host}:${this.local.port}: ${e.message}`)));
      s.bind(this.local.port, this.local.host, () => resolve());
    });
    await new Promise<void>((resolve) => s.connect(this.remote.port, this.remote.host, () => resolve()));
    s.on('error', () => {
      /* ICMP errors from a router not listening yet: the control plane's retransmission covers it */
    });
    s.on('message', (m, r) => receive(new Uint8Array(m), { host: r.address, port: r.port }));
    this.sock = s;
    return { ...this.local };
  }

  send(bytes: Uint8Array, _to: Endpoint, done: () => void): void {
    if (!this.sock) return done();
    this.sock.send(bytes, () => done());
  }

  async close(): Promise<void> {
    this.sock?.close();
    this.sock = undefined;
  }

  /**
   * Makes the socket a managed kernel L2TPv3 tunnel (CONN_ID / PEER_CONN_ID). Node has no public
   * way to the descriptor of a dgram socket: `_handle.fd` is the documented-deprecated one. The
   * helper (`helper`: the path of l2tp-managed-tunnel.py, given by the host: this code runs from a
   * bundle elsewhere) inherits it as fd 3.
   */
  async handToKernel(helper: string, connId: number, peerConnId: number): Promise<void> {
    const fd = (this.sock as unknown as { _handle?: { fd?: number } } | undefined)?._handle?.fd;
    if (fd === undefined || fd < 0) throw new Error('no descriptor for the L2TP socket');
    const child = spawn('python3', [helper, '3', String(connId), String(peerConnId)], { stdio: ['ignore', 'pipe', 'pipe', fd] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.once('error', (e) => { out += e.message; });
      child.once('close', (c) => { clearTimeout(t); resolve(c); });
    });
    if (code !== 0) throw new Error(`l2tp-managed-tunnel.py failed (${code}): ${out.trim()}`);
  }
}

// A TCP proxy on loopback for fault tests: it forwards to a target and, once armed, cuts every
// connection (both sides destroyed) after N more bytes from the client, in the middle of whatever
// is being sent. `down` refuses new connections (the network stays broken) until `up()`.
import net from 'node:net';

export class CuttingProxy {
  private readonly sockets = new Set<net.Socket>();
  private budget: number | undefined;
  private isDown = false;
  private stayDown = false;
  /** connections cut so far */
  cuts = 0;
  /** bytes client -> target forwarded so far */
  forwarded = 0;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(target: { host: string; port: number }): Promise<CuttingProxy> {
    const holder: { proxy?: CuttingProxy } = {};
    const server = net.createServer((client) => holder.proxy!.accept(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    holder.proxy = new CuttingProxy(server, (server.address() as net.AddressInfo).port);
    return holder.proxy;
  }

  /** After `bytes` more client bytes, cut; with `stayDown`, refuse new connections afterwards. */
  cutAfter(bytes: number, stayDown: boolean): void {
    this.budget = bytes;
    this.stayDown = stayDown;
  }

  up(): void {
    this.isDown = false;
  }

  private accept(client: net.Socket, target: { host: string; port: number }): void {
    if (this.isDown) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target);
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('data', (b: Buffer) => {
      if (this.budget !== undefined) {
        if (b.length >= this.budget) {
          upstream.write(b.subarray(0, this.budget));
          this.forwarded += this.budget;
          this.budget = undefined;
          this.cuts++;
          if (this.stayDown) this.isDown = true;
          for (const s of [...this.sockets]) s.destroy();
          this.sockets.clear();
          return;
        }
        this.budget -= b.length;
      }
      this.forwarded += b.length;
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => client.write(b));
    client.on('close', drop).on('error', drop);
    upstream.on('close', drop).on('error', drop);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

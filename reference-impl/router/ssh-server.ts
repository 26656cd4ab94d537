// The RTX CLI over SSH (ssh2 Server). facts §3.1: SSH logs in a named user (`login user`) with
// the SSH client's own password prompt, then shows `>`; protocol 1, empty passwords and port
// forwarding are not supported. Each SSH session (`shell`, with or without a pty, or `exec` of
// one command) runs its own CliSession on the shared device. The host key is generated in
// memory at start-up (a fresh ed25519 key each run).

import ssh2 from 'ssh2';
import type { AuthContext, Connection, ServerChannel } from 'ssh2';
import type { RouterDevice } from './device.ts';
import { CliSession } from './cli/session.ts';

const { Server, utils } = ssh2;

export interface SshServerOptions {
  device: RouterDevice;
  /** default 127.0.0.1 */
  host?: string;
  /** default 0: any free port */
  port?: number;
  /** OpenSSH-format private host key; default: a new ed25519 key */
  hostKey?: string;
  /** show secrets in `show config` (default false) */
  revealSecrets?: boolean;
}

export interface RunningSshServer {
  host: string;
  port: number;
  /** the host key's public half, OpenSSH `ssh-ed25519 AAAA...` form */
  hostKeyPublic: string;
  /** CLI sessions open now */
  openSessions(): number;
  close(): Promise<void>;
}

// ASSUMPTION: the SSH identification string of the emulated router (the real one is not in
// the digest; a hardware run shows it).
export const SSH_IDENT = 'SSH-2.0-OpenSSH';

export function generateHostKey(): { private: string; public: string } {
  // ssh2 1.17 strips a leading zero byte off ed25519 public keys, so about 1 key in 256 does not
  // parse and the server refuses it ("Malformed OpenSSH private key"; mscdex/ssh2#1390, #1513):
  // draw again. Eight misses in a row (odds 256^-8) would be a different fault: report it.
  for (let attempt = 0; attempt < 8; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error)) return { private: pair.private, public: pair.public };
  }
  throw new Error('cannot generate a usable ed25519 SSH host key');
}

export async function startSshServer(opts: SshServerOptions): Promise<RunningSshServer> {
  const { device } = opts;
  const key = opts.hostKey !== undefined ? { private: opts.hostKey, public: '' } : generateHostKey();
  const clients = new Set<Connection>();
  const sessions = new Set<CliSession>();

  const server = new Server({ hostKeys: [key.private], ident: SSH_IDENT.replace(/^SSH-2\.0-/, '') }, (client, info) => {
    clients.add(client);
    let user: string | undefined;
    client.on('authentication', (ctx: AuthContext) => {
      // facts §3.1: password authentication of a `login user`; empty passwords are refused
      if (ctx.method === 'password' && ctx.password !== '' && device.checkUser(ctx.username, ctx.password)) {
        user = ctx.username;
        ctx.accept();
      } else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        let started = false;
        const run = (channel: ServerChannel, command?: string) => {
          started = true;
          const cli = new CliSession({
            device,
            transport: 'SSH',
            authenticatedUser: user,
            peer: info.ip,
            revealSecrets: opts.revealSecrets,
            write: (bytes) => {
              if (channel.writable) channel.write(Buffer.from(bytes));
            },
            close: () => {
              sessions.delete(cli);
              if (!channel.destroyed) {
                channel.exit(0);
                channel.end();
              }
            },
          });
          sessions.add(cli);
          channel.on('data', (data: Buffer) => cli.input(new Uint8Array(data)));
          channel.on('close', () => cli.end());
          if (command !== undefined) cli.exec(command);
          else cli.start();
        };
        session.on('pty', (accept) => accept?.());
        session.on('window-change', (accept) => accept?.());
        session.on('env', (accept) => accept?.());
        session.on('shell', (accept) => {
          if (started) return;
          run(accept());
        });
        session.on('exec', (accept, _reject, execInfo) => {
          if (started) return;
          run(accept(), execInfo.command);
        });
      });
    });
    // a client that drops mid-handshake is not the router's problem
    client.on('error', () => undefined);
    client.on('close', () => clients.delete(client));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  return {
    host,
    port,
    hostKeyPublic: key.public,
    openSessions: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...sessions]) s.end();
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

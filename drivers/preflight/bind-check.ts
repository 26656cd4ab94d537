// Can the harness bind the addresses a bench run needs (its tester peers' L2TPv3 port on each
// harness peer address, the syslog collector's port)? Checked before any test, so a wrong address
// or a privileged port is one lab error, not a regression in every test that needed it.

import { createSocket } from 'node:dgram';

export interface BindTarget {
  address: string;
  port: number;
  /** what binds it, for the message: `syslog collector`, `tester peer (site1's L2TPv3 port)` */
  what: string;
}

/** ASSUMPTION (Linux default, not a device fact): ports below net.ipv4.ip_unprivileged_port_start (1024) need CAP_NET_BIND_SERVICE. */
export const PRIVILEGED_PORT_LIMIT = 1024;

function why(code: string | undefined, t: BindTarget): string {
  switch (code) {
    case 'EACCES':
      // IKE's ports are fixed (a device answers on 500 and 4500 only): no other port will do
      if (t.port === 500 || t.port === 4500) return `IKE binds the fixed, privileged port ${t.port} (UDP 500: RFC 2409; UDP 4500: RFC 3947): run the harness as root or give node CAP_NET_BIND_SERVICE (e.g. sudo setcap 'cap_net_bind_service=+ep' "$(command -v node)"), or lower net.ipv4.ip_unprivileged_port_start to 500`;
      return `port ${t.port} is privileged (below ${PRIVILEGED_PORT_LIMIT}): run with CAP_NET_BIND_SERVICE (e.g. sudo setcap 'cap_net_bind_service=+ep' "$(command -v node)"), lower net.ipv4.ip_unprivileged_port_start, or use a port of 1024 and up`;
    case 'EADDRNOTAVAIL':
      return `${t.address} is not an address of this host (ip address show)`;
    case 'EADDRINUSE':
      return `${t.address}:${t.port} is in use by another process (another run, ${t.port === 500 || t.port === 4500 ? 'an IKE daemon such as charon' : 'a syslog daemon'})`;
    default:
      return code ?? 'unknown error';
  }
}

/** Bind UDP on the target and release it; the error (one line) or undefined. */
export function checkUdpBind(t: BindTarget, timeoutMs = 5_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = createSocket({ type: t.address.includes(':') ? 'udp6' : 'udp4' });
    const timer = setTimeout(() => finish(`${t.what}: binding ${t.address}:${t.port} did not finish within ${timeoutMs} ms`), timeoutMs);
    const finish = (err: string | undefined) => {
      clearTimeout(timer);
      try {
        s.close();
      } catch {
        // never bound
      }
      resolve(err);
    };
    s.once('error', (e: NodeJS.ErrnoException) => finish(`${t.what} cannot bind ${t.address}:${t.port}: ${why(e.code, t)}`));
    s.bind(t.port, t.address, () => finish(undefined));
  });
}

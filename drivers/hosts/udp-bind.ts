// A UDP socket bound in this process's own network namespace: the default wherever the harness
// binds a socket facing a device (tester peers, syslog collector, LAN link); a device in a
// namespace lab binds them through its namespaces instead (netns-sockets.ts).
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';

/** Binds a UDP socket here; where a device's sockets must live elsewhere, a function of the same shape binds them there. */
export type UdpBinder = (address: string, port: number) => Promise<dgram.Socket>;

export const bindUdpHere: UdpBinder = (address, port) => {
  const v6 = isIPv6(address) || address.includes(':');
  const s = dgram.createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: v6 });
  return new Promise((resolve, reject) => {
    s.once('error', (e) => {
      s.close();
      reject(new Error(`cannot bind UDP ${address}:${port} (${e.message})`));
    });
    s.bind(port, address, () => {
      s.removeAllListeners('error');
      resolve(s);
    });
  });
};

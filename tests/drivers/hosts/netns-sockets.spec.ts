// Sockets inside a namespace held by the test process (drivers/hosts/netns-sockets.ts): a socket
// bound through the broker sits in the namespace's IP stack (it binds an address only the
// namespace has, and a datagram between two of them crosses the namespace's own interfaces), the
// broker's errors come back named, and the broker ends with close().
import { test, expect } from '@playwright/test';
import { createNetns, deleteNetns, hasProgram, addAddress } from '../../../drivers/hosts/index.ts';
import { NetnsSockets } from '../../../drivers/hosts/netns-sockets.ts';
import { processStartTime } from '../../../drivers/lab/lab-state.ts';
import { bindUdpHere } from '../../../drivers/hosts/udp-bind.ts';

const NS = `l2nss${process.pid}`;

test.describe('sockets in a namespace', () => {
  test.skip(process.getuid?.() !== 0, 'network namespaces need root');
  test.skip(!hasProgram('ip'), 'iproute2 (ip) is not installed');

  test('bound in the namespace, they talk over its stack; errors are named; the broker ends with close()', async () => {
    await createNetns(NS, { ipv6: false });
    let broker: NetnsSockets | undefined;
    try {
      await addAddress(NS, 'lo', '10.201.0.1/32');
      await addAddress(NS, 'lo', '10.201.0.2/32');
      // this process's own stack does not have the address: binding it here fails
      await expect(bindUdpHere('10.201.0.1', 0)).rejects.toThrow(/10\.201\.0\.1/);
      broker = await NetnsSockets.open(NS);
      const a = await broker.bindUdp('10.201.0.1', 1701);
      const b = await broker.bindUdp('10.201.0.2', 0);
      expect(a.address()).toEqual({ address: '10.201.0.1', family: 'IPv4', port: 1701 });
      const got = new Promise<{ text: string; from: string; port: number }>((resolve) => a.once('message', (m, r) => resolve({ text: m.toString(), from: r.address, port: r.port })));
      b.send('hello', 1701, '10.201.0.1');
      expect(await got).toEqual({ text: 'hello', from: '10.201.0.2', port: b.address().port });
      // the port is taken now: the second bind fails with the broker's reason
      await expect(broker.bindUdp('10.201.0.1', 1701)).rejects.toThrow(/EADDRINUSE.*10\.201\.0\.1:1701|10\.201\.0\.1:1701/);
      a.close();
      b.close();
      const pid = broker.pid!;
      expect(processStartTime(pid)).toBeDefined();
      await broker.close();
      expect(processStartTime(pid), 'the broker has ended').toBeUndefined();
    } finally {
      await broker?.close();
      await deleteNetns(NS);
    }
  });
});

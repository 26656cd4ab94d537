// literalLookup (reference-impl/router/literal-lookup.ts), the router's UDP sockets' resolver: an
// IP literal is answered at once as itself with its family (4 or 6), as dns.lookup would answer
// it; a name still goes to dns.lookup. And a socket using it sends to a literal.
import { test, expect } from '@playwright/test';
import dgram from 'node:dgram';
import { literalLookup } from '../../../reference-impl/router/literal-lookup.ts';

test('literals are answered synchronously with their own address and family', () => {
  const lookup = literalLookup();
  const got: [string, number][] = [];
  for (const host of ['127.0.0.1', '192.0.2.7', '::1', '2001:db8::1', '127.0.0.1']) lookup(host, 4, (err, a, f) => (expect(err).toBeNull(), got.push([a, f])));
  expect(got).toEqual([['127.0.0.1', 4], ['192.0.2.7', 4], ['::1', 6], ['2001:db8::1', 6], ['127.0.0.1', 4]]);
});

test('a name goes to dns.lookup (localhost resolves to a loopback address)', async () => {
  const lookup = literalLookup();
  const [addr, family] = await new Promise<[string, number]>((resolve, reject) => lookup('localhost', 4, (err, a, f) => (err ? reject(err) : resolve([a, f]))));
  expect(family).toBe(4);
  expect(addr).toMatch(/^127\./);
});

test('a UDP socket with this lookup delivers a datagram to a literal address', async () => {
  const rx = dgram.createSocket('udp4');
  const tx = dgram.createSocket({ type: 'udp4', lookup: literalLookup() });
  try {
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    const got = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no datagram in 5 s')), 5000);
      rx.once('message', (m) => (clearTimeout(t), resolve(m.toString())));
    });
    tx.send('frame', rx.address().port, '127.0.0.1');
    expect(await got).toBe('frame');
  } finally {
    rx.close();
    tx.close();
  }
});

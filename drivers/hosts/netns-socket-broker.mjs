// The child of drivers/hosts/netns-sockets.ts, started inside a network namespace (`ip netns exec
// NS node netns-socket-broker.mjs`): it binds UDP sockets (and opens TCP connections) there and
// hands each one to its parent over the IPC channel (Node passes the file descriptor with the message), so a test
// process holds real sockets inside a namespace it cannot enter itself. Plain JavaScript: it
// starts in ~40 ms without a TypeScript loader. Ends when its parent goes (the channel closes).
import dgram from 'node:dgram';
import net from 'node:net';

/** @param {{ id: number, op: string, family?: string, address?: string, port?: number }} m */
function onRequest(m) {
  if (m.op === 'tcp') return connectTcp(m);
  if (m.op !== 'udp') return void process.send?.({ id: m.id, ok: false, error: `unknown request '${String(m.op)}'` });
  const s = dgram.createSocket({ type: m.family === 'udp6' ? 'udp6' : 'udp4', ipv6Only: m.family === 'udp6' });
  s.once('error', (e) => process.send?.({ id: m.id, ok: false, error: e.message }));
  s.bind(m.port ?? 0, m.address, () => {
    // the parent holds its own duplicate of the descriptor once the message is sent: ours is closed then
    process.send?.({ id: m.id, ok: true }, s, {}, () => s.close());
  });
}

/** A TCP connection from inside the namespace (e.g. to a router's SSH on the namespace's loopback). */
function connectTcp(m) {
  const c = net.connect(m.port, m.address, () => {
    c.removeAllListeners('error');
    process.send?.({ id: m.id, ok: true }, c);
  });
  c.once('error', (e) => process.send?.({ id: m.id, ok: false, error: e.message }));
}

process.on('message', onRequest);
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });

// The router's IKE sockets over an IPIP / MAP-E tunnel end (assumption map-e-ike-ports): under
// MAP-E the oracle's 500 / 4500 leave from and are received on the two ports of the CE's set that
// mapEIkePorts gives (never 500 / 4500, never the L2TPv3 source port), as a NAPT'd client's would;
// over IPIP (no port set) they stay 500 / 4500. The tunnel end here is a recording stand-in that,
// like underlay-port.ts, refuses a source port outside the set, so a socket layer that sent from
// 500 fails. The real tunnel end and the wire are shown by tests/labs/underlay-mape-ipsec-netns.spec.ts.
import { expect, test } from '@playwright/test';
import { IpsecSockets, type Datagram } from '../../../../reference-impl/router/ipsec/ipsec-sockets.ts';
import { registerUnderlay, unregisterUnderlay, type UnderlayUdpPath } from '../../../../reference-impl/router/underlay/underlay-registry.ts';
import { l2tpSourcePort, mapECe, portInSet, type MapECe } from '../../../../reference-impl/underlay/index.ts';

const PEER = '203.0.113.2';
// mape-ex1's rule and CE: shared address 192.0.2.5, PSID 0x12, a = 6, k = 8 (ports 1096-1099, 2120-2123, ...)
const CE = mapECe({ ipv6Prefix: '2001:db8:aa00::/40', ipv4Prefix: '192.0.2.0/24', eaBits: 16, psidOffset: 6, brAddress: '2001:db8:1::100' }, '2001:db8:aa05:1200::/56');

class RecordingTunnel implements UnderlayUdpPath {
  readonly sent: { srcPort: number; to: { address: string; port: number } }[] = [];
  readonly listeners = new Map<number, (from: { address: string; port: number }, bytes: Uint8Array) => void>();
  constructor(readonly plan: { ce?: MapECe }, readonly innerAddress: string) {}
  carries(to: string): boolean {
    return to === PEER;
  }
  sendUdp(srcPort: number, to: { address: string; port: number }): boolean {
    if (this.plan.ce && !portInSet(srcPort, this.plan.ce)) return false;
    this.sent.push({ srcPort, to });
    return true;
  }
  listen(port: number, fn: (from: { address: string; port: number }, bytes: Uint8Array) => void): void {
    this.listeners.set(port, fn);
  }
  unlisten(port: number): void {
    this.listeners.delete(port);
  }
}

async function withSockets(bind: string, tunnel: RecordingTunnel, body: (s: IpsecSockets, got: Datagram[]) => void): Promise<void> {
  registerUnderlay([bind], tunnel);
  // ephemeral kernel ports: the kernel sockets are not what is tested here
  const s = new IpsecSockets({ bind: [bind], underlay: new Map(), ikePort: 0, natTPort: 0 });
  const got: Datagram[] = [];
  try {
    await s.open((d) => got.push(d));
    body(s, got);
  } finally {
    s.close();
    unregisterUnderlay(tunnel);
  }
}

test.describe('IKE sockets through a tunnel end', () => {
  test('MAP-E: IKE from 1097 and NAT-T from 1098 (the set\'s ports after L2TPv3\'s 1096), received there as 500 / 4500', async () => {
    // independent of mapEIkePorts: RFC 7597 §5.1 gives PSID 0x12's first range as 2^10 + 0x12 * 4 .. + 3
    const first = 1024 + 0x12 * 4;
    expect(l2tpSourcePort(CE)).toBe(first);
    const tunnel = new RecordingTunnel({ ce: CE }, CE.ipv4);
    await withSockets('127.0.0.61', tunnel, (s, got) => {
      expect([...tunnel.listeners.keys()].sort()).toEqual([first + 1, first + 2]);
      expect(s.send(500, { address: PEER, port: 500 }, Uint8Array.of(1)), 'IKE leaves').toEqual({ host: PEER, port: 500 });
      expect(s.send(4500, { address: PEER, port: 4500 }, Uint8Array.of(2)), 'NAT-T leaves').toEqual({ host: PEER, port: 4500 });
      expect(tunnel.sent).toEqual([{ srcPort: first + 1, to: { address: PEER, port: 500 } }, { srcPort: first + 2, to: { address: PEER, port: 4500 } }]);
      expect(s.localOf(500, PEER), 'the capture\'s source: the port on the wire').toEqual({ host: '192.0.2.5', port: first + 1 });
      expect(s.localOf(4500, PEER)).toEqual({ host: '192.0.2.5', port: first + 2 });
      tunnel.listeners.get(first + 2)!({ address: PEER, port: 4500 }, Uint8Array.of(3));
      tunnel.listeners.get(first + 1)!({ address: PEER, port: 500 }, Uint8Array.of(4));
      expect(got.map((d) => [d.localPort, d.from.port, d.bytes[0]])).toEqual([[4500, 4500, 3], [500, 500, 4]]);
    });
    expect(tunnel.listeners.size, 'close stops listening').toBe(0);
  });

  test('IPIP (no port set): 500 and 4500 themselves', async () => {
    const tunnel = new RecordingTunnel({}, '203.0.113.1');
    await withSockets('127.0.0.62', tunnel, (s) => {
      expect([...tunnel.listeners.keys()].sort((x, y) => x - y)).toEqual([500, 4500]);
      s.send(500, { address: PEER, port: 500 }, Uint8Array.of(1));
      s.send(4500, { address: PEER, port: 4500 }, Uint8Array.of(2));
      expect(tunnel.sent.map((x) => x.srcPort)).toEqual([500, 4500]);
    });
  });
});

// Issue 6 point 3 (unprivileged mode) and point 4: two emulated RTX1210 routers on loopback bring
// up the seed's example 1 with its configs unchanged (the config addresses mapped onto 127.0.0.1 /
// 127.0.0.2), pass Ethernet frames LAN port to LAN port, answer ARP and ping on their bridge
// address, and everything they send decodes in tshark without a malformed or bad-digest flag.
import { test, expect } from '@playwright/test';
import { buildEthernetFrame, buildIpPacket } from '../../../reference-impl/capture/ip.ts';
import { renderSyslog } from '../../../reference-impl/syslog/catalogue.ts';
import { established, frame, hasMarker, mac, startPair, tsharkField, tsharkProblems, waitFor, writeTransmissions } from './lab.ts';

// seed ex1 (topologies/seed/configs/ex1-two-sites): the shared tunnel password and bridge addresses
const SECRET = 'lab-l2tp-auth';
const PC1 = '02:00:00:00:01:11';
const PC2 = '02:00:00:00:01:12';

function arpRequest(srcMac: string, srcIp: number[], targetIp: number[]): Uint8Array {
  const arp = Uint8Array.from([0, 1, 8, 0, 6, 4, 0, 1, ...mac(srcMac), ...srcIp, 0, 0, 0, 0, 0, 0, ...targetIp]);
  return buildEthernetFrame({ src: srcMac, dst: 'ff:ff:ff:ff:ff:ff', etherType: 0x0806, payload: arp });
}

function echoRequest(srcMac: string, dstMac: Uint8Array, src: string, dst: string): Uint8Array {
  const icmp = Uint8Array.from([8, 0, 0, 0, 0x12, 0x34, 0, 1, ...new TextEncoder().encode('rtx-ping-payload')]);
  let sum = 0;
  for (let i = 0; i < icmp.length; i += 2) sum += (icmp[i] << 8) | (icmp[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  icmp[2] = (~sum >> 8) & 0xff;
  icmp[3] = ~sum & 0xff;
  const dstText = [...dstMac].map((x) => x.toString(16).padStart(2, '0')).join(':');
  return buildEthernetFrame({ src: srcMac, dst: dstText, etherType: 0x0800, payload: buildIpPacket({ src, dst, protocol: 1, payload: icmp }) });
}

test('seed example 1 on loopback: tunnel up, frames port to port both ways, ARP and ping of the far bridge address, clean in tshark', async () => {
  const { a, b, stop, all, port: l2tpPort } = await startPair({ timeScale: 10 });
  try {
    await waitFor(() => established(a.router) && established(b.router), 10_000, 'the pseudowire of example 1');
    // seed syslog catalogue: both ends log the session as established
    expect(a.router.logEntries().map((e) => e.text)).toContainEqual(expect.stringMatching(/^\[L2TPv3\] TUNNEL\[1\] session \d+ established$/));
    expect(a.router.logEntries().map((e) => e.text)).toContain(renderSyslog('portOpened'));

    // A broadcast from pc1 at site 1 comes out of site 2's LAN1 unchanged.
    const bc = frame('ff:ff:ff:ff:ff:ff', PC1, 'bcast-1-to-2');
    a.lan.send(bc);
    expect(Buffer.from(await b.lan.next(hasMarker('bcast-1-to-2')))).toEqual(Buffer.from(bc));
    // Unicast back from pc2 to pc1 (learned at both bridges), then pc1 to pc2.
    const back = frame(PC1, PC2, 'ucast-2-to-1');
    b.lan.send(back);
    expect(Buffer.from(await a.lan.next(hasMarker('ucast-2-to-1')))).toEqual(Buffer.from(back));
    const fwd = frame(PC2, PC1, 'ucast-1-to-2');
    a.lan.send(fwd);
    expect(Buffer.from(await b.lan.next(hasMarker('ucast-1-to-2')))).toEqual(Buffer.from(fwd));
    // Both bridges learned pc1 on the right member (facts §4.2: source MAC -> receiving member).
    expect(a.router.bridgeLearning()[0].rows.find((r) => r.mac === PC1)?.member).toBe('lan1');
    expect(b.router.bridgeLearning()[0].rows.find((r) => r.mac === PC1)?.member).toBe('tunnel1');

    // pc1 asks for rt2's bridge address 192.168.100.2 through the tunnel: ARP reply, then ping.
    a.lan.send(arpRequest(PC1, [192, 168, 100, 11], [192, 168, 100, 2]));
    const reply = await a.lan.next((f) => f[12] === 0x08 && f[13] === 0x06 && f[21] === 2, 3000, 'an ARP reply');
    expect([...reply.subarray(28, 32)]).toEqual([192, 168, 100, 2]);
    const rt2Mac = reply.subarray(22, 28);
    expect(Buffer.from(rt2Mac)).toEqual(Buffer.from(b.router.macOf('lan1')));
    a.lan.send(echoRequest(PC1, rt2Mac, '192.168.100.11', '192.168.100.2'));
    const pong = await a.lan.next((f) => f[12] === 0x08 && f[13] === 0 && f[23] === 1 && f[34] === 0, 3000, 'an ICMP echo reply');
    expect(Buffer.from(pong).includes('rtx-ping-payload')).toBe(true);
  } finally {
    stop();
  }
  const file = test.info().outputPath('ex1-loopback.pcap');
  const n = writeTransmissions(file, all);
  await test.info().attach('ex1-loopback.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
  expect(n).toBeGreaterThan(10);
  expect(tsharkProblems(file, l2tpPort, SECRET)).toEqual([]);
  // tshark sees control messages (SCCRQ..ICCN) and the data messages carrying our frames (whether it
  // dissects the Ethernet inside depends on its own session tracking, so that is not asserted).
  const types = tsharkField(file, l2tpPort, 'l2tp.avp.message_type').map(Number);
  for (const t of [1, 2, 3, 10, 11, 12]) expect(types).toContain(t);
  expect(tsharkField(file, l2tpPort, '_ws.col.Info', 'l2tp').filter((l) => l.includes('D[S:')).length).toBeGreaterThanOrEqual(6);
});

// The lab's border relay with a native IPv4 uplink (issue 19; RFC 7597 §8.3, border-relay.ts
// fromUplink), as the real process (relay-process.ts) in namespaces of its own:
//   P (IPv4 host 198.18.0.50) --p0/u0-- I (relay: uplink u0, tunnel side t0) --t0/r0-- R (IPIP customer end)
// R's kernel holds the customer's tunnel end 2001:db8:1::11, so it answers the relay's Neighbor
// Solicitation; it has no ip6tnl, so it answers the tunnelled packet with an ICMPv6 error, and the
// capture on r0 is the evidence. P's kernel finds the relay by ARP (no static neighbour here, so
// the relay's ARP answer is what makes P send at all). Reverse: R's kernel sends an IPv4 packet
// from the customer address 203.0.113.1 in IPv6 (a raw socket of protocol 4), and P's UDP socket
// receives it, one hop older. tshark, not our codec, reads the layers of the capture.
import { expect, test } from '@playwright/test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Capture } from '../../../drivers/capture/index.ts';
import { addAddress, createNetns, createVethPair, deleteNetns, hasProgram, ipIn, mustRun, runCommand } from '../../../drivers/hosts/index.ts';
import { inNetns } from '../../../drivers/hosts/command.ts';
import { startDetached, waitForReadyLine, type Started } from '../../../drivers/lab/lab-processes.ts';
import { parseRelayArgs, RELAY_PROCESS_FILE } from '../../../drivers/lab/relay-process.ts';
import { buildUdpPacket } from '../../../reference-impl/capture/ip.ts';
import { tsharkRows } from '../../labs/ipsec-lab-evidence.ts';

const RELAY = { address: '2001:db8:1::100', mac: '02:00:5e:00:53:01', uplinkMac: '02:00:5e:00:53:02', uplinkAddress: '198.18.0.1' };
const CUSTOMER = { ipv4: '203.0.113.1', end: '2001:db8:1::11', mac: '02:00:00:00:11:11' };
const HOST = { ipv4: '198.18.0.50', mac: '02:00:00:00:50:50' };
const CONFIG = { address: RELAY.address, mapRules: [], ipip: [{ ipv4Prefix: `${CUSTOMER.ipv4}/32`, remote: CUSTOMER.end }] };

const BASE = ['--if', 't0', '--mac', RELAY.mac, '--config', JSON.stringify(CONFIG)];
const UPLINK = ['--uplink', 'u0', '--uplink-mac', RELAY.uplinkMac, '--uplink-next-hop-mac', HOST.mac, '--uplink-address', RELAY.uplinkAddress];

test('usage: the four uplink flags go together, each checked, and the process exits 2 naming the flag', async () => {
  expect(parseRelayArgs([...BASE, ...UPLINK])).toMatchObject({ ok: true, value: { ifname: 't0', uplink: { ifname: 'u0', mac: RELAY.uplinkMac, nextHopMac: HOST.mac, address: RELAY.uplinkAddress } } });
  expect(parseRelayArgs(BASE)).toMatchObject({ ok: true, value: { uplink: undefined } });
  for (let i = 0; i < UPLINK.length; i += 2) {
    const partial = [...UPLINK.slice(0, i), ...UPLINK.slice(i + 2)];
    expect(parseRelayArgs([...BASE, ...partial])).toMatchObject({ ok: false, error: expect.stringContaining(`${UPLINK[i]} missing`) });
  }
  const bad = (flag: string, value: string) => UPLINK.map((x, i) => (UPLINK[i - 1] === flag ? value : x));
  expect(parseRelayArgs([...BASE, ...bad('--uplink-address', '198.18.0')])).toMatchObject({ ok: false, error: expect.stringMatching(/^--uplink-address: .*not an IPv4 address/) });
  expect(parseRelayArgs([...BASE, ...bad('--uplink-next-hop-mac', '02:00')])).toMatchObject({ ok: false, error: expect.stringMatching(/^--uplink-next-hop-mac: .*not a MAC address/) });
  expect(parseRelayArgs([...BASE, ...bad('--uplink', 'a/b')])).toMatchObject({ ok: false, error: expect.stringMatching(/^--uplink: /) });
  // the real entry point: status 2 and the message, before any capture is opened
  const r = await runCommand([process.execPath, '--import', import.meta.resolve('tsx'), RELAY_PROCESS_FILE, ...BASE, '--uplink', 'u0'], 20_000);
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain('--uplink-mac, --uplink-next-hop-mac, --uplink-address missing');
});

/** A process in a namespace whose stdout we read: resolves `ready` on the first line, `done` on exit (killed after timeoutMs). */
function startListener(netns: string, argv: readonly string[], timeoutMs: number): { ready: Promise<void>; done: Promise<string> } {
  const full = inNetns(netns, argv);
  const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onLine: () => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    onLine = () => (out.includes('\n') ? resolve() : undefined);
    child.once('close', (code) => reject(new Error(`listener ended before it was ready (status ${code}): ${err.trim()}`)));
  });
  child.stdout.setEncoding('utf8').on('data', (d: string) => ((out += d), onLine()));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<string>((resolve) => child.once('close', (code) => (clearTimeout(timer), resolve(code === 0 ? out : `${out}\nstatus ${code}: ${err.trim()}`))));
  ready.catch(() => {});
  return { ready, done };
}

/** Waits (bounded) for a detached process to end after SIGTERM; SIGKILL if it does not. */
async function stopProcess(s: Started, timeoutMs: number): Promise<string> {
  try {
    process.kill(s.proc.pid, 'SIGTERM');
  } catch {
    return 'already gone';
  }
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('did not end on SIGTERM'), timeoutMs)));
  const why = await Promise.race([s.exited, late]);
  clearTimeout(timer);
  if (why === 'did not end on SIGTERM') process.kill(s.proc.pid, 'SIGKILL');
  return why;
}

// P's UDP receiver: prints "ready", then one JSON line with what arrived, its source and its TTL (IP_RECVTTL)
const RECEIVER = `
import json, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)  # 12: Linux, absent from some Pythons
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(float(sys.argv[3]))
print("ready", flush=True)
data, anc, _, addr = s.recvmsg(2048, socket.CMSG_SPACE(4))
ttl = [struct.unpack("i", d[:4])[0] for (l, t, d) in anc if l == socket.IPPROTO_IP and t == socket.IP_TTL]
print(json.dumps({"data": data.hex(), "from": list(addr), "ttl": ttl[0] if ttl else None}), flush=True)
`;
// R's tunnel end: the IPv4 packet (hex) in IPv6 Next Header 4 to the relay, built by R's kernel
const SEND_IPIP = `
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 4)
s.sendto(bytes.fromhex(sys.argv[1]), (sys.argv[2], 0))
`;

test('relay with an uplink: an IPv4 host and an IPIP customer reach each other through it (real process, namespaces)', async () => {
  test.setTimeout(120_000);
  test.skip(process.getuid?.() !== 0, 'needs root: network namespaces, packet capture and raw sockets in them');
  for (const tool of ['ip', 'tshark', 'python3']) test.skip(!hasProgram(tool), `${tool} is not installed (scripts/install-system-deps.sh)`);
  const prefix = `rlu-${randomBytes(3).toString('hex')}`;
  const [nsI, nsP, nsR] = [`${prefix}-i`, `${prefix}-p`, `${prefix}-r`];
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const made: string[] = [];
  let relay: Started | undefined;
  let capture: Capture | undefined;
  let stopped = '';
  try {
    for (const [ns, ipv6] of [[nsI, false], [nsP, false], [nsR, true]] as const) {
      await createNetns(ns, { ipv6 });
      made.push(ns);
    }
    await createVethPair({ name: 't0', netns: nsI }, { name: 'r0', netns: nsR });
    await createVethPair({ name: 'u0', netns: nsI }, { name: 'p0', netns: nsP });
    await mustRun(ipIn(nsR, 'link', 'set', 'r0', 'address', CUSTOMER.mac));
    await addAddress(nsR, 'r0', `${CUSTOMER.end}/64`);
    await mustRun(ipIn(nsP, 'link', 'set', 'p0', 'address', HOST.mac));
    await addAddress(nsP, 'p0', `${HOST.ipv4}/24`);
    await mustRun(ipIn(nsP, 'route', 'add', 'default', 'via', RELAY.uplinkAddress));

    const log = path.join(dir, 'relay.log');
    relay = startDetached('relay', inNetns(nsI, [process.execPath, '--import', import.meta.resolve('tsx'), RELAY_PROCESS_FILE, ...BASE, ...UPLINK, '--lab', prefix]), log);
    const ready = await waitForReadyLine(log, relay, 30_000);
    expect(ready).toEqual({ relay: RELAY.address, mac: RELAY.mac, if: 't0', uplink: { if: 'u0', address: RELAY.uplinkAddress } });
    capture = await Capture.start({ iface: 'r0', netns: nsR, filter: 'ip6 proto 4' });

    // uplink -> customer: P's datagram arrives at R in IPv6 from the relay, Next Header 4, TTL 63
    const forward = Buffer.from('rlu uplink to customer');
    const sent = await runCommand(inNetns(nsP, ['python3', '-c', 'import socket,sys; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("",40000)); s.sendto(bytes.fromhex(sys.argv[1]),(sys.argv[2],5000))', forward.toString('hex'), CUSTOMER.ipv4]), 10_000);
    expect(sent.code, sent.stderr).toBe(0);
    await capture.waitForFrame((f) => f.length > 14 + 40 + 20 && f[14 + 6] === 4, 15_000, { what: 'the relay\'s IPv4-in-IPv6 packet' });
    const pcap = capture.writePcap(path.join(dir, 'r0.pcap'));
    const rows = tsharkRows(pcap, ['-o', 'ip.check_checksum:TRUE'], 'ipv6.nxt == 4', ['eth.src', 'ipv6.src', 'ipv6.dst', 'ip.src', 'ip.dst', 'ip.ttl', 'ip.checksum.status', 'udp.srcport', 'udp.dstport', 'udp.payload', '_ws.expert']);
    expect(rows.length, 'one tunnelled packet').toBe(1);
    expect(rows[0]).toEqual([RELAY.mac, RELAY.address, CUSTOMER.end, HOST.ipv4, CUSTOMER.ipv4, '63', '1', '40000', '5000', forward.toString('hex'), '']);

    // customer -> uplink: R's kernel tunnels a datagram from 203.0.113.1 to the relay; P receives it
    const back = Buffer.from('rlu customer to uplink');
    const listener = startListener(nsP, ['python3', '-c', RECEIVER, HOST.ipv4, '6000', '15'], 20_000);
    await listener.ready;
    const inner = buildUdpPacket({ src: CUSTOMER.ipv4, dst: HOST.ipv4, srcPort: 7000, dstPort: 6000, payload: back });
    const tunnelled = await runCommand(inNetns(nsR, ['python3', '-c', SEND_IPIP, Buffer.from(inner).toString('hex'), RELAY.address]), 10_000);
    expect(tunnelled.code, tunnelled.stderr).toBe(0);
    const got = (await listener.done).trim().split('\n').pop()!;
    expect(JSON.parse(got), got).toEqual({ data: back.toString('hex'), from: [CUSTOMER.ipv4, 7000], ttl: inner[8] - 1 });
    // P found the relay by ARP: its neighbour entry holds the relay's uplink MAC
    expect(await mustRun(ipIn(nsP, 'neigh', 'show', RELAY.uplinkAddress))).toContain(RELAY.uplinkMac);
  } finally {
    await capture?.stop();
    if (relay) stopped = await stopProcess(relay, 5000);
    for (const ns of made) await deleteNetns(ns);
    rmSync(dir, { recursive: true, force: true });
  }
  expect(stopped, 'the relay ends cleanly on SIGTERM (both pcap sessions closed)').toBe('exited with status 0');
});

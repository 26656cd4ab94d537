// Issue 6 point 3 (namespace mode) and point 4: two Linux hosts, each in its own network namespace,
// sit on the LAN1 of an emulated router (a veth pair: the host end in the namespace, the router end
// read and written with libpcap); the real kernel's ARP and ping cross the L2TPv3 tunnel of seed
// example 1; 802.1Q-tagged frames cross with their tag (facts §4.3: tagged frames are passed
// through): 802.1Q subinterfaces pinging each other with the kernel's ARP and ICMP (kernel VLAN
// devices where the 8021q module exists, otherwise the same subinterface in userspace: a TAP device
// plus drivers/hosts/vlan-subinterface.py tagging onto eth0), and userspace tagged hosts checking VID and PCP; everything
// the routers send is clean in tshark.
//
// The routers run in this test's own event loop, so every host command runs asynchronously: a
// synchronous spawn would freeze the routers and no frame would be forwarded while it ran.
import { test, expect } from '@playwright/test';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { seedConfig, startPair, tsharkProblems, waitFor, established, writeTransmissions } from './lab.ts';

const TAGGED_HOST = path.join(import.meta.dirname, 'tagged-host.py');
const VLAN_SUBINTERFACE = path.join(import.meta.dirname, '../../../drivers/hosts/vlan-subinterface.py');
const quietRun = (...a: string[]) => spawnSync(a[0], a.slice(1), { stdio: 'ignore', timeout: 20_000 });

/** Runs a command without blocking the event loop; bounded by `ms` (then killed). */
function sh(args: string[], ms = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: ms });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', (e) => resolve({ code: -1, out: out + e.message }));
    p.on('close', (code) => resolve({ code, out }));
  });
}

async function must(...args: string[]): Promise<void> {
  const r = await sh(args);
  if (r.code !== 0) throw new Error(`'${args.join(' ')}' failed (${r.code}): ${r.out.trim()}`);
}

/** Two hosts (namespaces `<tag>-h1/-h2`, interface eth0), each on a veth to a router LAN1 (`<tag>-r1/-r2`). */
function hostNames(tag: string): { ns: string[]; veth: string[]; cleanup: () => void } {
  const ns = [`${tag}-h1`, `${tag}-h2`];
  const veth = [`${tag}-r1`, `${tag}-r2`];
  const cleanup = () => {
    for (const n of ns) quietRun('ip', 'netns', 'del', n);
    for (const v of veth) quietRun('ip', 'link', 'del', v);
  };
  return { ns, veth, cleanup };
}

async function makeHosts(ns: string[], veth: string[], addresses: string[]): Promise<void> {
  for (let i = 0; i < 2; i++) {
    await must('ip', 'netns', 'add', ns[i]);
    await must('ip', 'link', 'add', veth[i], 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns[i]);
    // the router end is a bare wire: keep the root namespace's own IPv6 chatter off it
    await must('sysctl', '-qw', `net.ipv6.conf.${veth[i]}.disable_ipv6=1`);
    await must('ip', 'link', 'set', veth[i], 'up');
    await must('ip', 'netns', 'exec', ns[i], 'ip', 'link', 'set', 'lo', 'up');
    await must('ip', 'netns', 'exec', ns[i], 'ip', 'link', 'set', 'eth0', 'up');
    if (addresses[i]) await must('ip', 'netns', 'exec', ns[i], 'ip', 'addr', 'add', addresses[i], 'dev', 'eth0');
  }
}

/** Seed example 1 routers with LAN1 on the veths, waited until the pseudowire is up. */
async function startRouters(veth: string[]) {
  const pair = await startPair({
    timeScale: 1,
    configA: seedConfig('ex1-two-sites', 'rt1'),
    configB: seedConfig('ex1-two-sites', 'rt2'),
    lanA: { name: 'lan1', kind: 'if', ifname: veth[0] },
    lanB: { name: 'lan1', kind: 'if', ifname: veth[1] },
  });
  await waitFor(() => established(pair.a.router) && established(pair.b.router), 10_000, 'the pseudowire');
  return pair;
}

const ping = (ns: string, to: string) => sh(['ip', 'netns', 'exec', ns, 'ping', '-c', '3', '-i', '0.2', '-W', '2', to]);

/** Whether this kernel can make 802.1Q subinterfaces (the 8021q module). */
function vlanSupported(): boolean {
  quietRun('ip', 'link', 'del', 'rdp-vlantest');
  quietRun('ip', 'link', 'add', 'rdp-vlantest', 'type', 'dummy');
  const ok = quietRun('ip', 'link', 'add', 'link', 'rdp-vlantest', 'name', 'rdp-vlantest.9', 'type', 'vlan', 'id', '9').status === 0;
  quietRun('ip', 'link', 'del', 'rdp-vlantest');
  return ok;
}

function skipUnlessRoot(): void {
  test.skip(process.getuid?.() !== 0, 'network namespaces and libpcap injection need root');
  test.skip(spawnSync('ip', ['-V']).status !== 0, 'iproute2 (ip) is not installed');
}

type Pair = Awaited<ReturnType<typeof startRouters>>;

/** Everything the routers sent, attached as a pcap and checked by tshark. */
async function expectCleanCapture(pair: Pair, name: string): Promise<void> {
  const file = test.info().outputPath(name);
  writeTransmissions(file, pair.all);
  await test.info().attach(name, { path: file, contentType: 'application/vnd.tcpdump.pcap' });
  expect(tsharkProblems(file, pair.port, 'lab-l2tp-auth')).toEqual([]);
}

test('namespace mode: hosts in two namespaces ping each other through the tunnel, and the far bridge address', async () => {
  skipUnlessRoot();
  const { ns, veth, cleanup } = hostNames('rdp');
  cleanup();
  let pair: Pair | undefined;
  try {
    // seed ex1 hosts pc1 / pc2: 192.168.100.11 / .12
    await makeHosts(ns, veth, ['192.168.100.11/24', '192.168.100.12/24']);
    pair = await startRouters(veth);
    const p1 = await ping(ns[0], '192.168.100.12');
    expect(p1.out, p1.out).toMatch(/3 received/);
    const p2 = await ping(ns[1], '192.168.100.11');
    expect(p2.out, p2.out).toMatch(/3 received/);
    // the far router's bridge address answers as well (ARP + ICMP by the responder)
    const p3 = await ping(ns[0], '192.168.100.2');
    expect(p3.out, p3.out).toMatch(/3 received/);
  } finally {
    pair?.stop();
    cleanup();
  }
  await expectCleanCapture(pair, 'namespaces.pcap');
});

test('namespace mode: 802.1Q subinterfaces (VLAN 10) in the two namespaces ping each other through the tunnel (kernel ARP and ICMP)', async () => {
  skipUnlessRoot();
  // Where the kernel has the 8021q module, `ip link add ... type vlan`; where it has not (this
  // project's CI kernels), the same subinterface in userspace: a TAP device for the kernel's IP
  // stack whose frames drivers/hosts/vlan-subinterface.py tags onto eth0 and untags from it (as the vlan driver does).
  const kernelVlan = vlanSupported();
  test.skip(!kernelVlan && spawnSync('python3', ['--version']).status !== 0, 'no 8021q module and no python3 for the userspace subinterface');
  test.info().annotations.push({ type: 'subinterface', description: kernelVlan ? 'kernel 8021q (ip link add ... type vlan id 10)' : 'userspace: TAP eth0.10 + drivers/hosts/vlan-subinterface.py (this kernel has no 8021q module)' });
  const { ns, veth, cleanup } = hostNames('rdv');
  cleanup();
  let pair: Pair | undefined;
  const shims: ChildProcess[] = [];
  try {
    await makeHosts(ns, veth, ['', '']);
    for (let i = 0; i < 2; i++) {
      if (kernelVlan) await must('ip', 'netns', 'exec', ns[i], 'ip', 'link', 'add', 'link', 'eth0', 'name', 'eth0.10', 'type', 'vlan', 'id', '10');
      else {
        shims.push((await startResponder(['netns', 'exec', ns[i], 'python3', VLAN_SUBINTERFACE, 'eth0', '10', 'eth0.10', '60'])).proc);
        await must('ip', 'netns', 'exec', ns[i], 'ip', 'link', 'set', 'eth0.10', 'mtu', '1496'); // room for the tag on eth0
      }
      await must('ip', 'netns', 'exec', ns[i], 'ip', 'link', 'set', 'eth0.10', 'up');
      await must('ip', 'netns', 'exec', ns[i], 'ip', 'addr', 'add', `10.10.0.${1 + i}/24`, 'dev', 'eth0.10');
    }
    pair = await startRouters(veth);
    const p = await ping(ns[1], '10.10.0.1');
    expect(p.out, p.out).toMatch(/3 received/);
    const back = await ping(ns[0], '10.10.0.2');
    expect(back.out, back.out).toMatch(/3 received/);
    // tagged frames crossed with their tag, both ways (facts §4.3)
    const taggedVid10 = (t: Pair['a']['sent'][number]) => t.kind === 'lan' && t.frame[12] === 0x81 && t.frame[13] === 0x00 && ((t.frame[14] << 8) | t.frame[15]) % 4096 === 10;
    expect(pair.b.sent.some(taggedVid10), 'a VLAN 10 frame out of rt2 LAN1').toBe(true);
    expect(pair.a.sent.some(taggedVid10), 'a VLAN 10 frame out of rt1 LAN1').toBe(true);
  } finally {
    for (const s of shims) if (s.pid !== undefined && s.exitCode === null) process.kill(s.pid);
    pair?.stop();
    cleanup();
  }
  await expectCleanCapture(pair!, 'namespaces-vlan.pcap'); // set: the try block threw otherwise
});

interface Tag {
  vid: number;
  pcp: number;
  dei: number;
}

/** Starts a python helper (tagged-host.py respond, vlan-subinterface.py) and resolves once it prints ready (bounded). */
function startResponder(args: string[]): Promise<{ proc: ChildProcess; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const proc = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let err = '';
    let rest = '';
    const timer = setTimeout(() => reject(new Error(`tagged-host responder not ready in 10 s: ${err}`)), 10_000);
    proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    proc.stdout!.on('data', (d: Buffer) => {
      rest += d.toString();
      const parts = rest.split('\n');
      rest = parts.pop()!;
      for (const l of parts) {
        if (l === 'ready') {
          clearTimeout(timer);
          resolve({ proc, lines });
        } else lines.push(l);
      }
    });
    proc.on('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`tagged-host responder exited (${code}) before ready: ${err}`));
    });
  });
}

test('namespace mode: 802.1Q-tagged ARP and ICMP echo from userspace tagged hosts cross the tunnel with VLAN id and PCP unchanged', async () => {
  skipUnlessRoot();
  test.skip(spawnSync('python3', ['--version']).status !== 0, 'python3 is not installed (tagged-host.py needs it)');
  const { ns, veth, cleanup } = hostNames('rdt');
  cleanup();
  let pair: Pair | undefined;
  let responder: ChildProcess | undefined;
  // VLAN 10 as in the RTX830 example (facts §2.1: vlan lan1/1 802.1q vid=10); the two directions
  // use different priorities so each direction's PCP is checked on its own.
  const VID = 10;
  const PCP_ASK = 5;
  const PCP_ANSWER = 3;
  try {
    await makeHosts(ns, veth, ['', '']); // no kernel addresses: the tagged hosts live in userspace
    pair = await startRouters(veth);
    const r = await startResponder(['netns', 'exec', ns[1], 'python3', TAGGED_HOST, 'respond', 'eth0', String(VID), String(PCP_ANSWER), '10.10.0.2', '30']);
    responder = r.proc;
    const ask = await sh(['ip', 'netns', 'exec', ns[0], 'python3', TAGGED_HOST, 'ask', 'eth0', String(VID), String(PCP_ASK), '10.10.0.1', '10.10.0.2', '10'], 20_000);
    const result = JSON.parse(ask.out.trim().split('\n').pop() ?? '{}') as { arp: Tag | null; echo: Tag | null };
    const answerTag: Tag = { vid: VID, pcp: PCP_ANSWER, dei: 0 };
    // far side -> near side: the ARP reply and the echo reply arrive with the responder's tag
    expect(result.arp, ask.out).toEqual(answerTag);
    expect(result.echo, ask.out).toEqual(answerTag);
    // near side -> far side: the ARP request (0x0806) and echo request (0x0800) arrive with the asker's tag
    const seen = r.lines.map((l) => (JSON.parse(l) as { seen: Tag & { ethertype: number } }).seen);
    const askTag: Tag = { vid: VID, pcp: PCP_ASK, dei: 0 };
    expect(seen.filter((s) => s.ethertype === 0x0806).map(({ ethertype: _, ...t }) => t), JSON.stringify(seen)).toContainEqual(askTag);
    expect(seen.filter((s) => s.ethertype === 0x0800).map(({ ethertype: _, ...t }) => t), JSON.stringify(seen)).toContainEqual(askTag);
    // and the far router wrote the tagged frame out of its LAN port with the TCI bytes intact
    const tci = (PCP_ASK << 13) | VID;
    expect(pair.b.sent.some((t) => t.kind === 'lan' && t.frame[12] === 0x81 && t.frame[13] === 0x00 && ((t.frame[14] << 8) | t.frame[15]) === tci)).toBe(true);
  } finally {
    if (responder?.pid !== undefined && responder.exitCode === null) process.kill(responder.pid);
    pair?.stop();
    cleanup();
  }
  await expectCleanCapture(pair, 'namespaces-tagged.pcap');
});

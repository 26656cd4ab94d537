// Issue 15 point 1, "Transport", second part: plain ESP (IP protocol 50) in namespace mode. Two
// `router --esp-plain` processes, each in its own network namespace on one veth, run the seed's
// example 4 unchanged (no NAT-T, so IKE does not float): the L2TPv3 control connection and session
// come up inside ESP that the routers send and receive through libpcap on their WAN interface. A
// capture on the veth shows ISAKMP on UDP 500 and ESP as IP protocol 50 only, and decrypts with
// the key log into the L2TPv3 messages.
import { test, expect } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addAddress, createNetns, createVethPair, deleteNetns, setSysctl } from '../../../../drivers/hosts/netns.ts';
import { parseKeyLog, tsharkKeyArgs } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkMissing } from '../../../support/tshark.ts';
import { waitFor } from '../lab.ts';
import { ipsecLoopbackUnavailable, seedConfig } from './ipsec-lab.ts';
import { startCapture, startRouterProcess, type RouterProcess } from './router-process.ts';

const skip = ipsecLoopbackUnavailable() ?? tsharkMissing() ?? (spawnSync('dumpcap', ['-v']).status === 0 ? null : 'dumpcap is not installed (wireshark-common)');

function tshark(file: string, keys: string[], filter: string, fields: string[]): string[][] {
  const args = ['-r', file, ...keys, '-o', 'l2tp.cookie_size:0', '-o', 'l2tp.l2_specific:None', '-Y', filter, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|'];
  for (const f of fields) args.push('-e', f);
  const out = execFileSync('tshark', args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return out.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

test('router --esp-plain in namespaces: seed example 4 over ESP as IP protocol 50, decrypted with the key log into L2TPv3', async () => {
  test.skip(skip !== null, skip ?? '');
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString('hex');
  const ns = { a: `ipe-a-${tag}`, b: `ipe-b-${tag}` };
  const ifs = { a: `ipea${tag}`, b: `ipeb${tag}` };
  const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-plain-'));
  const pcap = path.join(dir, 'ex4-plain.pcapng');
  const keyLog = path.join(dir, 'rt1.keys');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    for (const n of [ns.a, ns.b]) {
      await createNetns(n, { ipv6: false });
      cleanups.push(() => deleteNetns(n));
      // the namespace's kernel has no ESP and would answer each packet with ICMP protocol-unreachable
      await setSysctl(n, 'net.ipv4.icmp_ratelimit', '100000');
    }
    await createVethPair({ name: ifs.a, netns: ns.a }, { name: ifs.b, netns: ns.b });
    await addAddress(ns.a, ifs.a, '198.51.100.1/24');
    await addAddress(ns.b, ifs.b, '198.51.100.2/24');
    const capture = await startCapture(ifs.a, 'udp port 500 or udp port 4500 or ip proto 50 or udp port 1701', pcap, ns.a);
    cleanups.push(() => capture.stop());
    const routers: RouterProcess[] = [];
    for (const [name, n, addr] of [['rt1', ns.a, '198.51.100.1'], ['rt2', ns.b, '198.51.100.2']] as const) {
      const conf = path.join(dir, `${name}.conf`);
      writeFileSync(conf, seedConfig('ex4-ipsec-fixed-fixed', name));
      const r = await startRouterProcess(['--model', 'RTX1210', '--firmware', '14.01.26', '--config', conf, '--ssh', '127.0.0.1:0', '--time-scale', '10', '--wan', addr, '--esp-plain', ...(name === 'rt1' ? ['--key-log', keyLog] : [])], { netns: n });
      routers.push(r);
      cleanups.push(() => r.stop());
    }
    // the session is up when both ICCN and its ACK went by inside ESP: read from the capture, bounded
    const keys = () => (existsSync(keyLog) ? tsharkKeyArgs(parseKeyLog(readFileSync(keyLog, 'utf8')).entries) : []);
    await waitFor(() => keys().length > 2 && tshark(pcap, keys(), 'esp && l2tp.avp.message_type == 12', ['frame.number']).length > 0, 40_000, 'an ICCN inside ESP in the capture');
    const k = keys();
    // on the wire: ISAKMP on 500 and ESP as IP protocol 50; nothing on 4500, no cleartext L2TP
    expect(tshark(pcap, [], 'udp.port == 4500 || udp.port == 1701', ['frame.number'])).toEqual([]);
    expect(tshark(pcap, [], 'ip.proto == 50', ['frame.number']).length).toBeGreaterThanOrEqual(6);
    const types = new Set(tshark(pcap, k, 'ip.proto == 50 && l2tp', ['l2tp.avp.message_type', 'esp.icv_good']).flatMap((c) => (c[1] === 'True' || c[1] === '1' ? (c[0] ?? '').split('|').filter((x) => x !== '').map(Number) : [])));
    for (const t of [1, 2, 3, 10, 11, 12]) expect(types).toContain(t);
    for (const r of routers) expect(r.stderr()).toBe('');
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
  await test.info().attach('ex4-plain-esp.pcapng', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
});

/** Seed example 3 (IPv6 underlay) turned into L2TPv3/IPsec: the IPsec lines of example 4 with IPv6 addresses. */
function ipv6IpsecConfig(router: 'rt1' | 'rt2'): string {
  const [own, peer] = router === 'rt1' ? ['2001:db8:1::1', '2001:db8:1::2'] : ['2001:db8:1::2', '2001:db8:1::1'];
  return seedConfig('ex3-ipv6-underlay', router)
    .replace('tunnel encapsulation l2tpv3-raw', 'tunnel encapsulation l2tpv3')
    .replace(/( tunnel endpoint address .*\n)/, `$1 ipsec tunnel 101\n  ipsec sa policy 101 1 esp aes-cbc sha-hmac\n  ipsec ike local address 1 ${own}\n  ipsec ike pre-shared-key 1 text lab-ipsec-psk\n  ipsec ike remote address 1 ${peer}\n`)
    .replace('l2tp service on l2tpv3', 'ipsec auto refresh on\nipsec transport 1 101 udp 1701\nl2tp service on l2tpv3');
}

test('IPv6 underlay (seed example 3 with IPsec): IKE and ESP in UDP 4500 over IPv6, decrypted with the key log into L2TPv3', async () => {
  test.skip(skip !== null, skip ?? '');
  test.setTimeout(120_000);
  const tag = randomBytes(3).toString('hex');
  const n = `ipe-6-${tag}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-v6-'));
  const pcap = path.join(dir, 'ex3-ipsec-v6.pcapng');
  const keyLog = path.join(dir, 'rt1.keys');
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    await createNetns(n, { ipv6: true });
    cleanups.push(() => deleteNetns(n));
    // both routers in one namespace, each on its own address of lo (nodad: usable at once)
    for (const a of ['2001:db8:1::1', '2001:db8:1::2']) execFileSync('ip', ['netns', 'exec', n, 'ip', '-6', 'addr', 'add', `${a}/128`, 'dev', 'lo', 'nodad']);
    const capture = await startCapture('lo', 'udp port 500 or udp port 4500 or udp port 1701', pcap, n);
    cleanups.push(() => capture.stop());
    for (const [name, addr] of [['rt1', '2001:db8:1::1'], ['rt2', '2001:db8:1::2']] as const) {
      const conf = path.join(dir, `${name}.conf`);
      writeFileSync(conf, ipv6IpsecConfig(name));
      const r = await startRouterProcess(['--model', 'RTX1210', '--firmware', '14.01.26', '--config', conf, '--ssh', '127.0.0.1:0', '--time-scale', '10', '--wan', addr, ...(name === 'rt1' ? ['--key-log', keyLog] : [])], { netns: n });
      cleanups.push(() => r.stop());
    }
    const keys = () => (existsSync(keyLog) ? tsharkKeyArgs(parseKeyLog(readFileSync(keyLog, 'utf8')).entries) : []);
    await waitFor(() => keys().length > 2 && tshark(pcap, keys(), 'esp && l2tp.avp.message_type == 12', ['frame.number']).length > 0, 40_000, 'an ICCN inside ESP over IPv6 in the capture');
    expect(tshark(pcap, [], 'l2tp || ip', ['frame.number'])).toEqual([]);
    // the inner UDP checksum is mandatory over IPv6 (RFC 8200 §8.1): tshark checks it (1 = good; the
    // outer one on lo is left to offload and not checked here)
    const inside = tshark(pcap, [...keys(), '-o', 'udp.check_checksum:TRUE'], 'ipv6 && esp && l2tp', ['l2tp.avp.message_type', 'esp.icv_good', 'udp.checksum.status']);
    const types = new Set(inside.flatMap((c) => (c[0] ?? '').split('|').filter((x) => x !== '').map(Number)));
    for (const t of [1, 2, 3, 10, 11, 12]) expect(types).toContain(t);
    expect(inside.every((c) => c[1] === 'True' || c[1] === '1')).toBe(true);
    expect(inside.map((c) => (c[2] ?? '').split('|').pop())).toEqual(inside.map(() => '1'));
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
  await test.info().attach('ex3-ipsec-v6.pcapng', { path: pcap, contentType: 'application/vnd.tcpdump.pcap' });
});

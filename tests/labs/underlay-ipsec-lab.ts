// What the L2TPv3/IPsec-over-underlay lab tests (IPIP: underlay-ipsec-netns.spec.ts, MAP-E:
// underlay-mape-ipsec-netns.spec.ts) share: the lab brought up by the real binary with its key log
// and capture, the hosts pinging both ways, lab down leaving nothing; then the internet link read
// by tshark (no cleartext L2TP; IKE and ESP as IPv4 inside IPv6 between a tunnel end and the relay)
// and, decrypted, the hosts' ICMP inside L2TPv3 inside ESP.
import { test, expect } from '@playwright/test';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { listNetns } from '../../drivers/hosts/index.ts';
import { readLabState, type LabState } from '../../drivers/lab/index.ts';
import { icvGood, tsharkRows, tsharkSummary } from './ipsec-lab-evidence.ts';
import { cli } from '../support/cli-binary.ts';
import { pingAcross } from './ping-across.ts';
import { expectLabGone, labDownThroughCli } from './lab-teardown.ts';

export const bare = (a: string) => a.replace(/\/\d+$/, '');
/** The outer layer's value of a tshark field that occurs in several layers (`|`-joined). */
export const first = (v: string) => v.split('|')[0];

export interface UnderlayIpsecLab {
  readonly state: LabState;
  /** The test's folder (state, capture, keys): the caller removes it at the end. */
  readonly dir: string;
  readonly pcap: string;
  readonly keyDir: string;
}

/** `lab up --netns --key-log --capture`, pings both ways (and `during`, while up), `lab down`, nothing left. */
export async function runUnderlayIpsecLab(topology: string, during?: (state: LabState) => Promise<void>): Promise<UnderlayIpsecLab> {
  const dir = mkdtempSync(path.join(tmpdir(), `${path.basename(topology, '.yaml')}-`));
  const stateFile = path.join(dir, 'state.json');
  const capDir = path.join(dir, 'capture');
  const keyDir = path.join(dir, 'keys');
  const before = new Set(await listNetns());
  let state: LabState | undefined;
  try {
    const up = await cli(['lab', 'up', topology, '--netns', '--state', stateFile, '--key-log', keyDir, '--capture', capDir], 90_000);
    await test.info().attach('lab up output.txt', { body: up.out + up.err, contentType: 'text/plain' });
    expect(up.code, `lab up: ${up.err}`).toBe(0);
    state = readLabState(stateFile);
    const [h1, h2] = state.hosts;
    for (const [a, b] of [[h1, h2], [h2, h1]] as const) {
      const r = await pingAcross(a.netns!, bare(b.addresses[0]));
      expect(r.code, `${a.name} pings ${b.name}: ${r.out}`).toBe(0);
    }
    await during?.(state);
  } finally {
    if (state || existsSync(stateFile)) await labDownThroughCli(stateFile);
  }
  await expectLabGone(state!.prefix, before, [dir]);
  return { state: state!, dir, pcap: path.join(capDir, 'internet6.pcapng'), keyDir };
}

const IKE_ESP_FIELDS = ['ipv6.src', 'ipv6.dst', 'ipv6.nxt', 'ip.src', 'ip.dst', 'udp.srcport', 'udp.dstport', 'frame.protocols'];

/**
 * The internet link before decryption: no cleartext L2TP, and every IKE and ESP packet IPv4 inside
 * IPv6 (Next Header 4, or a reassembled datagram's Fragment header with IPv4 behind it) between a
 * tunnel end and the relay. Returns the rows (fields IKE_ESP_FIELDS' order) for the caller's own checks.
 */
export async function ikeAndEspInsideIpv6(pcap: string, relayAddress: string): Promise<{ ike: string[][]; esp: string[][] }> {
  await test.info().attach('capture summary (not decrypted).txt', { body: tsharkSummary(pcap), contentType: 'text/plain' });
  expect(tsharkRows(pcap, [], 'udp.port == 1701 || l2tp', ['frame.number']), 'no cleartext L2TP on the internet link').toEqual([]);
  const ike = tsharkRows(pcap, [], 'isakmp', IKE_ESP_FIELDS);
  const esp = tsharkRows(pcap, [], 'esp', IKE_ESP_FIELDS);
  await test.info().attach('ike and esp rows.txt', { body: [...ike, ...esp].map((r) => r.join('\t')).join('\n'), contentType: 'text/plain' });
  expect(ike.length, 'IKE on the internet link').toBeGreaterThan(0);
  expect(esp.length, 'ESP on the internet link').toBeGreaterThan(0);
  for (const r of [...ike, ...esp]) {
    expect(r[7], 'layers').toMatch(/^eth:ethertype:ipv6:(ipv6\.fraghdr:)?ip:udp:(isakmp|udpencap:(isakmp|esp))/);
    expect(first(r[2])).toBe(r[7].includes('ipv6.fraghdr') ? '44' : '4');
    expect([r[0], r[1]].map(first), 'between a tunnel end and the relay').toContain(relayAddress);
  }
  return { ike, esp };
}

/** Decrypted: at least three echo requests and replies each way between the hosts, inside L2TPv3 inside ESP (ICV good) inside IPv4 inside IPv6. */
export function expectHostsIcmpInsideEsp(pcap: string, keys: readonly string[], state: LabState): void {
  const [a1, a2] = state.hosts.map((h) => bare(h.addresses[0]));
  const icmp = (src: string, dst: string, type: number) =>
    tsharkRows(pcap, keys, `ipv6 && esp && l2tp && eth && ip.src == ${src} && ip.dst == ${dst} && icmp.type == ${type}`, ['frame.number', 'esp.icv_good']).filter((r) => icvGood(r[1])).length;
  for (const [src, dst] of [[a1, a2], [a2, a1]]) {
    expect(icmp(src, dst, 8), `echo requests ${src} -> ${dst} inside L2TPv3 inside ESP inside IPv4 inside IPv6`).toBeGreaterThanOrEqual(3);
    expect(icmp(dst, src, 0), `echo replies ${dst} -> ${src}`).toBeGreaterThanOrEqual(3);
  }
}

// Issue 14 point 5 end to end: two IKE oracles negotiate (main mode, and aggressive mode with NAT-T
// forced), the ESP oracle protects L2TPv3 with the SAs they set up, and the key log written from
// the IKE actions alone (ike-key-log.ts) lets tshark decrypt every IKE message and decrypt and
// authenticate every ESP packet of the capture — and lets `decode`'s IPsec stage do the same.
import { test, expect } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { LINKTYPE, writePcap, type CaptureRecord } from '../../../reference-impl/capture/capture-file.ts';
import { buildEthernetFrame, buildUdpPacket, ETHERTYPE } from '../../../reference-impl/capture/ip.ts';
import { unwrapIpsecCapture } from '../../../reference-impl/ipsec/capture-ipsec.ts';
import { protectTransport, espSa } from '../../../reference-impl/ipsec/esp/index.ts';
import { keyLogOfActions } from '../../../reference-impl/ipsec/ike-key-log.ts';
import type { IkeGatewayConfig, IpsecSaUp } from '../../../reference-impl/ipsec/ike/ike-events.ts';
import { ID_TYPE } from '../../../reference-impl/ipsec/isakmp/constants.ts';
import { parseKeyLog, tsharkKeyOptions, writeKeyLog } from '../../../reference-impl/ipsec/key-log.ts';
import { avps, encodeControlMessage } from '../../../reference-impl/l2tpv3/index.ts';
import { tsharkFields, tsharkMatching, tsharkMissing } from '../../support/tshark.ts';
import { A, B, pair } from './ike/ike-sim.ts';

// Files for tshark and the CLI go to a folder of this file's own: the shared test-results folder is
// emptied by any other Playwright run starting in the same checkout (several helpers run at once).
let SCRATCH = '';
test.beforeAll(() => {
  SCRATCH = mkdtempSync(join(tmpdir(), 'esp-test-'));
});
test.afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));
const scratchPath = (name: string): string => join(SCRATCH, `${test.info().testId}-${name}`);

const MAC = { [A]: '02:00:00:00:0a:01', [B]: '02:00:00:00:0b:01' } as Record<string, string>;

function frame(src: string, dst: string, ip: Uint8Array): Uint8Array {
  return buildEthernetFrame({ src: MAC[src], dst: MAC[dst], etherType: ETHERTYPE.IPV4, payload: ip });
}

const FORCED = { on: true, force: true, keepaliveS: 300 };
const SCENARIOS: { name: string; a: Partial<IkeGatewayConfig>; b: Partial<IkeGatewayConfig>; udp: boolean; phase1: string }[] = [
  { name: 'main mode, no NAT-T', a: {}, b: {}, udp: false, phase1: '2' },
  {
    name: 'aggressive mode (KEY_ID), NAT-T forced',
    a: { exchange: 'aggressive', localId: { type: ID_TYPE.keyId, value: 'l2tpv3' }, natTraversal: FORCED },
    b: { exchange: 'aggressive', remote: 'any', remoteId: { type: ID_TYPE.keyId, value: 'l2tpv3' }, natTraversal: FORCED },
    udp: true,
    phase1: '4',
  },
];

for (const sc of SCENARIOS) {
  test(`${sc.name}: the key log from the IKE oracle's actions decrypts the whole capture in tshark and in decode`, () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const sim = pair(14, sc.a, sc.b);
    sim.inject(A, { kind: 'connect', gateway: 1 });
    sim.run(2000);
    const records: CaptureRecord[] = [];
    let t = 1_700_000_000_000_000;
    for (const e of sim.trace) {
      if (e.action.kind !== 'send') continue;
      const { to, localPort, bytes } = e.action;
      records.push({ timestampUs: t++, data: frame(e.node, to.address, buildUdpPacket({ src: e.node, dst: to.address, srcPort: localPort, dstPort: to.port, payload: bytes })) });
    }
    const up = (node: string): IpsecSaUp => {
      const a = sim.actions(node, 'ipsecSaUp')[0];
      if (!a) throw new Error(`${node}: no IPsec SA came up`);
      return a.sa;
    };
    const ikeFrames = records.length;
    // L2TPv3 HELLOs each way through the SAs the two oracles agreed on.
    for (const [node, peer] of [[A, B], [B, A]]) {
      const sa = up(node);
      expect(sa.udpEncapsulated).toBe(sc.udp);
      const esp = espSa({ spi: sa.outbound.spi, cipher: sa.cipher, encryptionKey: sa.outbound.encKey, integrity: sa.integrity, authenticationKey: sa.outbound.authKey });
      for (let s = 1; s <= 2; s++) {
        const hello = buildUdpPacket({ src: node, dst: peer, srcPort: 1701, dstPort: 1701, payload: encodeControlMessage({ ccid: 0x100 + s, ns: s, nr: 0, avps: [avps.messageType(6)] }) });
        const wire = protectTransport(hello, { sa: esp, sequence: s, iv: new Uint8Array(esp.cipher.ivBytes).fill(s), encapsulation: sa.udpEncapsulated ? { kind: 'udp' } : { kind: 'esp' } });
        records.push({ timestampUs: t++, data: frame(node, peer, wire) });
      }
    }
    // The key log from one side's actions only (the other side's would name the same SAs).
    const text = writeKeyLog(keyLogOfActions(sim.trace.filter((e) => e.node === A).map((e) => e.action)), [sc.name]);
    const keys = parseKeyLog(text);
    expect(keys.errors).toEqual([]);
    expect(keys.entries.map((k) => k.kind)).toEqual(['IKEV1', 'ESP', 'ESP']);
    const file = scratchPath('oracle-ike-esp.pcap');
    writeFileSync(file, writePcap(records, LINKTYPE.ETHERNET));
    const prefs = tsharkKeyOptions(keys.entries);
    const theirs = tsharkFields(file, ['isakmp.ispi', 'isakmp.exchangetype', 'isakmp.flag_e', 'isakmp.typepayload', 'esp.spi', 'esp.icv_good', 'l2tp.ccid'], { prefs });
    expect(tsharkMatching(file, '_ws.malformed || esp.icv_bad == 1', prefs)).toEqual([]);
    expect(theirs.get(1)?.get('isakmp.exchangetype'), 'phase 1 exchange (2 main, 4 aggressive)').toEqual([sc.phase1]);
    // Every encrypted ISAKMP message shows its decrypted payloads; every ESP packet authenticates and holds the HELLO.
    const encrypted = [...theirs].filter(([, f]) => f.get('isakmp.flag_e')?.[0] === '1');
    expect(encrypted.length).toBeGreaterThan(0);
    expect(encrypted.filter(([, f]) => !f.has('isakmp.typepayload')).map(([n]) => n)).toEqual([]);
    const esp = [...theirs].filter(([n]) => n > ikeFrames);
    expect(esp.map(([, f]) => [f.get('esp.icv_good'), f.get('l2tp.ccid')?.length])).toEqual(Array(4).fill([['1'], 1]));
    // decode's reading of the same capture with the same key log.
    const ours = unwrapIpsecCapture({ format: 'pcap', linkTypes: [LINKTYPE.ETHERNET], records }, keys.entries).frames;
    expect(ours.filter((f) => f.status !== 'clear' && f.status !== 'decrypted').map((f) => `${f.frame} ${f.layer} ${f.status}`)).toEqual([]);
    expect(ours.filter((f) => f.layer === 'isakmp' && f.status === 'decrypted').map((f) => f.frame)).toEqual(encrypted.map(([n]) => n));
  });
}

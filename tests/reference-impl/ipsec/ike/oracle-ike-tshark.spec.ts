// IKE the oracle produces, read by Wireshark: a simulated exchange (main or aggressive mode, quick
// mode, DPD and Delete informationals, NAT-T on 4500 with the non-ESP marker) written to a pcap and
// dissected by tshark with only `IKEV1 ICOOKIE ENCKEY`; every encrypted message must decrypt to
// the payloads the oracle sent. The oracle's own capture decryptor must read the same file alike.
import { test, expect } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUdpPacket, LINKTYPE, writePcap } from '../../../../reference-impl/capture/index.ts';
import { ID_TYPE } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import { Ikev1CaptureDecryptor } from '../../../../reference-impl/ipsec/ike/capture-decryptor.ts';
import type { Payload } from '../../../../reference-impl/ipsec/isakmp/payloads.ts';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';
import { isakmpMessages } from './capture-isakmp.ts';
import { A, pair, type IkeSim } from './ike-sim.ts';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function capture(sim: IkeSim, file: string): void {
  const records = sim.trace.flatMap((e) => {
    if (e.action.kind !== 'send') return [];
    const a = e.action;
    return [{ timestampUs: e.t * 1000, data: buildUdpPacket({ src: e.node, dst: a.to.address, srcPort: a.localPort, dstPort: a.to.port, payload: a.bytes }) }];
  });
  writeFileSync(file, writePcap(records, LINKTYPE.RAW));
}

/** Payload numbers in Wireshark's order: each payload, and inside an SA its proposals and their transforms. */
function preorder(ps: Payload[]): string[] {
  const num: Record<string, number> = { sa: 1, ke: 4, id: 5, hash: 8, nonce: 10, notification: 11, delete: 12, vendorId: 13 };
  return ps.flatMap((p) => {
    const n = p.kind === 'natD' ? (p.draft ? 130 : 20) : p.kind === 'natOa' ? (p.draft ? 131 : 21) : p.kind === 'raw' ? p.payloadType : num[p.kind];
    if (p.kind !== 'sa') return [String(n)];
    return ['1', ...p.proposals.flatMap((pr) => ['2', ...pr.transforms.map(() => '3')])];
  });
}

const CASES = [
  { name: 'main mode, NAT-T forced (4500), quick mode, DPD, Delete', a: { natTraversal: { on: true, force: true, keepaliveS: 'off' as const }, keepalive: { method: 'dpd' as const, intervalS: 10, count: 6 } }, b: {} },
  { name: 'aggressive mode (KEY_ID) on 500, quick mode with PFS, DPD, Delete', a: { exchange: 'aggressive' as const, localId: { type: ID_TYPE.keyId, value: 'rtx' }, pfsGroup: 2 as const, natTraversal: { on: false, force: false, keepaliveS: 'off' as const } }, b: { exchange: 'aggressive' as const, remote: 'any' as const, remoteId: { type: ID_TYPE.keyId, value: 'rtx' }, pfsGroup: 2 as const } },
];

test.describe('tshark decrypts the oracle\'s IKE with the key-log line', () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  for (const c of CASES) {
    test(c.name, () => {
      const sim = pair(21, c.a, c.b);
      sim.inject(A, { kind: 'connect', gateway: 1 });
      sim.run(15_000); // one DPD round
      sim.inject(A, { kind: 'disconnect', gateway: 1 });
      const up = sim.actions(A, 'phase1Up')[0];
      expect(up).toBeDefined();
      const dir = mkdtempSync(join(tmpdir(), 'ike-tshark-'));
      try {
        const file = join(dir, 'oracle-ike.pcap');
        capture(sim, file);
        const pref = `uat:ikev1_decryption_table:${hex(up.keys.icookie)},${hex(up.keys.encKey)}`;
        const theirs = tsharkFields(file, ['isakmp.typepayload', 'isakmp.flags', '_ws.malformed', '_ws.expert.severity'], { prefs: [pref], filter: 'isakmp' });
        const ours = new Ikev1CaptureDecryptor([{ icookie: up.keys.icookie, encKey: up.keys.encKey }]);
        let encrypted = 0;
        const msgs = isakmpMessages(file);
        expect(msgs.length).toBe(theirs.size);
        for (const m of msgs) {
          const r = ours.push(m.bytes);
          expect(r.status === 'clear' || r.status === 'decrypted', `frame ${m.frame}: ${'reason' in r ? r.reason : ''}`).toBe(true);
          if (r.status !== 'clear' && r.status !== 'decrypted') continue;
          if (r.status === 'decrypted') encrypted++;
          const t = theirs.get(m.frame)!;
          expect(t.get('_ws.malformed'), `frame ${m.frame} malformed in tshark`).toBeUndefined();
          expect(t.get('isakmp.typepayload') ?? [], `frame ${m.frame} payloads`).toEqual(preorder(r.payloads));
        }
        // Phase 1 (2 or 1 encrypted), quick mode 3, DPD request and ack, 2 Deletes at least.
        expect(encrypted).toBeGreaterThanOrEqual(8);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

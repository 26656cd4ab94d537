// The peer's IPsec wire as the report shows it: every ISAKMP message decrypted with the peer's key
// log (payloads as the verdict reads them) and every ESP packet opened into the L2TPv3 message it
// carries. Issue 15: every capture in the report is decrypted, so the report shows the L2TPv3
// inside; the keys themselves are never written (secrets stay out of reports: DESIGN.md).
import { test } from '@playwright/test';
import { maskSecrets } from '../../reports/allure/attachments.ts';
import { decapsulateEsp } from '../../reference-impl/ipsec/esp/esp-packet.ts';
import { unframe } from '../../reference-impl/ipsec/ike/nat-t.ts';
import { espSaOf } from '../../reference-impl/ipsec/key-log.ts';
import { controlEvent } from '../../reference-impl/trace/control-event.ts';
import { isakmpEvents } from '../../reference-impl/trace/ipsec-events.ts';
import { formatEvent } from '../../reference-impl/trace/trace-event.ts';
import type { LabIpsecTransport } from './ipsec-lab.ts';

const UDP_HEADER = 8;

/** One line per datagram: ISAKMP decrypted, ESP opened to its L2TPv3 message, NAT keepalives named. */
export function decodeIpsecWire(t: LabIpsecTransport): string {
  const keys = t.keys.entries;
  const origin = t.wire.datagrams[0]?.atUs ?? 0;
  const lines: string[] = [];
  for (const d of t.wire.datagrams) {
    const port = (d.direction === 'in' ? d.dst.port : d.src.port) as 500 | 4500;
    const head = `+${((d.atUs - origin) / 1000).toFixed(1)} ms ${d.direction === 'out' ? 'peer -> device' : 'device -> peer'} ${d.src.host}:${d.src.port} -> ${d.dst.host}:${d.dst.port}`;
    const u = unframe(port, d.bytes);
    if (u.kind === 'keepalive') {
      lines.push(`${head} NAT-T keepalive`);
    } else if (u.kind === 'isakmp') {
      // each message read in the order of the whole exchange (the decryptor chains IVs); a copy adds no event
      const upTo = (incl: boolean) => isakmpEvents(t.wire.datagrams.filter((x) => (incl ? x.atUs <= d.atUs : x.atUs < d.atUs)).map((x) => ({
        t: 0, by: x.direction === 'in' ? 'device' as const : 'harness' as const, at: 'ike', port: (x.direction === 'in' ? x.dst.port : x.src.port) as 500 | 4500, bytes: x.bytes,
      })), keys);
      const all = upTo(true);
      const ev = all.length > upTo(false).length ? all.at(-1) : undefined;
      lines.push(`${head} ${ev ? formatEvent(ev).replace(/^\+0 ms (harness )?control@ike /, '') : 'ISAKMP (a copy of an earlier message)'}`);
    } else {
      const spi = new DataView(d.bytes.buffer, d.bytes.byteOffset, 4).getUint32(0);
      const entry = keys.find((k) => k.kind === 'ESP' && k.spi === spi);
      if (!entry || entry.kind !== 'ESP') {
        lines.push(`${head} ESP spi=0x${spi.toString(16)}: no key in the key log`);
        continue;
      }
      const r = decapsulateEsp(espSaOf(entry), d.bytes, { acceptNextHeader: (nh) => nh === 17 });
      if (!r.ok) {
        lines.push(`${head} ESP spi=0x${spi.toString(16)}: ${r.error.kind}`);
        continue;
      }
      const l2tp = r.value.payload.subarray(UDP_HEADER);
      const inner = (l2tp[0] & 0x80) !== 0 ? formatEvent(controlEvent(l2tp, 0, 'l2tp')).replace(/^\+0 ms control@l2tp /, 'L2TPv3 ') : `L2TPv3 data message, ${l2tp.length} octets`;
      lines.push(`${head} ESP spi=0x${spi.toString(16)} seq=${r.value.sequence} ICV ok: ${inner}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Attaches the decrypted wire of each peer (never the keys, never the pre-shared key). */
export async function attachDecryptedWire(peers: readonly LabIpsecTransport[], secrets: readonly string[]): Promise<void> {
  for (const t of peers) {
    await test.info().attach(`ipsec-wire ${t.opts.local} (decrypted).txt`, { body: maskSecrets(decodeIpsecWire(t), secrets), contentType: 'text/plain' });
  }
}

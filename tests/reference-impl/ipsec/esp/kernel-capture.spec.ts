// Issue 14, "What must be shown" 3 (first half): the oracle decrypts the ESP that the reference
// capture's Linux kernels produced (strongSwan-negotiated SAs, AES-CBC + HMAC-SHA1-96, keys in
// captures/ipsec/README.md) and finds the kernel's L2TPv3 pseudowire inside; tshark given the same
// keys agrees field by field: SPI, sequence, ICV verdict, pad length, next header, and the
// L2TPv3 session ID, cookie and inner Ethernet addresses.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { decodeCapture, readCaptureFile } from '../../../../reference-impl/capture/index.ts';
import { unwrapIpsecCapture, type EspFrameInfo } from '../../../../reference-impl/ipsec/capture-ipsec.ts';
import { parseKeyLog, tsharkKeyOptions } from '../../../../reference-impl/ipsec/key-log.ts';
import { decapsulateEsp, espSa, readEspHeader } from '../../../../reference-impl/ipsec/esp/index.ts';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';

const DIR = '/work/shared/captures/ipsec';
const KERNEL = `${DIR}/qemu-kernel_ikev1-mm_esp-transport_l2tpv3-eth-pw.pcapng`;
// captures/ipsec/README.md, written as a key log.
const KEY_LOG = [
  'ESP 10.96.0.1 10.96.0.2 ca6e501f aes-cbc a023fe7270619bfa6aae7f76de35dc68 sha-hmac e7eb75120601732893d922da4f4181228f5eec68',
  'ESP 10.96.0.2 10.96.0.1 c53c1f8b aes-cbc 941cc8bef2b58e0c4f6c8b94ee16e161 sha-hmac 3e26b44d84b4baa2402e28ce346a00f98d29d348',
].join('\n');
/**
 * The kernel pseudowire's data layout, which no control exchange in the file announces: 4-octet
 * cookies (c0ffee01 / d00dfeed) and the Default L2-Specific Sublayer (iproute2's default l2spec_type).
 */
const PREFS = ['l2tp.cookie_size:cookie4', 'l2tp.l2_specific:default'];
const FIELDS = ['esp.spi', 'esp.sequence', 'esp.icv_good', 'esp.pad_len', 'esp.protocol', 'l2tp.sid', 'l2tp.cookie', 'eth.src', 'eth.dst', 'eth.type'];
/** What the README says the pseudowire carried (ARP and ping, with IPv6 neighbour traffic): a wrong layout shows as other types. */
const INNER_ETHERTYPES = [0x0806, 0x0800, 0x86dd];

test.skip(!existsSync(KERNEL), `reference capture ${KERNEL} not found`);

test('the oracle decrypts every kernel ESP packet and verifies its ICV', () => {
  const keys = parseKeyLog(KEY_LOG);
  expect(keys.errors).toEqual([]);
  const { frames } = unwrapIpsecCapture(readCaptureFile(readFileSync(KERNEL)), keys.entries);
  const esp = frames.filter((f): f is EspFrameInfo => f.layer === 'esp');
  expect(esp.length).toBe(26); // frames 20-29, 31-35, 37-41, 44-49 in tshark's listing
  expect(esp.filter((f) => f.status !== 'decrypted')).toEqual([]);
  // Each direction numbers its packets 1, 2, 3, ... (RFC 4303 §3.3.3), as the kernel sent them.
  for (const spi of [0xca6e501f, 0xc53c1f8b]) {
    const s = esp.filter((f) => f.spi === spi).map((f) => f.sequence);
    expect(s).toEqual(s.map((_, i) => i + 1));
  }
});

test('oracle and tshark agree on every ESP frame of the kernel capture: SPI, sequence, ICV, padding, next header, inner L2TPv3', () => {
  test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
  const keys = parseKeyLog(KEY_LOG).entries;
  const cap = readCaptureFile(readFileSync(KERNEL));
  const { file, frames } = unwrapIpsecCapture(cap, keys);
  const theirs = tsharkFields(KERNEL, FIELDS, { prefs: [...tsharkKeyOptions(keys), ...PREFS], decodeAs: ['l2tp.pw_type==0,eth'] });
  const l2tp = new Map([...decodeCapture(file, { forceLayout: { cookieLength: 4, l2ss: 'default' } })].map((p) => [p.frame, p]));
  const mismatches: string[] = [];
  const check = (frame: number, field: string, got: string[] | undefined, want: string[]): void => {
    if (JSON.stringify(got ?? []) !== JSON.stringify(want)) mismatches.push(`frame ${frame} ${field}: tshark ${JSON.stringify(got ?? [])}, oracle ${JSON.stringify(want)}`);
  };
  const espFrames = [...theirs].filter(([, f]) => f.has('esp.spi')).map(([n]) => n);
  expect(frames.filter((f) => f.layer === 'esp').map((f) => f.frame)).toEqual(espFrames);
  const sas = keys.flatMap((k) => (k.kind === 'ESP' ? [espSa({ spi: k.spi, cipher: k.cipher, encryptionKey: k.encKey, integrity: k.integrity, authenticationKey: k.authKey })] : []));
  for (const info of frames) {
    if (info.layer !== 'esp') continue;
    const t = theirs.get(info.frame);
    const n = info.frame;
    check(n, 'esp.spi', t?.get('esp.spi'), [`0x${(info.spi ?? 0).toString(16).padStart(8, '0')}`]);
    check(n, 'esp.sequence', t?.get('esp.sequence'), [String(info.sequence)]);
    check(n, 'esp.icv_good', t?.get('esp.icv_good'), ['1']);
    check(n, 'esp.protocol', t?.get('esp.protocol'), [`0x${(info.nextHeader ?? 0).toString(16).padStart(2, '0')}`]);
    // Pad length from the ESP layer itself (the capture summary does not carry it).
    const raw = cap.records[n - 1].data.subarray(14 + 20);
    const h = readEspHeader(raw);
    const sa = h.ok ? sas.find((s) => s.spi === h.value.spi) : undefined;
    const d = sa ? decapsulateEsp(sa, raw) : undefined;
    check(n, 'esp.pad_len', t?.get('esp.pad_len'), d?.ok ? [String(d.value.padLength)] : []);
    const p = l2tp.get(n);
    check(n, 'l2tp.sid', t?.get('l2tp.sid'), p?.data ? [`0x${p.data.sessionId.toString(16).padStart(8, '0')}`] : []);
    check(n, 'l2tp.cookie', t?.get('l2tp.cookie'), p?.data ? [p.data.cookie.replace(/:/g, '')] : []);
    check(n, 'inner eth.src', t?.get('eth.src')?.slice(1), p?.data?.ethernet ? [p.data.ethernet.src] : []);
    check(n, 'inner eth.dst', t?.get('eth.dst')?.slice(1), p?.data?.ethernet ? [p.data.ethernet.dst] : []);
    check(n, 'inner eth.type', t?.get('eth.type')?.slice(1), p?.data?.ethernet ? [`0x${p.data.ethernet.etherType.toString(16).padStart(4, '0')}`] : []);
    if (!INNER_ETHERTYPES.includes(p?.data?.ethernet?.etherType ?? -1)) mismatches.push(`frame ${n}: inner EtherType ${p?.data?.ethernet?.etherType} is not ARP, IPv4 or IPv6 (wrong data layout?)`);
  }
  expect(mismatches).toEqual([]);
  expect(l2tp.size).toBe(26);
});

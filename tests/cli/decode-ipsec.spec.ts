// Issue 14, "What must be shown" 1: `decode --ipsec-keys` on ../shared/captures/ipsec/ agrees field
// by field with tshark given the same keys: the IKE payloads (decrypted main, quick and
// informational messages), ESP SPI and sequence, and the L2TPv3 inside. The decode path is the
// real one: the key-log file read by cli/decode-ipsec.ts, its frame stage in decode's pipeline
// (reference-impl/capture/decode-pipeline.ts), and the CLI run end to end.
import { test, expect } from '@playwright/test';
import { tmpdir } from 'node:os';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCaptureFile, type DecodedPacket } from '../../reference-impl/capture/index.ts';
import { DecodePipeline } from '../../reference-impl/capture/decode-pipeline.ts';
import { unwrapIpsecCapture, type IpsecFrameInfo } from '../../reference-impl/ipsec/capture-ipsec.ts';
import { parseKeyLog, tsharkKeyOptions } from '../../reference-impl/ipsec/key-log.ts';
import { ipsecFrameStages, readIpsecKeyLog } from '../../cli/decode-ipsec.ts';
import { DECODE_COMMAND } from '../../cli/decode.ts';
import { UsageError } from '../../cli/exit-codes.ts';
import { tsharkFields, tsharkMissing } from '../support/tshark.ts';

// Files for tshark and the CLI go to a folder of this file's own: the shared test-results folder is
// emptied by any other Playwright run starting in the same checkout (several helpers run at once).
let SCRATCH = '';
test.beforeAll(() => {
  SCRATCH = mkdtempSync(join(tmpdir(), 'esp-test-'));
});
test.afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));
const scratchPath = (name: string): string => join(SCRATCH, `${test.info().testId}-${name}`);

const DIR = resolve('..', 'shared', 'captures', 'ipsec');
const BIN = resolve('bin', 'l2tpv3-conformance.mjs');
const KERNEL = resolve(DIR, 'qemu-kernel_ikev1-mm_esp-transport_l2tpv3-eth-pw.pcapng');
const SYNTHETIC = resolve(DIR, 'synthetic_esp-transport_plain-and-udp4500_l2tpv3-hello.pcap');
// The keys of captures/ipsec/README.md as a key-log file.
const KEY_LOG = `# captures/ipsec/README.md
IKEV1 79211118fbe8d268 0A6445E921B79FD813E53673091C18AB
ESP * * CA6E501F aes-cbc A023FE7270619BFA6AAE7F76DE35DC68 sha-hmac E7EB75120601732893D922DA4F4181228F5EEC68
ESP * * C53C1F8B aes-cbc 941CC8BEF2B58E0C4F6C8B94EE16E161 sha-hmac 3E26B44D84B4BAA2402E28CE346A00F98D29D348
ESP * * c001 aes-cbc 00112233445566778899aabbccddeeff sha-hmac 0102030405060708090a0b0c0d0e0f1011121314
`;
/** Per capture: the data layout nothing in the file announces (as decode-shared-captures.spec.ts does). */
const LAYOUT: Record<string, { cli: string[]; prefs: string[]; cookieLength: 0 | 4 }> = {
  // 4-octet cookies and the Default L2-Specific Sublayer (iproute2's default for static sessions).
  [KERNEL]: { cli: ['--cookie-size', '4', '--l2ss', 'default'], prefs: ['l2tp.cookie_size:cookie4', 'l2tp.l2_specific:default'], cookieLength: 4 },
  [SYNTHETIC]: { cli: [], prefs: [], cookieLength: 0 },
};
const L2TP_FIELDS = ['l2tp.ccid', 'l2tp.Ns', 'l2tp.Nr', 'l2tp.avp.message_type', 'l2tp.sid', 'l2tp.cookie', 'l2tp.l2_spec_sequence', 'eth.src', 'eth.dst', 'eth.type'];
const IPSEC_FIELDS = ['esp.spi', 'esp.sequence', 'isakmp.ispi', 'isakmp.rspi', 'isakmp.exchangetype', 'isakmp.messageid', 'isakmp.typepayload', 'isakmp.notify.msgtype', 'isakmp.id.type', 'isakmp.id.port', 'isakmp.spi', 'isakmp.trans.id', 'udpencap.nat_keepalive'];

test.skip(!existsSync(KERNEL) || !existsSync(SYNTHETIC), `IPsec reference captures not found in ${DIR}`);

function keyFile(): string {
  const f = scratchPath('ipsec.keys');
  writeFileSync(f, KEY_LOG);
  return f;
}

const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** What tshark shows of an IPsec frame, computed from the oracle's reading of it. */
function expectedIpsec(f: IpsecFrameInfo): Map<string, string[]> {
  const m = new Map<string, string[]>();
  if (f.layer === 'esp' && f.spi !== undefined) {
    m.set('esp.spi', [hex8(f.spi)]);
    m.set('esp.sequence', [String(f.sequence)]);
  } else if (f.layer === 'nat-t' && f.status === 'nat-keepalive') {
    m.set('udpencap.nat_keepalive', ['1']); // FT_NONE: tshark prints 1 when the field is present
  } else if (f.layer === 'isakmp' && f.header) {
    m.set('isakmp.ispi', [f.header.icookie]);
    m.set('isakmp.rspi', [f.header.rcookie]);
    m.set('isakmp.exchangetype', [String(f.header.exchange)]);
    m.set('isakmp.messageid', [hex8(f.header.messageId)]);
    const types: string[] = [];
    const add = (k: string, v: string | number): void => {
      m.set(k, [...(m.get(k) ?? []), String(v)]);
    };
    for (const p of f.payloads ?? []) {
      types.push(String(p.type));
      // tshark lists the proposal (2) and transform (3) payloads nested in an SA in order.
      for (const pr of p.proposals ?? []) {
        types.push('2', ...pr.transforms.map(() => '3'));
        if (pr.spi) add('isakmp.spi', pr.spi);
        for (const t of pr.transforms) add('isakmp.trans.id', t.transformId);
      }
      if (p.name === 'N') {
        add('isakmp.notify.msgtype', p.fields.notifyType);
        if (p.fields.spi) add('isakmp.spi', p.fields.spi);
      }
      if (p.name === 'ID') {
        add('isakmp.id.type', p.fields.idType);
        add('isakmp.id.port', p.fields.port);
      }
    }
    if (types.length) m.set('isakmp.typepayload', types);
  }
  return m;
}

test('a bad key log is refused whole in one line: every bad line by number and field, never its value (exit 2)', () => {
  const f = scratchPath('bad.keys');
  writeFileSync(f, 'IKEV1 79211118fbe8d268\nESP * * c001 aes-cbc 0011 sha-hmac 0102030405060708090a0b0c0d0e0f1011121314\n# fine\n');
  let err: unknown;
  try {
    readIpsecKeyLog(f);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(UsageError);
  expect((err as Error).message).toBe(`--ipsec-keys ${f}: line 1: IKEV1 line has 2 fields, needs 3 (IKEV1 ICOOKIE ENCKEY); line 2: ENCKEY: 2 octets, aes-cbc needs 16`);
  expect((err as Error).message).not.toContain('0102030405060708');
  expect(ipsecFrameStages(undefined)).toEqual([]);
});

for (const file of [KERNEL, SYNTHETIC]) {
  const name = file.split('/').pop() ?? file;
  test(`${name}: IKE, ESP and the L2TPv3 inside agree with tshark given the same keys`, () => {
    test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
    const keys = parseKeyLog(KEY_LOG).entries;
    const layout = LAYOUT[file];
    const theirs = tsharkFields(file, [...IPSEC_FIELDS, ...L2TP_FIELDS], { prefs: [...tsharkKeyOptions(keys), ...layout.prefs], decodeAs: ['l2tp.pw_type==0,eth'] });
    const mismatches: string[] = [];
    const check = (frame: number, field: string, got: string[] | undefined, want: string[]): void => {
      if (JSON.stringify(got ?? []) !== JSON.stringify(want)) mismatches.push(`frame ${frame} ${field}: tshark ${JSON.stringify(got ?? [])}, decode ${JSON.stringify(want)}`);
    };
    // 1. IPsec frames (the lines decode prints for them).
    const { frames } = unwrapIpsecCapture(readCaptureFile(readFileSync(file)), keys);
    const ipsecFrames = [...theirs].filter(([, f]) => IPSEC_FIELDS.some((k) => f.has(k))).map(([n]) => n);
    expect(frames.map((f) => f.frame)).toEqual(ipsecFrames);
    expect(frames.filter((f) => f.status !== 'decrypted' && f.status !== 'clear' && f.status !== 'nat-keepalive')).toEqual([]);
    for (const f of frames) {
      const want = expectedIpsec(f);
      for (const field of IPSEC_FIELDS) check(f.frame, field, theirs.get(f.frame)?.get(field), want.get(field) ?? []);
    }
    // 2. The L2TPv3 packets, through decode's own pipeline with the key-log file's stage.
    const pipeline = new DecodePipeline({ json: true, forceLayout: layout.cookieLength ? { cookieLength: layout.cookieLength, l2ss: 'default' } : {}, stages: ipsecFrameStages(keyFile()) });
    const out = Buffer.from(pipeline.push(new Uint8Array(readFileSync(file)))).toString('utf8') + Buffer.from(pipeline.end()).toString('utf8');
    const ours = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DecodedPacket & { ipsec?: unknown }).filter((p) => !p.ipsec);
    const l2tpFrames = [...theirs].filter(([, f]) => f.has('l2tp.ccid') || f.has('l2tp.sid')).map(([n]) => n);
    expect(ours.map((p) => p.frame)).toEqual(l2tpFrames);
    expect(l2tpFrames.length).toBeGreaterThan(0);
    for (const p of ours) {
      const t = theirs.get(p.frame);
      if (p.control) {
        check(p.frame, 'l2tp.ccid', t?.get('l2tp.ccid'), [hex8(p.control.ccid)]);
        check(p.frame, 'l2tp.Ns', t?.get('l2tp.Ns'), [String(p.control.ns)]);
        check(p.frame, 'l2tp.Nr', t?.get('l2tp.Nr'), [String(p.control.nr)]);
        const mt = p.control.avps.find((a) => a.type === 0 && a.vendorId === 0);
        check(p.frame, 'l2tp.avp.message_type', t?.get('l2tp.avp.message_type'), mt ? [String(mt.value)] : []);
      } else if (p.data) {
        check(p.frame, 'l2tp.sid', t?.get('l2tp.sid'), [hex8(p.data.sessionId)]);
        check(p.frame, 'l2tp.cookie', t?.get('l2tp.cookie'), p.data.cookie ? [p.data.cookie.replace(/:/g, '')] : []);
        check(p.frame, 'inner eth.src', t?.get('eth.src')?.slice(1), p.data.ethernet ? [p.data.ethernet.src] : []);
        check(p.frame, 'inner eth.dst', t?.get('eth.dst')?.slice(1), p.data.ethernet ? [p.data.ethernet.dst] : []);
        check(p.frame, 'inner eth.type', t?.get('eth.type')?.slice(1), p.data.ethernet ? [`0x${p.data.ethernet.etherType.toString(16).padStart(4, '0')}`] : []);
        check(p.frame, 'l2tp.l2_spec_sequence', t?.get('l2tp.l2_spec_sequence'), p.data.l2ss ? [String(p.data.l2ss.sequence)] : []);
      } else {
        mismatches.push(`frame ${p.frame}: decode rejected it: ${p.error?.detail}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
}

test('the CLI: decode --ipsec-keys prints the L2TPv3 inside, and for SAs without keys the ESP/ISAKMP headers', () => {
  expect((DECODE_COMMAND.flags ?? []).map((f) => f.name)).toContain('ipsec-keys');
  const keys = keyFile();
  const run = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, 'decode', ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const withKeys = run([KERNEL, '--ipsec-keys', keys, '--cookie-size', '4', '--l2ss', 'default']);
  expect(withKeys.status).toBe(0);
  expect(withKeys.stdout).toMatch(/^20 UDP 10\.96\.0\.1:1701 > 10\.96\.0\.2:1701 data session=0x000000c8 cookie=c0:ff:ee:01 l2ss=unsequenced eth 0e:96:33:42:cd:a5 > 33:33:00:00:00:16 type=0x86dd$/m);
  expect(withKeys.stdout).not.toMatch(/A023FE72|a023fe72/i);
  const bad = run([KERNEL, '--ipsec-keys', BIN]);
  expect(bad.status).toBe(2);
  expect(withKeys.stdout).toMatch(/^20 ESP 10\.96\.0\.1 > 10\.96\.0\.2 spi=0xca6e501f seq=1 decrypted aes-cbc\/sha-hmac ICV ok next-header=17$/m);
  expect(withKeys.stdout).toMatch(/^17 ISAKMP 10\.96\.0\.1:500 > 10\.96\.0\.2:500 Quick Mode .* decrypted \[HASH/m);
  const json = run([KERNEL, '--ipsec-keys', keys, '--cookie-size', '4', '--l2ss', 'default', '--json']);
  const objs = json.stdout.trim().split('\n').map((l) => JSON.parse(l) as { frame: number; ipsec?: { layer: string; spi?: number; sequence?: number; status: string }; data?: { sessionId: number } });
  expect(objs.filter((o) => o.frame === 20).map((o) => (o.ipsec ? [o.ipsec.layer, o.ipsec.spi, o.ipsec.sequence, o.ipsec.status] : o.data?.sessionId))).toEqual([['esp', 0xca6e501f, 1, 'decrypted'], 0xc8]);
  // A key log without this capture's keys: the headers, and why nothing was decrypted.
  const empty = scratchPath('empty.keys');
  writeFileSync(empty, '# no keys\n');
  const without = execFileSync(process.execPath, [BIN, 'decode', KERNEL, '--ipsec-keys', empty], { encoding: 'utf8' });
  expect(without).toMatch(/^20 ESP 10\.96\.0\.1 > 10\.96\.0\.2 spi=0xca6e501f seq=1 not decrypted: no key for this SPI$/m);
  expect(without).toMatch(/^15 ISAKMP .* encrypted, could not decrypt: no key for initiator cookie 79211118fbe8d268$/m);
});

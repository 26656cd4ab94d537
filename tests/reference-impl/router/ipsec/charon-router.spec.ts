// Issue 15 "What must be shown" 3: strongSwan charon against the emulated router (a `router`
// process in its own network namespace), main and aggressive mode, each end initiating. This
// kernel has no ESP (ipsec-facts.md), so charon completes phase 1 and quick-mode messages 1-2 and
// then cannot install the SA: as quick-mode responder it answers message 3 with a DELETE, as
// initiator it sends NO-PROPOSAL-CHOSEN instead of message 3. What is checked: charon establishes
// the ISAKMP SA with the router, selects the router's ESP proposal, and the keys in the router's
// --key-log equal the ones charon logs (phase-1 Ka; the CHILD_SA keys when the router initiated).
import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addAddress, createNetns, createVethPair, deleteNetns } from '../../../../drivers/hosts/netns.ts';
import { parseKeyLog, type KeyLogEntry } from '../../../../reference-impl/ipsec/key-log.ts';
import { Charon, charonUnavailable, loggedChunks } from '../../../interop/strongswan/charon.ts';
import { NAME, PSK, swanctlConf, type Scenario } from '../../../interop/strongswan/scenario.ts';
import { waitFor } from '../lab.ts';
import { startRouterProcess, type RouterProcess } from './router-process.ts';

const skip = charonUnavailable();
const WAIT_MS = 20_000;
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const lastChunk = (c: Charon, label: string): string => {
  const all = loggedChunks(c.log(), label);
  return all.length ? hex(all[all.length - 1]) : `(charon logged no ${label})`;
};

/** The router's side of a scenario as an RTX config (yamaha-platform-facts.md §1.4, §2.1). */
function routerConfig(s: Scenario, router: string, charon: string): string {
  const aggressive = s.exchange === 'aggressive';
  const responderAny = aggressive && s.oracle === 'responder';
  const idType = s.idType === 'keyid' ? 'key-id' : 'fqdn';
  const initiates = s.oracle === 'initiator';
  return [
    'tunnel select 1',
    ' tunnel encapsulation l2tpv3',
    ...(responderAny ? [] : [` tunnel endpoint address ${router} ${charon}`]),
    ' ipsec tunnel 101',
    '  ipsec sa policy 101 1 esp aes-cbc sha-hmac',
    `  ipsec ike local address 1 ${router}`,
    ...(aggressive && initiates ? [`  ipsec ike local name 1 ${NAME} ${idType}`] : []),
    ...(responderAny ? [`  ipsec ike remote name 1 ${NAME} ${idType}`] : []),
    `  ipsec ike pre-shared-key 1 text ${PSK}`,
    `  ipsec ike remote address 1 ${responderAny ? 'any' : charon}`,
    // the router starts key exchange only when it is the initiator of the scenario
    ` l2tp always-on ${initiates ? 'on' : 'off'}`,
    ' tunnel enable 1',
    `ipsec auto refresh ${initiates ? 'on' : 'off'}`,
    'ipsec transport 1 101 udp 1701',
    'l2tp service on l2tpv3',
    '',
  ].join('\n');
}

interface Lab {
  charon: Charon;
  router: RouterProcess;
  keyLog: string;
  close(): Promise<void>;
}

async function openLab(s: Scenario): Promise<Lab> {
  const tag = randomBytes(3).toString('hex');
  const routerNs = `ipr-r-${tag}`;
  const charonNs = `ipr-c-${tag}`;
  const third = 1 + (parseInt(tag.slice(0, 2), 16) % 250);
  const routerAddress = `10.202.${third}.1`;
  const charonAddress = `10.202.${third}.2`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ipsec-charon-router-'));
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    await createNetns(routerNs, { ipv6: false });
    cleanups.push(() => deleteNetns(routerNs));
    await createNetns(charonNs, { ipv6: false });
    cleanups.push(() => deleteNetns(charonNs));
    await createVethPair({ name: `ipr${tag}`, netns: routerNs }, { name: `ipc${tag}`, netns: charonNs });
    await addAddress(routerNs, `ipr${tag}`, `${routerAddress}/24`);
    await addAddress(charonNs, `ipc${tag}`, `${charonAddress}/24`);
    const charon = await Charon.start(charonNs);
    cleanups.push(() => charon.stop());
    await charon.loadConfig(swanctlConf(s, {}, routerAddress, charonAddress));
    const conf = path.join(dir, 'router.conf');
    writeFileSync(conf, routerConfig(s, routerAddress, charonAddress), { mode: 0o600 });
    const keyLog = path.join(dir, 'router.keys');
    const router = await startRouterProcess(['--model', 'RTX1210', '--firmware', '14.01.26', '--config', conf, '--ssh', '127.0.0.1:0', '--wan', routerAddress, '--key-log', keyLog], { netns: routerNs });
    cleanups.push(() => router.stop());
    return { charon, router, keyLog, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function keyLogEntries(file: string): KeyLogEntry[] {
  return existsSync(file) ? parseKeyLog(readFileSync(file, 'utf8')).entries : [];
}

const SCENARIOS: Scenario[] = [
  { exchange: 'main', oracle: 'initiator' },
  { exchange: 'main', oracle: 'responder' },
  { exchange: 'aggressive', idType: 'keyid', oracle: 'initiator' },
  { exchange: 'aggressive', idType: 'fqdn', oracle: 'responder' },
];

test.describe('strongSwan charon against the emulated router (IKEv1, NAT-T forced)', () => {
  test.skip(skip !== null, skip ?? '');

  for (const s of SCENARIOS) {
    const who = s.oracle === 'initiator' ? 'the router initiates' : 'charon initiates';
    test(`${s.exchange} mode${s.idType ? ` (${s.idType})` : ''}, ${who}: ISAKMP SA up, ESP proposal selected, keys equal charon's`, async () => {
      test.setTimeout(90_000);
      const lab = await openLab(s);
      try {
        if (s.oracle === 'responder') void lab.charon.swanctl(['--initiate', '--child', 'l2tp', '--timeout', '5'], 10_000);
        await lab.charon.waitForLog(/IKE_SA rtx\[\d+\] established between/, WAIT_MS);
        await lab.charon.waitForLog(/encryption key Ka =>/, WAIT_MS);
        await waitFor(() => keyLogEntries(lab.keyLog).some((e) => e.kind === 'IKEV1'), WAIT_MS, 'the router\'s IKEV1 key-log line');
        const ike = keyLogEntries(lab.keyLog).filter((e) => e.kind === 'IKEV1');
        expect(ike.map((e) => hex(e.encKey))).toContain(lastChunk(lab.charon, 'encryption key Ka'));
        await lab.charon.waitForLog(/selected proposal: ESP:AES_CBC_128\/HMAC_SHA1_96/, WAIT_MS);
        if (s.oracle === 'initiator') {
          // the router sent quick-mode message 3 and logged its SA: charon's CHILD_SA keys, each direction
          await waitFor(() => keyLogEntries(lab.keyLog).some((e) => e.kind === 'ESP'), WAIT_MS, 'the router\'s ESP key-log lines');
          await lab.charon.waitForLog(/integrity responder key =>/, WAIT_MS);
          const esp = keyLogEntries(lab.keyLog).filter((e) => e.kind === 'ESP');
          const encKeys = esp.map((e) => (e.kind === 'ESP' ? hex(e.encKey) : ''));
          const authKeys = esp.map((e) => (e.kind === 'ESP' ? hex(e.authKey) : ''));
          expect(encKeys).toContain(lastChunk(lab.charon, 'encryption initiator key'));
          expect(encKeys).toContain(lastChunk(lab.charon, 'encryption responder key'));
          expect(authKeys).toContain(lastChunk(lab.charon, 'integrity initiator key'));
          expect(authKeys).toContain(lastChunk(lab.charon, 'integrity responder key'));
          // ipsec-facts.md: charon cannot install the SA here and deletes it
          await lab.charon.waitForLog(/sending DELETE for ESP CHILD_SA|generating INFORMATIONAL_V1 request \d+ \[ HASH D \]/, WAIT_MS);
        } else {
          // charon sends NO-PROPOSAL-CHOSEN instead of message 3: the router made no SA
          await lab.charon.waitForLog(/N\(NO_PROP\)/, WAIT_MS);
          expect(keyLogEntries(lab.keyLog).filter((e) => e.kind === 'ESP')).toEqual([]);
        }
        // the router never put a key on its stdout or stderr
        const keys = keyLogEntries(lab.keyLog).flatMap((e) => (e.kind === 'IKEV1' ? [e.encKey] : [e.encKey, e.authKey])).map(hex);
        for (const k of keys) expect(`${lab.router.stdout()}${lab.router.stderr()}`.toLowerCase().includes(k)).toBe(false);
      } catch (e) {
        const tail = lab.charon.log().split('\n').filter((l) => !/^\S*\s+\d+: /.test(l.replace(/^\d+\[\w+\]/, ''))).slice(-30).join('\n');
        throw new Error(`${String(e)}\n--- charon log (tail) ---\n${tail}\n--- router stderr ---\n${lab.router.stderr()}`);
      } finally {
        await lab.close();
      }
    });
  }
});

// The peer CLI over IPsec against strongSwan charon (an IKEv1 nobody here wrote), each in its own
// network namespace: main and aggressive mode, the peer initiating and responding, NAT-T forced.
// This kernel has no ESP (ipsec-facts.md), so each run ends where charon fails to install its SA:
// as quick-mode responder it answers message 3 with a DELETE, as initiator it sends
// NO-PROPOSAL-CHOSEN instead of message 3. A wrong PSK never gets phase 1 up. The PSK appears in
// none of the peer's output.
import { test, expect } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { addAddress, createNetns, createVethPair, deleteNetns } from '../../../../drivers/hosts/netns.ts';
import { Charon, charonUnavailable } from '../../../interop/strongswan/charon.ts';
import { NAME, PSK, swanctlConf, type Scenario } from '../../../interop/strongswan/scenario.ts';
import { CliPeer } from './cli-process.ts';

const skip = charonUnavailable();
const WAIT_MS = 25_000;

interface Lab {
  peerNs: string;
  peerAddress: string;
  charonAddress: string;
  charon: Charon;
  close(): Promise<void>;
}

async function openLab(): Promise<Lab> {
  const tag = randomBytes(3).toString('hex');
  const peerNs = `pip-p-${tag}`;
  const charonNs = `pip-c-${tag}`;
  const third = 1 + (parseInt(tag.slice(0, 2), 16) % 250);
  const peerAddress = `10.202.${third}.1`;
  const charonAddress = `10.202.${third}.2`;
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    await createNetns(peerNs, { ipv6: false });
    cleanups.push(() => deleteNetns(peerNs));
    await createNetns(charonNs, { ipv6: false });
    cleanups.push(() => deleteNetns(charonNs));
    await createVethPair({ name: `pipp${tag}`, netns: peerNs }, { name: `pipc${tag}`, netns: charonNs });
    await addAddress(peerNs, `pipp${tag}`, `${peerAddress}/24`);
    await addAddress(charonNs, `pipc${tag}`, `${charonAddress}/24`);
    const charon = await Charon.start(charonNs);
    cleanups.push(() => charon.stop());
    return { peerNs, peerAddress, charonAddress, charon, close };
  } catch (e) {
    await close();
    throw e;
  }
}

function peerArgs(lab: Lab, s: Scenario, extra: string[] = []): string[] {
  const aggressive = s.exchange === 'aggressive';
  const where = s.oracle === 'initiator' ? ['--connect', lab.charonAddress, '--local', lab.peerAddress] : ['--listen', lab.peerAddress];
  const ids = !aggressive ? [] : s.oracle === 'initiator' ? ['--ike-id', `key-id:${NAME}`] : ['--ike-remote-id', `key-id:${NAME}`];
  return [...where, '--ipsec-psk-env', 'PEER_CHARON_PSK', '--ike-mode', s.exchange, ...ids, '--duration', '60', ...extra];
}

async function run(s: Scenario, extra: string[], body: (lab: Lab, peer: CliPeer) => Promise<void>): Promise<void> {
  const lab = await openLab();
  let peer: CliPeer | undefined;
  try {
    // swanctlConf names the oracle's side "oracle": here that is the peer.
    await lab.charon.loadConfig(swanctlConf(s, {}, lab.peerAddress, lab.charonAddress));
    peer = CliPeer.start(peerArgs(lab, s, extra), { PEER_CHARON_PSK: PSK }, lab.peerNs);
    await peer.waitFor(/over IPsec/, WAIT_MS);
    if (s.oracle === 'responder') void lab.charon.swanctl(['--initiate', '--child', 'l2tp', '--timeout', '5'], 10_000);
    await body(lab, peer);
    await peer.stop();
    await test.info().attach('peer-stdout.txt', { body: peer.out, contentType: 'text/plain' });
    expect(peer.out + peer.err).not.toContain(PSK);
  } catch (e) {
    const tail = lab.charon.log().split('\n').filter((l) => !/^\S*\s+\d+: /.test(l.replace(/^\d+\[\w+\]/, ''))).slice(-30).join('\n');
    throw new Error(`${String(e)}\n--- peer output ---\n${peer?.out ?? ''}${peer?.err ?? ''}\n--- charon log (tail) ---\n${tail}`);
  } finally {
    await peer?.stop();
    await lab.close();
  }
}

test.describe('peer over IPsec against strongSwan charon', () => {
  test.skip(skip !== null, skip ?? '');

  for (const exchange of ['main', 'aggressive'] as const) {
    test(`${exchange} mode, peer initiating: phase 1 and quick mode up, then charon deletes the SA it cannot install`, async () => {
      await run({ exchange, idType: 'keyid', oracle: 'initiator' }, [], async (lab, peer) => {
        await peer.waitFor(/ike: phase 1 up with .* \(ESP in UDP 4500\)/, WAIT_MS);
        await lab.charon.waitForLog(/IKE_SA rtx\[\d+\] established/, WAIT_MS);
        await peer.waitFor(/ipsec: SA up in 0x[0-9a-f]{8} out 0x[0-9a-f]{8} aes-cbc\/sha-hmac udp-encapsulated/, WAIT_MS);
        await peer.waitFor(/ipsec: SA down in 0x[0-9a-f]{8}: peer sent Delete/, WAIT_MS);
      });
    });

    test(`${exchange} mode, peer responding: phase 1 up, quick mode keys, then charon's NO-PROPOSAL-CHOSEN`, async () => {
      await run({ exchange, idType: 'keyid', oracle: 'responder' }, [], async (lab, peer) => {
        await peer.waitFor(/ike: \[IKE\] respond ISAKMP phase to /, WAIT_MS);
        await peer.waitFor(/ike: phase 1 up with /, WAIT_MS);
        await peer.waitFor(/ike: quick mode keys in 0x/, WAIT_MS);
        await peer.waitFor(/ike: <- notify noProposalChosen/, WAIT_MS);
        expect(peer.out).not.toMatch(/ipsec: SA up/);
      });
    });
  }

  test('ike-wrong-psk against charon: charon cannot decrypt main mode message 5 and answers PAYLOAD-MALFORMED; phase 1 never comes up', async () => {
    await run({ exchange: 'main', oracle: 'initiator' }, ['--misbehave', 'ike-wrong-psk'], async (lab, peer) => {
      // charon cannot decrypt our main mode message 5 and answers with a PAYLOAD-MALFORMED under its key...
      await lab.charon.waitForLog(/decryption failed\?/, WAIT_MS);
      await lab.charon.waitForLog(/generating INFORMATIONAL_V1 request \d+ \[ HASH N\(PLD_MAL\) \]/, WAIT_MS);
      // ...which the peer, with another key, cannot read either.
      await peer.waitFor(/ike: dropped: /, WAIT_MS);
      expect(peer.out).not.toMatch(/phase 1 up/);
      expect(lab.charon.log()).not.toMatch(/IKE_SA rtx\[\d+\] established/);
    });
  });
});

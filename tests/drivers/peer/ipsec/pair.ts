// Two tester peers over loopback, each on its own random 127.x.y.z address (IKE binds ports 500
// and 4500 there, so no other test's sockets are touched): A dials (L2TP and IKE initiator), B
// answers. Everything either sends goes into A's or B's Conversation; A's key log stays in memory.
import type { TestInfo } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Conversation } from '../../../../drivers/peer/conversation.ts';
import { MemoryKeyLog } from '../../../../drivers/peer/ipsec/key-log-file.ts';
import { IpsecTransport } from '../../../../drivers/peer/ipsec/ipsec-transport.ts';
import type { PeerIpsecOptions } from '../../../../drivers/peer/ipsec/peer-ipsec-options.ts';
import { misbehave } from '../../../../drivers/peer/misbehaviours.ts';
import { PeerTunnel } from '../../../../drivers/peer/peer-tunnel.ts';
import { writeKeyLog } from '../../../../reference-impl/ipsec/key-log.ts';

let scratch: string | undefined;
/**
 * A file path in this process's own temporary folder: test-results/ is shared by every helper's
 * Playwright run in this checkout and is emptied when one starts, so files a test reads back
 * (pcaps for tshark, key logs) live here and reach the report as attachment bodies.
 */
export function scratchFile(name: string): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(path.join(tmpdir(), 'peer-ipsec-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return path.join(scratch, `${randomInt(1e9)}-${name}`);
}

/** A throwaway key for these tests only (never printed; the tests check it appears nowhere). */
export const PSK = 'peer-ipsec-test-psk-41c9';

export interface Side {
  address: string;
  peer: PeerTunnel;
  ipsec: IpsecTransport;
  conversation: Conversation;
  keyLog: MemoryKeyLog;
}

export interface PairOptions {
  a?: Partial<PeerIpsecOptions>;
  b?: Partial<PeerIpsecOptions>;
  aMisbehave?: string[];
  bMisbehave?: string[];
  /** B is `remote address any` (aggressive-mode responder). */
  bAny?: boolean;
  /** Short IKE retransmission so refusals end quickly. */
  retransmitMs?: number;
}

export class Pair {
  private constructor(readonly a: Side, readonly b: Side) {}

  static async open(o: PairOptions = {}): Promise<Pair> {
    const net = `127.${randomInt(100, 250)}.${randomInt(1, 250)}`;
    const aAddr = `${net}.1`;
    const bAddr = `${net}.2`;
    const base = (role: 'initiator' | 'responder'): PeerIpsecOptions => ({ psk: Uint8Array.from(Buffer.from(PSK)), mode: 'main', ikeRole: role, natT: 'force' });
    const side = (address: string, device: string, role: 'initiator' | 'responder', extra: Partial<PeerIpsecOptions> | undefined, mis: string[] = [], any = false): Side => {
      const conversation = new Conversation();
      const keyLog = new MemoryKeyLog();
      const ipsec = new IpsecTransport({
        local: address, device: any ? 'any' : device, ipsec: { ...base(role), ...extra }, conversation, keyLog,
        profile: o.retransmitMs ? { retransmitIntervalMs: o.retransmitMs, retransmitTries: 2 } : undefined,
      });
      const peer = new PeerTunnel({
        local: { host: address, port: 1701 }, device: any ? 'learn' : { host: device, port: 1701 }, role, conversation, transport: ipsec,
        hostname: `peer-${role}`, endId: 'peer-ipsec',
      });
      for (const m of mis) misbehave(peer, m);
      return { address, peer, ipsec, conversation, keyLog };
    };
    const b = side(bAddr, aAddr, 'responder', o.b, o.bMisbehave, o.bAny);
    const a = side(aAddr, bAddr, 'initiator', o.a, o.aMisbehave);
    const pair = new Pair(a, b);
    try {
      await b.peer.start();
      await a.peer.start();
    } catch (e) {
      await pair.close();
      throw e;
    }
    return pair;
  }

  /** Stops both (silently: no Delete) and attaches A's pcap and key log. */
  async close(info?: TestInfo): Promise<void> {
    await this.a.peer.close({ silent: true });
    await this.b.peer.close({ silent: true });
    if (!info) return;
    await info.attach('peer-a.pcap', { body: Buffer.from(this.a.conversation.toPcap()), contentType: 'application/vnd.tcpdump.pcap' });
    await info.attach('peer-a.keys', { body: writeKeyLog(this.a.keyLog.entries), contentType: 'text/plain' });
  }
}

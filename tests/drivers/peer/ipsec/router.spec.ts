// The peer over IPsec against the emulated router process (`l2tpv3-conformance router`, started
// as the lab starts it, never imported): the seed's example 4 (fixed-fixed, main mode) with the
// peer playing rt1. IKE and quick mode come up, then the L2TPv3 control connection and session
// inside ESP in UDP 4500; the peer's frame reaches the router's LAN port; the peer's capture
// decrypts with its key log. A wrong PSK from the peer leaves the router without an SA.
import { test, expect } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Conversation } from '../../../../drivers/peer/conversation.ts';
import { IpsecTransport } from '../../../../drivers/peer/ipsec/ipsec-transport.ts';
import { MemoryKeyLog } from '../../../../drivers/peer/ipsec/key-log-file.ts';
import { misbehave } from '../../../../drivers/peer/misbehaviours.ts';
import { PeerTunnel } from '../../../../drivers/peer/peer-tunnel.ts';
import { tsharkKeyOptions } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';
import { RouterProcess } from '../helpers/router-process.ts';
import { SyslogListener } from '../helpers/syslog-listener.ts';
import { TrafficHost } from '../helpers/traffic.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
// The seed's example 4 config of rt2 (the router); the peer plays rt1 with rt1's settings.
const CONFIG = readFileSync(path.join(ROOT, 'topologies/seed/configs/ex4-ipsec-fixed-fixed/rt2.conf'), 'utf8');
const RT1 = { address: '198.51.100.1', rt2: '198.51.100.2', psk: /pre-shared-key 1 text (\S+)/.exec(CONFIG)![1], l2tpAuth: /l2tp tunnel auth on (\S+)/.exec(CONFIG)![1], endId: /l2tp remote end-id (\S+)/.exec(CONFIG)![1] };
const skip = process.getuid?.() === 0 ? null : 'not root: IKE binds UDP 500 and 4500';

interface Bench {
  router: RouterProcess;
  peer: PeerTunnel;
  ipsec: IpsecTransport;
  conversation: Conversation;
  keyLog: MemoryKeyLog;
  lan: TrafficHost;
  syslog: SyslogListener;
  close(): Promise<void>;
}

async function bench(misbehaviours: string[] = []): Promise<Bench> {
  const net = `127.${randomInt(100, 250)}.${randomInt(1, 250)}`;
  const wire = { peer: `${net}.1`, router: `${net}.2` };
  const lan = await TrafficHost.open();
  const syslog = await SyslogListener.open();
  // ASSUMPTION as in suites/support/device-lab.ts: `syslog host ADDRESS:PORT` for a collector off 514.
  const config = `${CONFIG.trimEnd()}\nsyslog host 127.0.0.1:${syslog.port}\nsyslog info on\n`;
  const router = await RouterProcess.start({
    model: 'RTX1210', firmware: '14.01.26', config, wan: wire.router, l2tpPort: 1701, timeScale: 1,
    underlay: [`${RT1.address}=${wire.peer}`, `${RT1.rt2}=${wire.router}`], lan: [`lan1=udp:0:127.0.0.1:${lan.endpoint.port}`],
  });
  lan.connect({ host: '127.0.0.1', port: Number(/:(\d+)->/.exec(router.ready.lan.lan1)![1]) });
  const conversation = new Conversation();
  const keyLog = new MemoryKeyLog();
  const ipsec = new IpsecTransport({ local: wire.peer, device: wire.router, ipsec: { psk: Uint8Array.from(Buffer.from(RT1.psk)), mode: 'main', ikeRole: 'initiator', natT: 'force' }, conversation, keyLog });
  const peer = new PeerTunnel({
    local: { host: wire.peer, port: 1701 }, device: { host: wire.router, port: 1701 }, role: 'initiator', transport: ipsec, conversation,
    routerId: RT1.address, deviceRouterId: RT1.rt2, endId: RT1.endId, hostname: 'RT1', auth: { password: RT1.l2tpAuth, method: 'challenge' },
  });
  for (const m of misbehaviours) misbehave(peer, m);
  await peer.start();
  return {
    router, peer, ipsec, conversation, keyLog, lan, syslog,
    close: async () => {
      await peer.close({ silent: true });
      await router.stop();
      lan.close();
      syslog.close();
    },
  };
}

test.describe('peer over IPsec against the emulated router (seed example 4, main mode)', () => {
  test.skip(skip !== null, skip ?? '');

  test('IKE, quick mode, then the L2TPv3 session inside ESP in UDP; a frame reaches the router\'s LAN; the capture decrypts', async () => {
    const b = await bench();
    try {
      await b.ipsec.waitFor((e) => (e.kind === 'phase1Up' ? e : undefined), 20_000, 'phase 1');
      const sa = await b.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 20_000, 'the IPsec SA');
      expect(sa.udpEncapsulated).toBe(true);
      await b.peer.established(20_000);
      // The router answered both phases (the [IKE] lines seen on real RTX, ipsec-facts.md).
      await b.syslog.waitFor(`[IKE] respond ISAKMP phase to ${RT1.address}`);
      await b.syslog.waitFor(`[IKE] respond IPsec phase to ${RT1.address}`);
      const frame = Uint8Array.from([...Array(6).fill(0xff), 2, 0, 0, 0, 0x53, 1, 0x88, 0xb5, ...Buffer.from('peer-over-ipsec-to-router'.padEnd(46, '.'))]);
      b.peer.sendFrame(frame);
      const got = await b.lan.next((f) => Buffer.from(f).includes(Buffer.from('peer-over-ipsec-to-router')), 5000, 'the frame on the router\'s LAN');
      expect(Buffer.from(got).equals(Buffer.from(frame))).toBe(true);
      expect(b.ipsec.events.filter((e) => e.kind === 'espDropped' || e.kind === 'error')).toEqual([]);
      test.skip(tsharkMissing() !== null, tsharkMissing() ?? '');
      const file = test.info().outputPath('peer-router.pcap');
      b.conversation.writePcap(file);
      await test.info().attach('peer-router.pcap', { path: file, contentType: 'application/vnd.tcpdump.pcap' });
      const decrypted = [...tsharkFields(file, ['l2tp.avp.type'], { prefs: tsharkKeyOptions(b.keyLog.entries) }).values()];
      expect(decrypted.filter((f) => f.has('l2tp.avp.type')).length).toBeGreaterThanOrEqual(4);
      expect(readFileSync(file).includes(Buffer.from(RT1.psk))).toBe(false);
    } finally {
      await b.close();
    }
  });

  test('ike-wrong-psk: the router cannot decrypt main mode message 5; no SA, no L2TP', async () => {
    const b = await bench(['ike-wrong-psk']);
    try {
      await b.syslog.waitFor(`[IKE] respond ISAKMP phase to ${RT1.address}`);
      // 'undecryptable-phase1-dropped': the router drops our message 5 (it does not decrypt under its key).
      const dropped = await b.syslog.waitFor(new RegExp(`\\[IKE\\] message from ${RT1.address.replace(/\./g, '\\.')} dropped: .*wrong key`));
      expect(dropped.text).not.toContain(RT1.psk);
      expect(b.ipsec.events.filter((e) => e.kind === 'phase1Up' || e.kind === 'saUp')).toEqual([]);
      expect(b.peer.state).not.toBe('established');
    } finally {
      await b.close();
    }
  });
});

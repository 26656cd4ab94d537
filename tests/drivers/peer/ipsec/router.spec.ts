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
import { ID_TYPE } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import { tsharkKeyOptions } from '../../../../reference-impl/ipsec/key-log.ts';
import { tsharkFields, tsharkMissing } from '../../../support/tshark.ts';
import { RouterProcess } from '../../../../drivers/dut/router-process.ts';
import { SyslogListener } from '../../../../drivers/dut/syslog-listener.ts';
import { TrafficHost } from '../helpers/traffic.ts';
import { scratchFile } from './pair.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const seed = (example: string, router: string) => readFileSync(path.join(ROOT, 'topologies/seed/configs', example, `${router}.conf`), 'utf8');
// The seed's example 4 config of rt2 (the router); the peer plays rt1 with rt1's settings.
const CONFIG = seed('ex4-ipsec-fixed-fixed', 'rt2');
const RT1 = { address: '198.51.100.1', rt2: '198.51.100.2', psk: /pre-shared-key 1 text (\S+)/.exec(CONFIG)![1], l2tpAuth: /l2tp tunnel auth on (\S+)/.exec(CONFIG)![1], endId: /l2tp remote end-id (\S+)/.exec(CONFIG)![1] };
// Example 5 (fixed-dynamic): the router is the fixed rt1 (`remote address any`, `remote name`); the peer plays the dynamic rt2.
const EX5 = seed('ex5-ipsec-fixed-dynamic', 'rt1');
const EX5_RT2 = { name: /ipsec ike remote name 1 (\S+)/.exec(EX5)![1], routerId: '192.168.100.2', deviceRouterId: '192.168.100.1' };
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

interface BenchOptions {
  misbehaviours?: string[];
  /** Example 5 in aggressive mode instead of example 4 in main mode. */
  ex5?: boolean;
  /** Changes to the router's config (before the syslog lines are added). */
  edit?: (config: string) => string;
}

async function bench(o: BenchOptions = {}): Promise<Bench> {
  const misbehaviours = o.misbehaviours ?? [];
  const net = `127.${randomInt(100, 250)}.${randomInt(1, 250)}`;
  const wire = { peer: `${net}.1`, router: `${net}.2` };
  const lan = await TrafficHost.open();
  const syslog = await SyslogListener.open();
  // ASSUMPTION as in suites/support/device-lab.ts: `syslog host ADDRESS:PORT` for a collector off 514.
  const config = `${(o.edit ?? ((c: string) => c))(o.ex5 ? EX5 : CONFIG).trimEnd()}\nsyslog host 127.0.0.1:${syslog.port}\nsyslog info on\n`;
  const router = await RouterProcess.start({
    model: 'RTX1210', firmware: '14.01.26', config, wan: wire.router, l2tpPort: 1701, timeScale: 1,
    underlay: o.ex5 ? [`${RT1.address}=${wire.router}`] : [`${RT1.address}=${wire.peer}`, `${RT1.rt2}=${wire.router}`], lan: [`lan1=udp:0:127.0.0.1:${lan.endpoint.port}`],
  });
  lan.connect({ host: '127.0.0.1', port: Number(/:(\d+)->/.exec(router.ready.lan.lan1)![1]) });
  const conversation = new Conversation();
  const keyLog = new MemoryKeyLog();
  const ipsec = new IpsecTransport({
    local: wire.peer, device: wire.router, conversation, keyLog,
    ipsec: { psk: Uint8Array.from(Buffer.from(RT1.psk)), mode: o.ex5 ? 'aggressive' : 'main', ikeRole: 'initiator', natT: 'force', localId: o.ex5 ? { type: ID_TYPE.fqdn, value: EX5_RT2.name } : undefined },
  });
  const peer = new PeerTunnel({
    local: { host: wire.peer, port: 1701 }, device: { host: wire.router, port: 1701 }, role: 'initiator', transport: ipsec, conversation,
    routerId: o.ex5 ? EX5_RT2.routerId : RT1.address, deviceRouterId: o.ex5 ? EX5_RT2.deviceRouterId : RT1.rt2, endId: RT1.endId, hostname: o.ex5 ? 'RT2' : 'RT1',
    auth: { password: RT1.l2tpAuth, method: 'challenge' },
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
      const file = scratchFile('peer-router.pcap');
      b.conversation.writePcap(file);
      await test.info().attach('peer-router.pcap', { body: readFileSync(file), contentType: 'application/vnd.tcpdump.pcap' });
      const decrypted = [...tsharkFields(file, ['l2tp.avp.type'], { prefs: tsharkKeyOptions(b.keyLog.entries) }).values()];
      expect(decrypted.filter((f) => f.has('l2tp.avp.type')).length).toBeGreaterThanOrEqual(4);
      expect(readFileSync(file).includes(Buffer.from(RT1.psk))).toBe(false);
    } finally {
      await b.close();
    }
  });

  test('ike-wrong-psk: the router cannot decrypt main mode message 5; no SA, no L2TP', async () => {
    const b = await bench({ misbehaviours: ['ike-wrong-psk'] });
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

  test('esp-replay and esp-bad-icv: the router drops the copy and the corrupted packet ([IKE] dropped lines), a frame arrives once', async () => {
    const b = await bench();
    try {
      await b.peer.established(20_000);
      const marked = (m: string) => Uint8Array.from([...Array(6).fill(0xff), 2, 0, 0, 0, 0x53, 2, 0x88, 0xb5, ...Buffer.from(m.padEnd(46, '.'))]);
      const has = (m: string) => (f: Uint8Array) => Buffer.from(f).includes(Buffer.from(m));
      misbehave(b.peer, 'esp-replay');
      b.peer.sendFrame(marked('replayed-frame'));
      await b.lan.next(has('replayed-frame'), 5000, 'the replayed frame');
      await b.syslog.waitFor(/\[IKE\] message from \S+ dropped: ESP replayed/);
      b.ipsec.espOutgoingHooks.length = 0;
      misbehave(b.peer, 'esp-bad-icv');
      b.peer.sendFrame(marked('corrupted-frame'));
      await b.syslog.waitFor(/\[IKE\] message from \S+ dropped: ESP icv-mismatch/);
      b.ipsec.espOutgoingHooks.length = 0;
      // A good frame after both: it arrives, and neither the copy nor the corrupted frame did before it.
      b.peer.sendFrame(marked('good-frame'));
      await b.lan.next(has('good-frame'), 5000, 'the good frame');
      expect(b.syslog.texts().filter((t) => /dropped: ESP/.test(t))).toHaveLength(2);
      // UDP over loopback keeps order: everything sent before the good frame has arrived by now.
      expect(b.lan.frames.filter(has('replayed-frame'))).toHaveLength(1);
      expect(b.lan.frames.filter(has('corrupted-frame'))).toHaveLength(0);
    } finally {
      await b.close();
    }
  });

  test('ike-delete: the router drops the IPsec and ISAKMP SAs on our Delete ([IKE] lines)', async () => {
    const b = await bench({ misbehaviours: ['ike-delete=0'] });
    try {
      await b.peer.established(20_000);
      await b.syslog.waitFor(/\[IKE\] IPsec SA to \S+ deleted: peer sent Delete/);
      await b.syslog.waitFor(/\[IKE\] ISAKMP SA with \S+ deleted: peer sent Delete/);
    } finally {
      await b.close();
    }
  });
});

test.describe('peer over IPsec against the emulated router: DPD', () => {
  test.skip(skip !== null, skip ?? '');

  test('dpd-silent: with `ipsec ike keepalive use 1 on dpd 1 2` the router declares the silent peer dead', async () => {
    const dpd = (c: string) => c.replace(/ipsec ike keepalive use 1 on\n/, 'ipsec ike keepalive use 1 on dpd 1 2\n');
    expect(dpd(CONFIG)).not.toBe(CONFIG);
    const b = await bench({ misbehaviours: ['dpd-silent'], edit: dpd });
    try {
      await b.peer.established(20_000);
      await b.syslog.waitFor(/\[IKE\] ISAKMP SA with \S+ deleted: DPD/, 15_000);
    } finally {
      await b.close();
    }
  });
});

test.describe('peer over IPsec against the emulated router (seed example 5, aggressive mode)', () => {
  test.skip(skip !== null, skip ?? '');

  test('the peer as the dynamic rt2 (its name as identity): IKE, quick mode, L2TPv3 session, a frame to the router\'s LAN', async () => {
    const b = await bench({ ex5: true });
    try {
      await b.ipsec.waitFor((e) => (e.kind === 'saUp' ? e : undefined), 20_000, 'the IPsec SA');
      await b.peer.established(20_000);
      await b.syslog.waitFor(/\[IKE\] respond ISAKMP phase to /);
      b.peer.sendFrame(Uint8Array.from([...Array(6).fill(0xff), 2, 0, 0, 0, 0x53, 3, 0x88, 0xb5, ...Buffer.from('ex5-peer-frame'.padEnd(46, '.'))]));
      await b.lan.next((f) => Buffer.from(f).includes(Buffer.from('ex5-peer-frame')), 5000, 'the frame on the router\'s LAN');
    } finally {
      await b.close();
    }
  });

  test('ike-wrong-id: a name the router does not know gets INVALID-ID-INFORMATION', async () => {
    const b = await bench({ ex5: true, misbehaviours: ['ike-wrong-id'] });
    try {
      const n = await b.ipsec.waitFor((e) => (e.kind === 'notify' ? e : undefined), 20_000, 'the refusal');
      expect(n).toMatchObject({ name: 'invalidIdInformation', protected: false });
      expect(b.ipsec.events.filter((e) => e.kind === 'phase1Up')).toEqual([]);
    } finally {
      await b.close();
    }
  });
});

// Every datagram the peer sends or receives, kept with its addresses and time, so a test can
// attach the whole conversation as a pcap (Ethernet link type, UDP inside IPv4/IPv6; RFC 3931
// §4.1.2.1 over UDP) and read it in Wireshark.
import { writeFileSync } from 'node:fs';
import { LINKTYPE, writePcap } from '../../reference-impl/capture/capture-file.ts';
import { frameL2tp } from '../../reference-impl/capture/l2tp-transport.ts';

export interface Endpoint {
  host: string;
  port: number;
}

export interface RecordedDatagram {
  direction: 'out' | 'in';
  atUs: number;
  src: Endpoint;
  dst: Endpoint;
  bytes: Uint8Array;
}

/** Fake MACs for the Ethernet header around each datagram: peer side and device side. */
const PEER_MAC = '02:00:00:00:70:01';
const DEVICE_MAC = '02:00:00:00:70:02';

export class Conversation {
  readonly datagrams: RecordedDatagram[] = [];
  /** Bounded: a long CLI run keeps the newest datagrams only. */
  constructor(private readonly limit = 200_000) {}

  record(direction: 'out' | 'in', src: Endpoint, dst: Endpoint, bytes: Uint8Array): void {
    if (this.datagrams.length >= this.limit) this.datagrams.shift();
    this.datagrams.push({ direction, atUs: Math.round((performance.timeOrigin + performance.now()) * 1000), src, dst, bytes: bytes.slice() });
  }

  toPcap(): Uint8Array {
    const records = this.datagrams.map((d) => ({
      timestampUs: d.atUs,
      data: frameL2tp({
        transport: 'udp', src: d.src.host, dst: d.dst.host, srcPort: d.src.port, dstPort: d.dst.port, payload: d.bytes,
        srcMac: d.direction === 'out' ? PEER_MAC : DEVICE_MAC, dstMac: d.direction === 'out' ? DEVICE_MAC : PEER_MAC,
      }),
    }));
    return writePcap(records, LINKTYPE.ETHERNET);
  }

  writePcap(file: string): number {
    writeFileSync(file, this.toPcap());
    return this.datagrams.length;
  }
}

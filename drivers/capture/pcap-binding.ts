// The parts of the `pcap` package (node-pcap, the binding DESIGN.md names) the capture agent uses,
// typed here: its own pcap.d.ts pulls in @types/node 10 from its nested node_modules.
// Facts of node-pcap 3.1.0 that the agent relies on (read from its pcap.js and pcap_session.cc):
//  - `buffer_timeout: 0` turns on libpcap's immediate mode (pcap_set_immediate_mode), so each frame
//    is delivered as it arrives instead of when a TPACKET_V3 block fills or times out;
//  - each 'packet' event lends one reused buffer and a 16-octet header of host-order u32 fields:
//    ts.tv_sec (low 32 bits), ts.tv_usec, caplen, len: libpcap's own timestamp, kept by the agent;
//  - close() only calls pcap_breakloop: the handle is released (pcap_close) by the next dispatch,
//    i.e. when a frame arrives, and its libuv poll handle is never uv_close()d. The agent therefore
//    never closes: it exits and the kernel releases the socket.
import { createRequire } from 'node:module';
import { endianness } from 'node:os';

export interface PcapPacket {
  buf: Buffer;
  header: Buffer;
  link_type: string;
}

export interface PcapSession {
  readonly link_type: string;
  on(ev: 'packet', fn: (p: PcapPacket) => void): void;
  inject(frame: Buffer): void;
  close(): void;
}

export interface PcapSessionOptions {
  filter?: string;
  buffer_size?: number;
  snap_length?: number;
  /** 0 = immediate mode */
  buffer_timeout?: number;
  promiscuous?: boolean;
}

interface PcapModule {
  createSession(device: string, options: PcapSessionOptions): PcapSession;
  /** called with libpcap's warnings (e.g. "no IPv4 address assigned", normal on an L2 port) */
  warningHandler: (text: string) => void;
}

export function loadPcap(onWarning: (text: string) => void = () => {}): PcapModule {
  const pcap = createRequire(import.meta.url)('pcap') as PcapModule;
  pcap.warningHandler = onWarning;
  return pcap;
}

/** The link type without node-pcap's `LINKTYPE_` prefix (`ETHERNET`, `RAW`, ...). */
export function linkTypeName(linkType: string): string {
  return linkType.replace(/^LINKTYPE_/, '');
}

/** libpcap's timestamp of a captured frame, in microseconds since the epoch, and its captured length. */
export function packetHeader(header: Buffer): { timestampUs: number; caplen: number; len: number } {
  const u32 = (o: number) => (HOST_LE ? header.readUInt32LE(o) : header.readUInt32BE(o));
  return { timestampUs: u32(0) * 1_000_000 + u32(4), caplen: u32(8), len: u32(12) };
}

const HOST_LE = endianness() === 'LE';

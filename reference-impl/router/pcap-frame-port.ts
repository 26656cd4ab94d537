// The emulated router's live frame port: one Linux interface read and written through libpcap with
// the `pcap` package (node-pcap, the binding DESIGN.md names). The LAN ports in namespace mode
// (lan-port.ts), plain ESP on the WAN (ipsec/plain-esp-port.ts) and the IPIP / MAP-E tunnel end
// (underlay/underlay-port.ts) all go through it. The harness has its own binding
// (drivers/capture/pcap-binding.ts) on purpose: DESIGN.md keeps the harness's I/O and the emulated
// router's apart, so a bug in one cannot hide a bug in the other.
//
// Facts of node-pcap 3.1.0 this file relies on (read from its pcap.js and pcap_session.cc):
//  - `buffer_timeout: 0` turns on libpcap's immediate mode (pcap_set_immediate_mode): each frame is
//    handed over as it arrives, not when a TPACKET_V3 block fills or times out;
//  - each 'packet' event lends one reused buffer and a 16-octet header of host-order u32 fields:
//    ts.tv_sec (low 32 bits), ts.tv_usec, caplen, len; the timestamp is the kernel's, kept here;
//  - the handle is non-blocking and close() only calls pcap_breakloop and drops the listeners:
//    libpcap notices the break only while it reads a frame, so pcap_close runs, and the libuv poll
//    handle stops holding the event loop, when the next frame passing the filter arrives. A quiet
//    port's handle therefore lives on until then or until the process exits: a process that
//    stops its ports and must end promptly (the router, the relay) ends with process.exit;
//  - libpcap 1.10 runs a new handle's first ring slot through its userland filter, where a direction
//    (`inbound`) cannot be evaluated: the first frame after opening is lost (`cap` lost it too); the
//    protocols on these ports retransmit (ARP, Neighbor Discovery, L2TP, IKE);
//  - that poll handle is stopped but never uv_close()d, so it stays linked in libuv's handle
//    queue: the native session holding it must never be garbage-collected (see KEPT).
import { createRequire } from 'node:module';
import { endianness } from 'node:os';

interface PcapPacket {
  buf: Buffer;
  header: Buffer;
}

interface PcapSession {
  readonly link_type: string;
  on(ev: 'packet', fn: (p: PcapPacket) => void): void;
  inject(frame: Buffer): void;
  close(): void;
}

interface Pcap {
  createSession(
    device: string,
    options: { filter: string; buffer_size: number; snap_length: number; buffer_timeout: number; promiscuous: boolean },
  ): PcapSession;
  warningHandler: (text: string) => void;
}

/** The wire's minimum Ethernet frame without FCS: shorter frames are zero-padded, as a NIC would. */
export const MIN_ETHERNET_FRAME = 60;
const SNAP_LENGTH = 65535;

/**
 * Every session ever opened, reachable for the life of the process (see the facts above: a
 * collected session would free a uv_poll_t still linked in the event loop, and libuv would later
 * walk freed memory). A closed session costs its reused 64 KiB buffer; a router opens a handful.
 */
const KEPT: PcapSession[] = [];

export interface FramePortOptions {
  /** Who opens the port, for messages: `lan1`, `--esp-plain`, `tunnel 1 (map-e)`. */
  owner: string;
  ifname: string;
  /** A libpcap filter expression (pcap-filter(7)); `inbound` keeps our own sent frames out. */
  filter: string;
  /** The kernel's capture buffer: room for bursts while the event loop is busy. */
  bufferBytes: number;
}

/** One captured frame: a copy (the binding reuses its buffer) and libpcap's timestamp. */
export type FrameHandler = (frame: Uint8Array, timestampUs: number) => void;

export class PcapFramePort {
  private session?: PcapSession;

  private constructor(
    readonly options: FramePortOptions,
    session: PcapSession,
  ) {
    this.session = session;
  }

  /**
   * Opens the interface in immediate mode with the filter and calls `onFrame` for every frame that
   * passes it. Throws one readable error when the interface cannot be captured on or is not Ethernet.
   */
  static open(options: FramePortOptions, onFrame: FrameHandler): PcapFramePort {
    const { owner, ifname, filter, bufferBytes } = options;
    const pcap = createRequire(import.meta.url)('pcap') as Pcap;
    // libpcap warns about an interface without an IPv4 address: normal for an L2 port, not an error
    pcap.warningHandler = () => {};
    let session: PcapSession;
    try {
      session = pcap.createSession(ifname, { filter, buffer_size: bufferBytes, snap_length: SNAP_LENGTH, buffer_timeout: 0, promiscuous: true });
    } catch (e) {
      throw new Error(`${owner}: cannot capture on interface ${ifname}${filter ? ` with filter '${filter}'` : ''}: ${(e as Error).message} (namespace mode needs root or CAP_NET_RAW)`);
    }
    KEPT.push(session);
    const port = new PcapFramePort(options, session);
    if (session.link_type !== 'LINKTYPE_ETHERNET') {
      port.close();
      throw new Error(`${owner}: interface ${ifname} has link type ${session.link_type.replace(/^LINKTYPE_/, '')}, not Ethernet`);
    }
    session.on('packet', (p) => {
      const h = packetHeader(p.header);
      onFrame(Uint8Array.from(p.buf.subarray(0, Math.min(h.caplen, p.buf.length))), h.timestampUs);
    });
    return port;
  }

  get open(): boolean {
    return this.session !== undefined;
  }

  /**
   * Injects one frame (short frames padded to the Ethernet minimum). False when the port is closed
   * or the kernel refused it (a full send queue, the interface gone): the frame is lost, as on a wire.
   */
  send(frame: Uint8Array): boolean {
    if (!this.session) return false;
    const b = Buffer.alloc(Math.max(MIN_ETHERNET_FRAME, frame.length));
    b.set(frame);
    try {
      this.session.inject(b);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stops delivery at once (no handler call after this returns) and asks libpcap to release the
   * handle; idempotent. The release itself waits for the next frame or the process's exit (above).
   */
  close(): void {
    const s = this.session;
    this.session = undefined;
    s?.close();
  }
}

const HOST_LE = endianness() === 'LE';

/** The binding's header: libpcap's timestamp in microseconds since the epoch, and the captured length. */
function packetHeader(header: Buffer): { timestampUs: number; caplen: number } {
  const u32 = (o: number) => (HOST_LE ? header.readUInt32LE(o) : header.readUInt32BE(o));
  return { timestampUs: u32(0) * 1_000_000 + u32(4), caplen: u32(8) };
}

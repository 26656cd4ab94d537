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
//    libpcap notices the break only while it reads a frame, and only then does pcap_close run and
//    the libuv poll handle stop holding the event loop. A quiet port would keep its process alive
//    (a stopped router would not exit). So close() makes a frame arrive (see wake() below);
//  - a packet socket never receives the frames it sent itself, only those other sockets sent;
//  - libpcap 1.10 runs a new handle's first ring slot through its userland filter, where a direction
//    (`inbound`) cannot be evaluated: the first frame after opening is lost (`cap` lost it too); the
//    protocols on these ports retransmit (ARP, Neighbor Discovery, L2TP, IKE);
//  - the poll handle is stopped but never uv_close()d, so it stays linked in libuv's handle queue:
//    the native session holding it must never be garbage-collected (see KEPT).
import { readFileSync } from 'node:fs';
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

/**
 * The frame close() makes arrive: an IEEE 802.3 MAC Control PAUSE (802.3 Annex 31B) with a pause
 * time of 0, i.e. "no pause": a no-op for any receiver. Its destination 01-80-C2-00-00-01 is one a
 * Linux bridge always drops (never forwarded, never learned from, so a lab's bridge capture does
 * not show it) and a host's stack has no protocol for; a capture on the far veth end does see it.
 * The session's token in the reserved octets makes the frame match one session's filter only.
 */
const WAKE = { dst: [0x01, 0x80, 0xc2, 0x00, 0x00, 0x01], etherType: 0x8808, opcodePause: 0x0001, tokenOffset: 18 } as const;
const WAKE_DST = WAKE.dst.map((b) => b.toString(16).padStart(2, '0')).join(':');
/** The capture buffer of the short-lived session that wakes a closing one. */
const WAKER_BUFFER_BYTES = 64 * 1024;
/** A locally administered source for the wake frame when the interface's own MAC cannot be read. */
const FALLBACK_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];

let sessions = 0;
/** A 32-bit token per session, unique among this process's sessions and unlikely across processes. */
function nextToken(): number {
  sessions = (sessions + 1) & 0xfff;
  return (((process.pid & 0xfffff) << 12) | sessions) >>> 0;
}

/** The filter that lets this session's wake frame in beside the caller's frames. */
function wakeFilter(token: number): string {
  return `outbound and ether dst ${WAKE_DST} and ether proto 0x${WAKE.etherType.toString(16)} and ether[${WAKE.tokenOffset}:4] = 0x${token.toString(16)}`;
}

function wakeFrame(src: readonly number[], token: number): Buffer {
  const f = Buffer.alloc(MIN_ETHERNET_FRAME);
  f.set(WAKE.dst, 0);
  f.set(src, 6);
  f.writeUInt16BE(WAKE.etherType, 12);
  f.writeUInt16BE(WAKE.opcodePause, 14);
  f.writeUInt16BE(0, 16); // pause time 0: no pause
  f.writeUInt32BE(token, WAKE.tokenOffset);
  return f;
}

function interfaceMac(ifname: string): number[] {
  try {
    const m = readFileSync(`/sys/class/net/${ifname}/address`, 'utf8').trim().split(':').map((h) => parseInt(h, 16));
    if (m.length === 6 && m.every((b) => b >= 0 && b <= 255)) return m;
  } catch {
    /* not readable here: the fallback below */
  }
  return FALLBACK_MAC;
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
    private readonly token: number,
  ) {
    this.session = session;
  }

  /**
   * Opens the interface in immediate mode with the filter and calls `onFrame` for every frame that
   * passes it. Throws one readable error when the interface cannot be captured on or is not Ethernet.
   */
  static open(options: FramePortOptions, onFrame: FrameHandler): PcapFramePort {
    const { owner, ifname, filter, bufferBytes } = options;
    const token = nextToken();
    let session: PcapSession;
    try {
      // an empty filter passes every frame, the wake frame too
      const withWake = filter ? `(${filter}) or (${wakeFilter(token)})` : '';
      session = loadPcap().createSession(ifname, { filter: withWake, buffer_size: bufferBytes, snap_length: SNAP_LENGTH, buffer_timeout: 0, promiscuous: true });
    } catch (e) {
      throw new Error(`${owner}: cannot capture on interface ${ifname}${filter ? ` with filter '${filter}'` : ''}: ${(e as Error).message} (namespace mode needs root or CAP_NET_RAW)`);
    }
    KEPT.push(session);
    const port = new PcapFramePort(options, session, token);
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
   * Stops delivery at once (no handler call after this returns) and releases the handle within the
   * next turn of the event loop, so a process whose ports are closed can end; idempotent.
   */
  close(): void {
    const s = this.session;
    if (!s) return;
    this.session = undefined;
    s.close();
    wake(this.options.ifname, s, this.token);
  }
}

/**
 * Makes the closed session `closed` read one frame, so that libpcap sees its break and releases it.
 * Its own frames never come back to it, so a second session on the interface (the waker) sends the
 * wake frame, and the closed session sends the waker's in turn: both are released together. When
 * the interface is gone the waker cannot open, and the closed handle's poll ends with the socket's
 * error instead.
 */
function wake(ifname: string, closed: PcapSession, token: number): void {
  const wakerToken = nextToken();
  let waker: PcapSession;
  try {
    waker = loadPcap().createSession(ifname, { filter: wakeFilter(wakerToken), buffer_size: WAKER_BUFFER_BYTES, snap_length: MIN_ETHERNET_FRAME, buffer_timeout: 0, promiscuous: false });
  } catch {
    return;
  }
  KEPT.push(waker);
  waker.close();
  const src = interfaceMac(ifname);
  for (const [from, to] of [
    [closed, wakerToken],
    [waker, token],
  ] as const) {
    try {
      from.inject(wakeFrame(src, to));
    } catch {
      /* the interface went away: its socket's error ends the poll */
    }
  }
}

function loadPcap(): Pcap {
  const pcap = createRequire(import.meta.url)('pcap') as Pcap;
  // libpcap warns about an interface without an IPv4 address: normal for an L2 port, not an error
  pcap.warningHandler = () => {};
  return pcap;
}

const HOST_LE = endianness() === 'LE';

/** The binding's header: libpcap's timestamp in microseconds since the epoch, and the captured length. */
function packetHeader(header: Buffer): { timestampUs: number; caplen: number } {
  const u32 = (o: number) => (HOST_LE ? header.readUInt32LE(o) : header.readUInt32BE(o));
  return { timestampUs: u32(0) * 1_000_000 + u32(4), caplen: u32(8) };
}

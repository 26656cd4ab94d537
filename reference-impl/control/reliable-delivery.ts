// Reliable delivery of control messages on one control connection (RFC 3931 §4.2, App. A/B;
// facts §4.4): Ns/Nr, the peer's receive window, duplicates (acknowledged, not passed up),
// an out-of-order queue bounded by our window, per-message retransmission with exponential
// back-off to a cap, and giving up after a number of retransmissions.
// Sans-IO: the caller encodes each transmission (the Nr and a digest change on resend).

export interface ReliableConfig {
  initialTimeoutMs: number;
  capTimeoutMs: number;
  maxRetransmissions: number;
  /** Our Receive Window Size: how many messages ahead of the expected one we queue. */
  receiveWindow: number;
  /** The peer's Receive Window Size (4 when its AVP is absent, 3931 §5.4.3). */
  peerWindow: number;
}

/** One message to put on the wire now, with the header values to use. */
export interface Transmission<T> {
  ns: number;
  nr: number;
  item: T;
  /** 0 for the first transmission. */
  attempt: number;
}

export interface ReceiveResult<T, R> {
  /** False when the Nr acknowledges messages never sent (3931 §4.2): drop the message. */
  valid: boolean;
  /** New messages, in order, each exactly once. */
  deliver: { ns: number; payload: R }[];
  duplicate: boolean;
  /** Messages that became sendable because the window opened. */
  transmit: Transmission<T>[];
}

interface InFlight<T> {
  ns: number;
  item: T;
  attempt: number;
  timeoutMs: number;
  deadline: number;
}

const MOD = 0x10000;
const HALF = 0x8000;
/** (a - b) mod 2^16. */
export const seqDiff = (a: number, b: number): number => (((a - b) % MOD) + MOD) % MOD;
/** a comes before b: within the 32768 values before it (3931 §4.2 "less than or equal"). */
export const seqBefore = (a: number, b: number): boolean => {
  const d = seqDiff(b, a);
  return d >= 1 && d <= HALF;
};

export class ReliableDelivery<T, R> {
  /** Ns of the next new (non-ACK) message we send. */
  private nextNs = 0;
  /** Ns we expect next from the peer; our Nr. */
  private expected = 0;
  private readonly unsent: T[] = [];
  private readonly inflight: InFlight<T>[] = [];
  private readonly outOfOrder = new Map<number, R>();
  private ackOwedFlag = false;
  private stopped = false;
  private unlimited = false;

  constructor(private readonly cfg: ReliableConfig) {}

  get nr(): number {
    return this.expected;
  }
  /** The Ns an ACK/ZLB carries: the next one, not consumed (3931 §4.2). */
  get ackNs(): number {
    return this.nextNs;
  }
  get ackOwed(): boolean {
    return this.ackOwedFlag;
  }
  get inFlightCount(): number {
    return this.inflight.length;
  }
  get queuedCount(): number {
    return this.unsent.length;
  }
  /** Nothing left to deliver to the peer. */
  get idle(): boolean {
    return this.inflight.length === 0 && this.unsent.length === 0;
  }

  /** While set, a message is retransmitted at the cap for ever (another timer decides failure). */
  setUnlimitedRetries(on: boolean): void {
    this.unlimited = on;
  }

  setPeerWindow(n: number): void {
    this.cfg.peerWindow = Math.max(1, n);
  }

  /** Queues a message; returns the transmissions the window allows now. */
  send(item: T, now: number): Transmission<T>[] {
    if (this.stopped) return [];
    this.unsent.push(item);
    return this.fillWindow(now);
  }

  private fillWindow(now: number): Transmission<T>[] {
    const out: Transmission<T>[] = [];
    while (this.unsent.length > 0 && this.inflight.length < this.cfg.peerWindow) {
      const item = this.unsent.shift() as T;
      const f: InFlight<T> = { ns: this.nextNs, item, attempt: 0, timeoutMs: this.cfg.initialTimeoutMs, deadline: now + this.cfg.initialTimeoutMs };
      this.nextNs = (this.nextNs + 1) % MOD;
      this.inflight.push(f);
      out.push({ ns: f.ns, nr: this.expected, item, attempt: 0 });
    }
    if (out.length > 0) this.ackOwedFlag = false; // the Nr rides on the message
    return out;
  }

  /**
   * A message arrived with header (ns, nr). `isAck` for ZLB / explicit ACK: they only
   * acknowledge and use up no Ns.
   */
  receive(ns: number, nr: number, isAck: boolean, payload: R, now: number): ReceiveResult<T, R> {
    const result: ReceiveResult<T, R> = { valid: true, deliver: [], duplicate: false, transmit: [] };
    // An Nr beyond what we have sent is invalid (3931 §4.2; go-l2tp recvFrame).
    if (seqBefore(this.nextNs, nr)) {
      result.valid = false;
      return result;
    }
    this.acknowledge(nr);
    if (!isAck) {
      if (ns === this.expected) {
        result.deliver.push({ ns, payload });
        this.expected = (this.expected + 1) % MOD;
        while (this.outOfOrder.has(this.expected)) {
          result.deliver.push({ ns: this.expected, payload: this.outOfOrder.get(this.expected) as R });
          this.outOfOrder.delete(this.expected);
          this.expected = (this.expected + 1) % MOD;
        }
      } else if (seqBefore(ns, this.expected)) {
        result.duplicate = true; // MUST be acknowledged, MUST NOT be passed up
      } else if (seqDiff(ns, this.expected) < this.cfg.receiveWindow && !this.outOfOrder.has(ns)) {
        this.outOfOrder.set(ns, payload);
      }
      this.ackOwedFlag = true;
    }
    result.transmit = this.fillWindow(now);
    return result;
  }

  private acknowledge(nr: number): void {
    while (this.inflight.length > 0 && seqBefore(this.inflight[0].ns, nr)) this.inflight.shift();
  }

  /** Called when an ACK or a message carrying the current Nr has gone out. */
  ackSent(): void {
    this.ackOwedFlag = false;
  }

  /** The earliest retransmission deadline, if anything is in flight. */
  nextDeadline(): number | undefined {
    if (this.stopped || this.inflight.length === 0) return undefined;
    return Math.min(...this.inflight.map((f) => f.deadline));
  }

  /** Retransmits what timed out (same Ns, current Nr); `gaveUp` once a message exhausted its retries. */
  onTimer(now: number): { transmit: Transmission<T>[]; gaveUp: boolean } {
    const transmit: Transmission<T>[] = [];
    if (this.stopped) return { transmit, gaveUp: false };
    for (const f of this.inflight) {
      if (f.deadline > now) continue;
      if (f.attempt >= this.cfg.maxRetransmissions && !this.unlimited) return { transmit: [], gaveUp: true };
      f.attempt += 1;
      f.timeoutMs = Math.min(f.timeoutMs * 2, this.cfg.capTimeoutMs);
      f.deadline = now + f.timeoutMs;
      transmit.push({ ns: f.ns, nr: this.expected, item: f.item, attempt: f.attempt });
    }
    if (transmit.length > 0) this.ackOwedFlag = false;
    return { transmit, gaveUp: false };
  }

  /** Stops retransmitting (the connection is discarded); receiving still acknowledges. */
  stop(): void {
    this.stopped = true;
    this.unsent.length = 0;
    this.inflight.length = 0;
  }
}

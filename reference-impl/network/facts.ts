// Facts and assumptions for carrying bridged frames between routers.

/** L2TPv3 over UDP only, received on port 1701, not changeable (yamaha-platform-facts.md §6, §8). */
export const L2TPV3_UDP_PORT = 1701;

export interface NetworkAssumptions {
  /**
   * ASSUMPTION: the router sends data messages from UDP port 1701 too (RFC 3931 §4.1.2.2 allows any
   * source port). (not documented; a hardware run confirms or refutes)
   */
  udpSourcePort: number;
  /**
   * ASSUMPTION: no Default L2-Specific Sublayer unless a tunnel spec asks for it (Yamaha documents no
   * L2SS setting). (not documented; a hardware run confirms or refutes)
   */
  defaultL2ss: 'none' | 'default';
  /**
   * Prediction bound: a frame copy may cross at most this many bridges. Not a router fact; it only
   * keeps a loop's prediction finite (the loop itself is reported on first revisit).
   */
  maxBridgeHops: number;
  /** Prediction bound on the total number of bridge decisions per stimulus frame. */
  maxDecisionsPerFrame: number;
}

export const DEFAULT_NETWORK_ASSUMPTIONS: Readonly<NetworkAssumptions> = Object.freeze({
  udpSourcePort: L2TPV3_UDP_PORT,
  defaultL2ss: 'none',
  maxBridgeHops: 64,
  maxDecisionsPerFrame: 10_000,
});

// The bridge function's documented facts (one place) and the named assumptions that fill the gaps.
// Sources: yamaha-platform-facts.md §1.3 (bridge commands), §4.2 (learning), §4.3 (other bridge
// facts); seed yamaha-l2tpv3-l2vpn.ja.txt "L2TPv3とブリッジ機能", "L2TPv3とL2MS", "L2TPv3とタグVLANの併用".

/** `bridge learning bridgeN timer` (yamaha-platform-facts.md §1.3, CR §45.3). */
export const LEARNING_TIMER = {
  /** Default ageing time, seconds. */
  defaultSeconds: 300,
  minSeconds: 30,
  maxSeconds: 32767,
  /** The keyword that disables ageing ("never aged", §4.2). */
  offKeyword: 'off',
} as const;

/** `bridge learning bridgeN on|off` default (yamaha-platform-facts.md §1.3, CR §45.2). */
export const LEARNING_DEFAULT_ON = true;

/**
 * Forwarding facts the oracle implements, listed so a reviewer can tick them off.
 * Each is implemented in learning-bridge.ts / learning-table.ts at the place that cites it.
 */
export const BRIDGE_FACTS = {
  // §4.2 and seed "L2TPv3とブリッジ機能": source MAC -> receiving member.
  learnsSourceOnReceivingMember: true,
  // §4.2 / seed: no matching entry -> every member except the receiving one.
  floodsUnknownToAllButIngress: true,
  // §4.2: a full table deletes the oldest entry and adds the new one.
  overflowDropsOldest: true,
  // §4.2: static entries take priority over learned ones; target must be a LAN member, else ignored.
  staticHasPriority: true,
  staticTargetLanOnly: true,
  // §1.3 / §4.2: `clear bridge learning` removes dynamic entries only.
  clearRemovesDynamicOnly: true,
  // §4.3: a tunnel member bridges only while its L2TPv3 tunnel is established.
  tunnelForwardsOnlyWhenEstablished: true,
  // §4.3: no spanning tree; BPDUs pass through.
  bpduPassesThrough: true,
  // §4.3 (except on vRX) and seed "L2TPv3とタグVLANの併用": 802.1Q-tagged frames pass unchanged.
  taggedFramesPassUnchanged: true,
  // seed "L2TPv3とL2MS": L2MS frames are encapsulated like any other Ethernet frame.
  l2msLikeAnyFrame: true,
} as const;

/**
 * What the documents leave open. Every field is a guess with a default; a run against real
 * hardware confirms or refutes it. Pass a partial override to LearningBridge.
 */
export interface BridgeAssumptions {
  /**
   * Which entry §4.2's "oldest" means when the dynamic table is full.
   * ASSUMPTION: the one least recently refreshed by a frame from its MAC (the one nearest to
   * ageing out), not the one first learned. (not documented; a hardware run confirms or refutes)
   */
  overflowEvicts: 'least-recently-seen' | 'first-learned';
  /**
   * An entry expires when `now - lastSeen >= timer`.
   * ASSUMPTION: expiry is exact at lastSeen + timer (Linux has the same boundary); the real router
   * may sweep periodically, so hardware checks need a tolerance. (not documented; a hardware run
   * confirms or refutes)
   */
  ageingBoundary: 'at-timer';
  /**
   * ASSUMPTION: a frame whose source MAC is a group (multicast/broadcast) or all-zero address is
   * dropped, as IEEE 802.1D and Linux do. (not documented; a hardware run confirms or refutes)
   */
  invalidSource: 'drop' | 'forward-without-learning';
  /**
   * ASSUMPTION: a known unicast whose entry points at the receiving member is discarded (not sent
   * back, not flooded), as IEEE 802.1D and Linux do. (not documented; a hardware run confirms or refutes)
   */
  destinationOnIngress: 'discard' | 'flood';
  /**
   * ASSUMPTION: when a tunnel member leaves the established state, its dynamic entries are flushed
   * (Linux and 802.1D flush on port-down), so frames to those MACs flood again.
   * (not documented; a hardware run confirms or refutes)
   */
  flushOnTunnelDown: boolean;
  /**
   * ASSUMPTION: `bridge learning bridgeN off` stops new learning; existing dynamic entries stay and
   * age out normally. (not documented; a hardware run confirms or refutes)
   */
  learningOffKeepsEntries: boolean;
  /**
   * ASSUMPTION: frames to the IEEE reserved addresses 01:80:C2:00:00:01..0F (pause, LACP, LLDP, ...)
   * are flooded like any multicast, since the bridge implements none of those protocols. Only the
   * BPDU address 01:80:C2:00:00:00 is documented (§4.3). Linux drops them, so the Linux
   * cross-check avoids them. (not documented; a hardware run confirms or refutes)
   */
  reservedGroupAddresses: 'flood' | 'drop';
  /**
   * ASSUMPTION: one learning table shared by all VLAN IDs (a MAC seen with any tag or none is one
   * entry), since the bridge passes tags through without interpreting them.
   * (not documented; a hardware run confirms or refutes)
   */
  vlanLearning: 'shared';
  /**
   * ASSUMPTION: a `bridge learning ... static` beyond the static capacity is refused (not evicting
   * another static entry). (not documented; a hardware run confirms or refutes)
   */
  staticOverflow: 'refuse';
  /**
   * ASSUMPTION: where tagged frames are not passed (vRX, §4.3 "except on vRX") they are dropped.
   * (not documented; a hardware run confirms or refutes)
   */
  taggedFrameWhenNotPassed: 'drop';
  /**
   * ASSUMPTION: a source MAC that has a static entry is not learned as a dynamic entry (the static
   * entry keeps deciding). (not documented; a hardware run confirms or refutes)
   */
  staticSourceLearning: 'skip';
}

export const DEFAULT_BRIDGE_ASSUMPTIONS: Readonly<BridgeAssumptions> = Object.freeze({
  overflowEvicts: 'least-recently-seen',
  ageingBoundary: 'at-timer',
  invalidSource: 'drop',
  destinationOnIngress: 'discard',
  flushOnTunnelDown: true,
  learningOffKeepsEntries: true,
  reservedGroupAddresses: 'flood',
  vlanLearning: 'shared',
  staticOverflow: 'refuse',
  taggedFrameWhenNotPassed: 'drop',
  staticSourceLearning: 'skip',
});

/**
 * Parses the `time` argument of `bridge learning bridgeN timer time` into milliseconds, or null for
 * `off`. Range per yamaha-platform-facts.md §1.3.
 */
export function learningTimerFromCommand(arg: string): number | null {
  if (arg === LEARNING_TIMER.offKeyword) return null;
  if (!/^[0-9]+$/.test(arg)) {
    throw new Error(`bridge learning timer: "${arg}" is neither a number of seconds nor "off"`);
  }
  const s = Number(arg);
  if (s < LEARNING_TIMER.minSeconds || s > LEARNING_TIMER.maxSeconds) {
    throw new Error(
      `bridge learning timer: ${s} s is outside ${LEARNING_TIMER.minSeconds}..${LEARNING_TIMER.maxSeconds}`,
    );
  }
  return s * 1000;
}

// Defects of the emulated router's L2TPv3/IPsec (issue 15 "What must be shown" 4): plausible
// firmware bugs in IKE and ESP handling that the IPsec tests must catch. Same shape as defects.ts
// (whose catalogue wires these in); router/ipsec/ names each defect where it acts. Which test kills
// each: tests/reference-impl/router/ipsec/ (named in `killedBy`).
export interface IpsecDefectInfo {
  area: 'ipsec';
  bug: string;
  symptom: string;
  killedBy: string;
}

export const IPSEC_DEFECTS = {
  'ipsec-cleartext-accepted': {
    area: 'ipsec',
    bug: 'cleartext L2TP (UDP 1701) from the peer of an L2TPv3/IPsec tunnel is processed (ipsec-facts.md: L2TPv3 only inside transport ESP)',
    symptom: 'a forged cleartext control message from the peer\'s address is answered or logged',
    killedBy: 'ipsec-routers.spec.ts "cleartext L2TPv3 from the IPsec peer\'s address is dropped"',
  },
  'ipsec-l2tp-before-sa': {
    area: 'ipsec',
    bug: 'L2TP to an IPsec peer whose SA is not up yet goes out in cleartext instead of waiting for the SA',
    symptom: 'SCCRQs in cleartext on UDP 1701 before (or without) IKE',
    killedBy: 'ipsec-routers.spec.ts "wrong pre-shared key" (only IKE and ESP on the wire)',
  },
  'ike-respond-ipsec-log-missing': {
    area: 'ipsec',
    bug: 'the quick-mode responder does not log `[IKE] respond IPsec phase to ADDR` (ipsec-facts.md, BLOG-1100)',
    symptom: 'one router of a pair logs no IPsec-phase line',
    killedBy: 'ipsec-routers.spec.ts "seed example 4 (main mode)"',
  },
  'esp-replay-not-checked': {
    area: 'ipsec',
    bug: 'inbound ESP is not checked against the anti-replay window (RFC 4303 §3.4.3; `anti-replay-check` defaults to on)',
    symptom: 'a replayed ESP packet delivers its frame a second time',
    killedBy: 'ipsec-routers.spec.ts "a replayed ESP packet is dropped"',
  },
  'key-log-world-readable': {
    area: 'ipsec',
    bug: '`--key-log FILE` is created readable by everyone (mode 0644)',
    symptom: 'the key log file mode is not 0600',
    killedBy: 'ipsec-routers.spec.ts "seed example 4 (main mode)" and router-processes.spec.ts',
  },
} as const satisfies Record<string, IpsecDefectInfo>;

export type IpsecDefectName = keyof typeof IPSEC_DEFECTS;
export const IPSEC_DEFECT_NAMES = Object.keys(IPSEC_DEFECTS) as IpsecDefectName[];

// Key-log lines for what the IKE oracle sets up (issue 14 point 5: "every SA the oracle sets up can
// be written as a key-log line"): phase 1 gives `IKEV1 ICOOKIE ENCKEY`, each IPsec SA two `ESP`
// lines, one per direction (RFC 4301: an SA is one-way; the inbound SPI is ours, the outbound the
// peer's). Read from the IkeNode's actions (ike/ike-events.ts, helper "ike").
import type { IkeAction, IpsecSaUp, Phase1KeyLog } from './ike/ike-events.ts';
import type { EspKeyLogEntry, Ikev1KeyLogEntry, KeyLogEntry } from './key-log.ts';

export function ikev1KeyLogEntry(keys: Phase1KeyLog): Ikev1KeyLogEntry {
  return { kind: 'IKEV1', icookie: keys.icookie, encKey: keys.encKey };
}

/** Outbound (local -> peer, the peer's SPI) first, then inbound (peer -> local, our SPI). */
export function espKeyLogEntries(sa: IpsecSaUp): [EspKeyLogEntry, EspKeyLogEntry] {
  const line = (src: string, dst: string, k: IpsecSaUp['inbound']): EspKeyLogEntry => ({
    kind: 'ESP', src, dst, spi: k.spi, cipher: sa.cipher, encKey: k.encKey, integrity: sa.integrity, authKey: k.authKey,
  });
  return [line(sa.local.address, sa.peer.address, sa.outbound), line(sa.peer.address, sa.local.address, sa.inbound)];
}

/** Every key-log line the actions announce, in order (phase1Up and ipsecSaUp). */
export function keyLogOfActions(actions: Iterable<IkeAction>): KeyLogEntry[] {
  const out: KeyLogEntry[] = [];
  for (const a of actions) {
    if (a.kind === 'phase1Up') out.push(ikev1KeyLogEntry(a.keys));
    else if (a.kind === 'ipsecSaUp') out.push(...espKeyLogEntries(a.sa));
  }
  return out;
}

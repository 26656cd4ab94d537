// What the peer's IPsec layer reports while it runs: the IKE oracle's outcomes (phase 1, quick
// mode, notifications, DPD), what it dropped and why, and ESP packets the replay window or the ICV
// check refused (RFC 4303 §3.4.3, §3.4.4). Never a key or the pre-shared key.
import type { CipherName, IntegrityName } from '../../../reference-impl/ipsec/cipher-suite.ts';
import type { EspErrorKind } from '../../../reference-impl/ipsec/esp/esp-packet.ts';

export type IpsecEvent =
  /** An IKE log line of the peer's own oracle (`[IKE] initiate ISAKMP phase to ADDR`, ...). */
  | { kind: 'log'; text: string }
  | { kind: 'phase1Up'; peer: string; natDetected: boolean }
  | { kind: 'phase1Down'; reason: string }
  /** Quick mode produced keys (initiator on QM2, responder on sending QM2): the SA may still fail to install at the far end. */
  | { kind: 'quickKeys'; inboundSpi: number; outboundSpi: number }
  | { kind: 'saUp'; inboundSpi: number; outboundSpi: number; udpEncapsulated: boolean; cipher: CipherName; integrity: IntegrityName }
  | { kind: 'saDown'; inboundSpi: number; outboundSpi: number; reason: string }
  /** A notification the device sent (after its HASH was checked when protected). */
  | { kind: 'notify'; notifyType: number; name: string; protected: boolean }
  /** An ISAKMP message the peer's oracle did not act on, and why. */
  | { kind: 'ikeDropped'; reason: string }
  /** DPD gave up on the device (RFC 3706 §5.5). */
  | { kind: 'peerDead' }
  /** An ESP packet from the device that was refused, with the ESP error kind. */
  | { kind: 'espDropped'; error: EspErrorKind | 'no-sa' | 'not-l2tp'; reason: string; spi?: number; sequence?: number }
  /** An ESP packet accepted (SPI and sequence number only). */
  | { kind: 'espReceived'; spi: number; sequence: number }
  /** A problem the peer could not get past (e.g. an SA without UDP encapsulation). */
  | { kind: 'error'; text: string };

export function describeIpsecEvent(e: IpsecEvent): string | undefined {
  const spi = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;
  switch (e.kind) {
    case 'log': return `ike: ${e.text}`;
    case 'phase1Up': return `ike: phase 1 up with ${e.peer}${e.natDetected ? ' (ESP in UDP 4500)' : ''}`;
    case 'phase1Down': return `ike: phase 1 down: ${e.reason}`;
    case 'quickKeys': return `ike: quick mode keys in ${spi(e.inboundSpi)} out ${spi(e.outboundSpi)}`;
    case 'saUp': return `ipsec: SA up in ${spi(e.inboundSpi)} out ${spi(e.outboundSpi)} ${e.cipher}/${e.integrity}${e.udpEncapsulated ? ' udp-encapsulated' : ''}`;
    case 'saDown': return `ipsec: SA down in ${spi(e.inboundSpi)}: ${e.reason}`;
    case 'notify': return `ike: <- notify ${e.name}${e.protected ? '' : ' (unprotected)'}`;
    case 'ikeDropped': return `ike: dropped: ${e.reason}`;
    case 'peerDead': return 'ike: DPD: the device is dead';
    case 'espDropped': return `esp: dropped (${e.error}): ${e.reason}`;
    case 'espReceived': return undefined;
    case 'error': return `error: ${e.text}`;
  }
}

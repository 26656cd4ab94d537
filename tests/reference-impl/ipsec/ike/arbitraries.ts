// fast-check arbitraries for every ISAKMP payload kind the codec knows (RFC 2408 §3, RFC 2407
// §4.6, RFC 3947 §3.2/§5.2), within the limits the wire format allows.
import fc from 'fast-check';
import { DOI_IPSEC, SIT_IDENTITY_ONLY } from '../../../../reference-impl/ipsec/isakmp/constants.ts';
import type { Payload, PayloadKind } from '../../../../reference-impl/ipsec/isakmp/payloads.ts';
import type { Attribute, Proposal, Transform } from '../../../../reference-impl/ipsec/isakmp/sa.ts';

const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const u8 = fc.integer({ min: 0, max: 255 });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });

export const attributeArb: fc.Arbitrary<Attribute> = fc.oneof(
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), value: u16 }),
  fc.record({ type: fc.integer({ min: 0, max: 0x7fff }), bytes: bytes(24) }),
);

export const transformArb: fc.Arbitrary<Transform> = fc.record({ number: u8, transformId: u8, attributes: fc.array(attributeArb, { maxLength: 8 }) });

export const proposalArb: fc.Arbitrary<Proposal> = fc.record({ number: u8, protocolId: u8, spi: bytes(16), transforms: fc.array(transformArb, { minLength: 1, maxLength: 4 }) });

const deleteArb = fc.integer({ min: 0, max: 16 }).chain((spiSize) =>
  fc.record({
    kind: fc.constant('delete' as const), doi: u32, protocolId: u8, spiSize: fc.constant(spiSize),
    spis: fc.array(fc.uint8Array({ minLength: spiSize, maxLength: spiSize }), { maxLength: 5 }),
  }));

export const PAYLOAD_ARBS: Record<PayloadKind, fc.Arbitrary<Payload>> = {
  sa: fc.record({ kind: fc.constant('sa' as const), doi: fc.constant(DOI_IPSEC), situation: fc.constant(SIT_IDENTITY_ONLY), proposals: fc.array(proposalArb, { minLength: 1, maxLength: 3 }) }),
  ke: fc.record({ kind: fc.constant('ke' as const), data: bytes(300) }),
  id: fc.record({ kind: fc.constant('id' as const), idType: u8, protocolId: u8, port: u16, data: bytes(64) }),
  hash: fc.record({ kind: fc.constant('hash' as const), data: bytes(64) }),
  nonce: fc.record({ kind: fc.constant('nonce' as const), data: bytes(256) }),
  notification: fc.record({ kind: fc.constant('notification' as const), doi: u32, protocolId: u8, notifyType: u16, spi: bytes(16), data: bytes(32) }),
  delete: deleteArb,
  vendorId: fc.record({ kind: fc.constant('vendorId' as const), data: bytes(32) }),
  natD: fc.record({ kind: fc.constant('natD' as const), draft: fc.boolean(), data: bytes(32) }),
  natOa: fc.record({ kind: fc.constant('natOa' as const), draft: fc.boolean(), idType: u8, address: bytes(16) }),
  // Private-use payload numbers (RFC 2408 §3.1: 128-255) other than the NAT-T drafts' 130/131.
  raw: fc.record({ kind: fc.constant('raw' as const), payloadType: fc.integer({ min: 128, max: 255 }).filter((t) => t !== 130 && t !== 131), body: bytes(40) }),
};

export const anyPayloadArb: fc.Arbitrary<Payload> = fc.oneof(...Object.values(PAYLOAD_ARBS));

export const headerFieldsArb = fc.record({
  icookie: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  rcookie: fc.uint8Array({ minLength: 8, maxLength: 8 }),
  exchange: u8,
  flags: fc.integer({ min: 0, max: 7 }),
  messageId: u32,
});

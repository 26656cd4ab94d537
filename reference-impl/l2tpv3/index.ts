// The L2TPv3 wire codec: what the rest of the project imports.
export * from './avp-types.ts';
export * from './avp-value.ts';
export * from './avp.ts';
export * from './avp-builders.ts';
export * from './authentication.ts';
export * from './control-message.ts';
export * from './data-message.ts';
export * from './decode-error.ts';
export * from './ethernet-frame.ts';
export * from './hiding.ts';
export * from './l2tp-packet.ts';
export * from './message-types.ts';
export * from './result-codes.ts';
export * from './transport.ts';
export { toHex, fromHex, bytesEqual } from './wire.ts';

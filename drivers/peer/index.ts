// The tester peer (issue 7): an L2TPv3 endpoint on the oracle that plays the far end and
// misbehaves on purpose. What suites and the CLI import.
export * from './conversation.ts';
export * from './message-summary.ts';
export * from './misbehaviours.ts';
export * from './peer-events.ts';
export * from './peer-tunnel.ts';
export * from './pseudowire.ts';
export * from './steerable-random.ts';
export * from './ipsec/index.ts';

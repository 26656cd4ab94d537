// RTX configuration language: parse/render `show config` text losslessly, typed views of the
// L2TPv3 subset, validation against the command reference and the platform matrix.
export * from './messages.ts';
export * from './tokens.ts';
export * from './value-types.ts';
export * from './command-spec.ts';
export * from './command-line.ts';
export * from './document.ts';
export * from './defaults.ts';
export * from './secret.ts';
export * from './views.ts';
export * from './views-ipsec.ts';
export * from './platform-gates.ts';
export * from './validate.ts';
export * from './text-input.ts';
export * from './known-commands.ts';
export * from './review.ts';
export * from './commands-l2ms.ts';
export * from './l2ms-gates.ts';

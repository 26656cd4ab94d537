// Capture files and the outer headers around L2TPv3: what the rest of the project imports.
export * from './capture-file.ts';
export * from './ip.ts';
export * from './link-layer.ts';
export * from './l2tp-transport.ts';
export * from './session-layouts.ts';
export * from './capture-decoder.ts';

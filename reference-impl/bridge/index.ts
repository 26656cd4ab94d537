// The bridge oracle: what the rest of the project imports.
export * from './facts.ts';
export * from './mac.ts';
export * from './learning-table.ts';
export * from './learning-bridge.ts';

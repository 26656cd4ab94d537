// Whole-topology prediction: what the rest of the project imports.
export * from './facts.ts';
export * from './topology.ts';
export * from './loops.ts';
export * from './predict.ts';

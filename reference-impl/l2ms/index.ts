// L2MS (Layer2 Management Service) as far as L2TPv3 endpoints meet it (seed: L2TPv3とL2MS): what
// identifies an L2MS frame, the discovery exchange, and what a router in each mode does with one.
export * from './assumptions.ts';
export * from './frame.ts';
export * from './disposition.ts';
export * from './interface-state.ts';

// Filter stages, their order (documented facts + assumed profile), and rule evaluation.
export * from './stages.ts';
export * from './order-profile.ts';
export * from './pipeline.ts';
export * from './filter-error.ts';
export * from './ethernet-filter.ts';
export * from './ip-filter.ts';
export * from './ip-dynamic-filter.ts';
export * from './interface-acceptance.ts';
export * from './filter-log-line.ts';
export * from './ipv4-view.ts';

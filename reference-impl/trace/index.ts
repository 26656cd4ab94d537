// The observable trace and its verdict: what suites and drivers import.
export * from './trace-event.ts';
export * from './control-event.ts';
export * from './observation-events.ts';
export * from './roles.ts';
export * from './l2tp-roles.ts';
export * from './filters.ts';
export * from './l2tp-filters.ts';
export * from './tolerance.ts';
export * from './compare.ts';
export * from './render.ts';
export * from './verdict.ts';
export * from './concurrent-order.ts';
export * from './cli-filters.ts';

// Platform capability matrix: models, firmware revisions, the seed's support and learning tables.
export * from './revision.ts';
export * from './models.ts';
export * from './assumptions.ts';
export * from './support-table.ts';
export * from './capabilities.ts';
export * from './seed-table-render.ts';

export * from './search.mappings';
export * from './search.documents';
export * from './search.backend';
export * from './search.queries';
export * from './bulk.writer';
export * from './search.elasticsearch';
export * from './search.evaluations';
export * from './search.dashboard.queries';

export * from './bulk.load';
export * from './load.documents';
export * from './row.defaults';

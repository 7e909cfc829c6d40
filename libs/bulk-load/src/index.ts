export * from './bulk.load';
export * from './load.documents';

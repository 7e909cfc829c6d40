export * from './elasticsearch.client';

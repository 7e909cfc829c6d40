export * from './dataset.schema';
export * from './dataset.loader';
export * from './dataset.fixture';

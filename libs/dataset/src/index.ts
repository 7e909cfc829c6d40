export * from './dataset.schema';
export * from './dataset.loader';
export * from './dataset.fixture';
export * from './dataset.error';
export * from './dataset.sql';

export * from './file.sink';
export * from './batch-dataset.writer';

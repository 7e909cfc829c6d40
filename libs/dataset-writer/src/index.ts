export * from './file.sink';
export * from './batch-dataset.writer';
export * from './log.import';
export * from './time.format';

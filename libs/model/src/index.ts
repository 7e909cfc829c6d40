export * from './model.framing';
export * from './dataset.split';
export * from './model.artifact';
export * from './churn.scorer';
export * from './model.training';
export * from './model.loader';
export * from './drift.reference';
export * from './aggregate.mapper';

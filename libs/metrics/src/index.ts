export * from './classification.metrics';
export * from './permutation.importance';
export * from './logistic.regression';
export * from './distribution.metrics';

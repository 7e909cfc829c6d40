export * from './classification.metrics';
export * from './permutation.importance';
export * from './distribution.metrics';

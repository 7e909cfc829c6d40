export * from './classification.metrics';
export * from './permutation.importance';

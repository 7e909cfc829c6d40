export * from './forest.engine';
export * from './forest.random';
export * from './feature.bins';
export * from './histogram.forest';
export * from './ml-random-forest.engine';
export * from './engine.registry';

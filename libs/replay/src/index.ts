export * from './stream.pacer';
export * from './activity.stream';
export * from './population.source';
export * from './dataset.source';
export * from './stream.service';

export * from './kafka.client';
export * from './kafka.topics';
export * from './event.producer';
export * from './consumer-lag';
export * from './batch.consumer';
export * from './pipeline.lag';
export * from './kafka.retry';
export * from './dead-letter.sender';

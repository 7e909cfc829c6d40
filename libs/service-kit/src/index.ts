export * from './service-kit.tokens';
export * from './service-kit.module';
export * from './json.logger';
export * from './service.bootstrap';
export * from './metrics.registry';
export * from './fatal.exit';
export * from './event-producer.provider';
export * from './service.consumer';

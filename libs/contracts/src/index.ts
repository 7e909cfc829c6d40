export * from './topics';
export * from './vocabulary';
export * from './events.schema';
export * from './event.codec';
export * from './dead-letter.builder';

/** The behavioural model of the shop: population, sessions, latent truth, batch rows and activity events. */
export * from './random.rng';
export * from './scenario.schema';
export * from './activity.clock';
export * from './population.model';
export * from './session.stream';
export * from './truth.model';
export * from './dataset.format';
export * from './csv.encoder';
export * from './dirty.injector';
export * from './activity.events';

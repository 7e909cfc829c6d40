export * from './wait-for';
export * from './unique';
export * from './topic-reader';
export * from './events.fixture';
export * from './model.fixture';
export * from './expected.fixture';
export * from './pipeline.check';

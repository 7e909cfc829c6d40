export * from './cli.options';

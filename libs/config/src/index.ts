export * from './config.schema';
export * from './config.loader';
export * from './tls.files';
export * from './env.file';

export * from './app.error';

export * from './model-input.source';

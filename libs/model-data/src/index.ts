export * from './model-input.source';
export * from './dataset.scores';

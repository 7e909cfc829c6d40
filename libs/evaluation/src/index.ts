export * from './prediction.outcome';
export * from './drift.monitor';
export * from './evaluation.store';
export * from './evaluation.service';

export * from './churn.rule';
export * from './customer-aggregate';
export * from './customer-features';

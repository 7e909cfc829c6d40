export * from './churn.rule';
export * from './customer-aggregate';

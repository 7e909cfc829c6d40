export const PRODUCER = Symbol('PRODUCER');
export const TOPICS = Symbol('TOPICS');

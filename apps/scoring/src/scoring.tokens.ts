export const SCORING_PRODUCER = Symbol('SCORING_PRODUCER');
export const SCORING_TOPICS = Symbol('SCORING_TOPICS');

/** Injection tokens of the indexer's own providers. */
export const INDEXER_PRODUCER = Symbol('INDEXER_PRODUCER');
export const BULK_TRANSPORT = Symbol('BULK_TRANSPORT');

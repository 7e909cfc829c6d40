/** Injection tokens of the indexer's own providers. */
export const INDEXER_PRODUCER = Symbol('INDEXER_PRODUCER');
export const BULK_TRANSPORT = Symbol('BULK_TRANSPORT');
export const SEARCH_CAPABILITIES = Symbol('SEARCH_CAPABILITIES');

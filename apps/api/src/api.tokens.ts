/** Injection tokens of the API's own providers. */
export const SEARCH_BACKEND = Symbol('SEARCH_BACKEND');

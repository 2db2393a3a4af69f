/**
 * This package is reserved and not implemented yet; see its README for what is coming.
 * It exports nothing so that depending on it early cannot compile against an API that does not exist.
 */
export {};

/**
 * The audit log core: vocabulary, entry schema, masking, canonical JSON, hash chain, checkpoints
 * and verification. Pure: imports only zod and node:crypto.
 * @module
 */
export * from './actions.js';
export * from './canonical-json.js';
export * from './chain.js';
export * from './entry.js';
export * from './mask.js';
export * from './verify.js';

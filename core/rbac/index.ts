/**
 * `core/rbac`: the pure RBAC engine of issue 5. Statement table and permission parsing
 * (`statements.ts`), role definitions (`roles.ts`), precompiled roles (`compile.ts`), the
 * decision (`authorize.ts`), management rules (`management.ts`) and the Appwrite label
 * projection (`labels.ts`). Imports only zod and `node:crypto`.
 * @module
 */
export * from './statements.js';
export * from './roles.js';
export * from './compile.js';
export * from './authorize.js';
export * from './management.js';
export * from './labels.js';
export * from './row-rules.js';

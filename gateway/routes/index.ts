/**
 * Every `/api/v1` route module, in mounting order (static paths such as `/users/bulk` before
 * `/users/{id}`): the one list used by the server and by the document generators.
 * @module
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Config } from '../../core/config.js';
import type { GatewayEnv } from '../env.js';
import type { GatewayMetrics } from '../metrics.js';
import { authRoutes } from './auth.js';
import { pinLoginRoutes } from './pin-login.js';
import { terminalRoutes } from './terminals.js';
import { pinRoutes } from './pins.js';
import { approvalRoutes } from './approvals.js';
import { auditRoutes } from './audit.js';
import { driftRoutes } from './drift.js';
import { roleRoutes } from './roles.js';
import { userBulkRoutes } from './users-bulk.js';
import { userRoutes } from './users.js';

export function apiRoutes(config: Pick<Config, 'LOGIN_MAX_FAILURES' | 'LOGIN_LOCKOUT_SECONDS'>, metrics: GatewayMetrics): OpenAPIHono<GatewayEnv>[] {
  return [authRoutes(config, metrics), pinLoginRoutes(metrics), pinRoutes(), approvalRoutes(), userBulkRoutes(), userRoutes(), roleRoutes(), driftRoutes(), terminalRoutes(), auditRoutes()];
}

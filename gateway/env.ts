/**
 * The gateway's one explicit Hono env (Unkey's `HonoEnv` habit): every context variable a
 * middleware sets is declared here, none by global augmentation.
 * @module
 */
import type { Logger } from '../infra/logger.js';
import type { Principal } from './principal.js';

export interface GatewayEnv {
  Variables: {
    /** Request id: a safe inbound `X-Request-Id` or a fresh UUID; echoed and in every error body. */
    requestId: string;
    /** Child logger bound to this request's id. */
    log: Logger;
    /** The authenticated caller; set by `authenticate()`, absent on public routes. */
    principal: Principal | undefined;
  };
}

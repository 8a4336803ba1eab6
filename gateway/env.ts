/**
 * The gateway's one explicit Hono env (Unkey's `HonoEnv` habit): every context variable a
 * middleware sets is declared here, none by global augmentation.
 * @module
 */
import type { ResolvedUser } from '../infra/actor-resolver.js';
import type { Logger } from '../infra/logger.js';
import type { HeaderBag } from './http.js';
import type { Principal } from './principal.js';
import type { GatewayServices } from './services.js';

export interface GatewayEnv {
  Variables: {
    /** Request id: a safe inbound `X-Request-Id` or a fresh UUID; echoed and in every error body. */
    requestId: string;
    /** Child logger bound to this request's id. */
    log: Logger;
    /** The authenticated caller; set by the route guard, absent on public routes. */
    principal: Principal | undefined;
    /** The authenticated staff member (JWT, profile, actor); set on user routes by the guard. */
    user: ResolvedUser | undefined;
    /** Services built once by the composition root; absent only in bare unit tests. */
    services: GatewayServices | undefined;
    /** This answer's headers (security, CORS, request id, rate limit...), one plain object; see `http.ts`. */
    headers: HeaderBag | undefined;
    /** The answer built by `replyJson` from the header bag, if any (it needs no header copying). */
    reply: Response | undefined;
  };
}

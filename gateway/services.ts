/**
 * The services route handlers and guards use, built once by the composition root and exposed
 * to every request as `c.var.services` (one reference; nothing is built per request).
 * @module
 */
import type { ActorResolver } from '../infra/actor-resolver.js';
import type { TerminalPrincipal } from './principal.js';

/** Authenticates an enrolled terminal from its `Authorization: Terminal <id>:<secret>` header. */
export interface TerminalAuthenticator {
  /** @throws AppError TERMINAL_UNAUTHENTICATED / TERMINAL_NOT_ENROLLED / TERMINAL_DISABLED */
  authenticate(authorization: string | undefined): Promise<TerminalPrincipal>;
}

/** Receives authorization denials (the audit log records them as `authz.denied`). */
export type DenialListener = (denial: { userId: string; permission: string; reason: string; storeId?: string | undefined; requestId: string; route: string }) => void | Promise<void>;

export interface GatewayServices {
  actors: ActorResolver;
  terminals?: TerminalAuthenticator;
  onDenied?: DenialListener;
}

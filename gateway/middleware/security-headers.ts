/**
 * Security headers on every answer: the set OWASP's REST Security Cheat Sheet ("Security
 * Headers") gives for an API that answers JSON: `Cache-Control: no-store` (answers hold staff
 * data and must not be cached by browsers or proxies), `Content-Security-Policy: frame-ancestors
 * 'none'` and `X-Frame-Options: DENY` (no framing), `Strict-Transport-Security` (on answers to
 * HTTPS requests only, see {@link STRICT_TRANSPORT_SECURITY}), `X-Content-Type-Options: nosniff`, plus `Referrer-Policy: no-referrer` and
 * `Cross-Origin-Resource-Policy: same-origin` (OWASP ASVS 5.0 V3.4). Headers that only matter for
 * HTML documents in old browsers (X-XSS-Protection, X-Download-Options, X-DNS-Prefetch-Control,
 * X-Permitted-Cross-Domain-Policies) are left out. The front door (`request-context.ts`)
 * starts each request's header bag with them, before anything else runs, so they are part of
 * every answer, errors included. Hono's own `secureHeaders()` sets headers on `c.res` after the
 * handler, which makes @hono/node-server turn its lightweight response into a full web Response on
 * every request (measured: a third of the gateway's throughput on `/auth/me`).
 * @module
 */
import type { HeaderBag } from '../http.js';

/**
 * A new header bag: the security headers plus `X-Request-Id`.
 *
 * Written as one object literal on purpose: V8 then builds every bag from the same template
 * with the same hidden class, and the headers added later (CORS, rate limit, content type) follow
 * cached transitions. Spreading a constant object and adding a key instead measured ~9 µs per
 * request in Node 20 (a fresh hidden class each time), against ~0.1 µs for the literal.
 */
export function newHeaderBag(requestId: string): HeaderBag {
  return {
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'X-Request-Id': requestId,
  };
}

/**
 * `Strict-Transport-Security` (180 days, subdomains), added by the front door to answers of
 * requests that came over HTTPS: over TLS to the gateway itself, or through a proxy that says so
 * with `X-Forwarded-Proto: https` (Traefik sets it by default). RFC 6797 §7.2: an HSTS host MUST
 * NOT send the header over plain HTTP, and user agents ignore it there (§8.1), so a forged
 * `X-Forwarded-Proto` changes nothing a browser would act on.
 */
export const STRICT_TRANSPORT_SECURITY = ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'] as const;

/** Header name → value (the bag's security headers on every answer; HSTS only over HTTPS). */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(newHeaderBag('')).filter(([name]) => name !== 'X-Request-Id')),
);

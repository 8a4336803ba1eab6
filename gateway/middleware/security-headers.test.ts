import { describe, expect, it } from 'vitest';
import { createLogger } from '../../infra/logger.js';
import { createApp } from '../app.js';
import { createMetrics } from '../metrics.js';
import { SECURITY_HEADERS } from './security-headers.js';

const app = createApp({ config: { CORS_ORIGINS: [], BODY_LIMIT_BYTES: 1024 }, log: createLogger({ level: 'silent', service: 't' }), metrics: createMetrics({ defaultMetrics: false }), healthChecks: {} });

describe('security headers', () => {
  it.each([['/health/live', 200], ['/api/v1/nope', 404]])('are on every answer (%s → %i)', async (path, status) => {
    const res = await app.request(path);
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('tell browsers and proxies never to store or frame an API answer (OWASP REST Security Cheat Sheet)', async () => {
    const res = await app.request('/health/live');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('send Strict-Transport-Security only on answers to HTTPS requests (RFC 6797 §7.2)', async () => {
    const hsts = (res: Response) => res.headers.get('strict-transport-security');
    expect(hsts(await app.request('/health/live'))).toBeNull();
    expect(hsts(await app.request('https://gateway.example.com/health/live'))).toBe('max-age=15552000; includeSubDomains');
    expect(hsts(await app.request('/health/live', { headers: { 'x-forwarded-proto': 'https' } }))).toBe('max-age=15552000; includeSubDomains');
    expect(hsts(await app.request('/api/v1/nope', { headers: { 'x-forwarded-proto': 'https' } }))).toBe('max-age=15552000; includeSubDomains');
  });
});

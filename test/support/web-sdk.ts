/**
 * Runs the `appwrite` web SDK in Node as an app runtime would: a `globalThis.window` whose
 * `localStorage` is Map-backed, so the SDK keeps its session in `cookieFallback` and replays it
 * as `X-Fallback-Cookies` (the carrier Appwrite uses when cookies are not available).
 */
import { Account, Client } from 'appwrite';
import { MemoryStorage } from '../../scripts/lib/web-storage.js';

export { MemoryStorage };

export interface WebBrowser {
  client: Client;
  account: Account;
  storage: MemoryStorage;
  /** The session secret the SDK holds in `cookieFallback`, or null when signed out. */
  sessionSecret(projectId: string): string | null;
}

interface WindowShim {
  localStorage: MemoryStorage;
  console: Pick<Console, 'warn' | 'log' | 'error'>;
}

const g = globalThis as unknown as { window?: WindowShim };

/**
 * Installs `globalThis.window` (one shared storage: the tests drive one "browser" at a time) and
 * returns a fresh browser on the given endpoint. Call {@link uninstallWindow} in afterAll.
 */
export function openBrowser(endpoint: string, projectId: string): WebBrowser {
  const storage = new MemoryStorage();
  // The SDK warns through window.console on every login; keep test output quiet.
  g.window = { localStorage: storage, console: { warn: () => undefined, log: () => undefined, error: () => undefined } };
  const client = new Client().setEndpoint(endpoint).setProject(projectId);
  return {
    client,
    account: new Account(client),
    storage,
    sessionSecret(project: string) {
      const raw = storage.getItem('cookieFallback');
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Record<string, unknown>;
      const v = parsed[`a_session_${project}`];
      return typeof v === 'string' ? v : null;
    },
  };
}

/** Removes the `window` shim. */
export function uninstallWindow(): void {
  delete g.window;
}

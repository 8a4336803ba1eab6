/**
 * A device running the real `appwrite` web SDK, as the POS app (a till) or an admin's phone
 * would. In Node.js the web SDK keeps its session only in `window.localStorage.cookieFallback`
 * and replays it as `X-Fallback-Cookies` (DESIGN.md "The web SDK in Node.js"); each device has
 * its own storage and installs it as `globalThis.window` before each SDK call, so several devices
 * can take turns in one process (the demo is sequential). {@link uninstallDevices} removes the
 * shim at the end.
 * @module
 */
import { Account, AppwriteException, Client, ID, Permission, Query, Role, TablesDB, type Models } from 'appwrite';
import { DemoFailure, DemoSetupError } from './errors.js';
import { unreachable } from './http.js';
import { MemoryStorage } from '../lib/web-storage.js';

interface WindowShim {
  localStorage: MemoryStorage;
  // The SDK warns through window.console on every session ("using localStorage"): keep the demo quiet.
  console: Pick<Console, 'warn' | 'log' | 'error'>;
}
const g = globalThis as unknown as { window?: WindowShim };
const quiet = { warn: () => undefined, log: () => undefined, error: () => undefined };

/** A product row as the till reads it (`products` table, prices in minor units). */
export interface Product {
  id: string;
  name: string;
  priceMinor: number;
}

/** A signed-in operator on a device: the Appwrite session and a JWT (900 s) for the gateway. */
export interface DeviceSession {
  userId: string;
  sessionId: string;
  jwt: string;
}

/** One device (a till, a phone) with its own web SDK client and storage. */
export class SdkDevice {
  private readonly storage = new MemoryStorage();
  private readonly client: Client;
  private readonly account: Account;
  private readonly tablesDB: TablesDB;

  /**
   * @param endpoint Appwrite endpoint, e.g. `http://127.0.0.1:8090/v1`.
   * @param projectId Appwrite project id (default deployment: `tillgate`).
   */
  constructor(
    readonly endpoint: string,
    readonly projectId: string,
  ) {
    this.client = new Client().setEndpoint(endpoint).setProject(projectId);
    this.account = new Account(this.client);
    this.tablesDB = new TablesDB(this.client);
  }

  /**
   * Runs one SDK call with this device's storage installed; maps SDK errors.
   * @throws DemoFailure (Appwrite answered an error), DemoSetupError (Appwrite unreachable).
   */
  private async call<T>(step: string, fn: () => Promise<T>): Promise<T> {
    g.window = { localStorage: this.storage, console: quiet };
    try {
      return await fn();
    } catch (e) {
      throw this.failure(step, e);
    }
  }

  /** An SDK error as the demo reports it: Appwrite's answer, or Appwrite unreachable. */
  private failure(step: string, e: unknown): Error {
    if (e instanceof AppwriteException) return new DemoFailure(step, `Appwrite answered ${e.code} ${e.type || ''}: ${e.message}`);
    return new DemoSetupError(unreachable('Appwrite', this.endpoint, e));
  }

  /**
   * Exchanges the token a PIN login returned (`POST /auth/pin-login`) for an Appwrite session
   * (`account.createSession`, single use) and creates a JWT for the gateway (`account.createJWT`).
   */
  async signInWithToken(step: string, userId: string, secret: string): Promise<DeviceSession & { signedOutPrevious: boolean }> {
    const signedOutPrevious = await this.signOut(step);
    const session = await this.call(step, () => this.account.createSession({ userId, secret }));
    const { jwt } = await this.call(step, () => this.account.createJWT());
    return { userId, sessionId: session.$id, jwt, signedOutPrevious };
  }

  /**
   * Ends the session this device holds (`account.deleteSession('current')`), as the app does
   * before the next operator's session: Appwrite refuses a new session while one is active on
   * the client (401 `user_session_already_exists`). A session the server already ended (the
   * till was locked) answers 401 and is simply forgotten.
   * @returns true when a live session was ended.
   */
  async signOut(step: string): Promise<boolean> {
    if (!this.storage.getItem('cookieFallback')?.includes(`a_session_${this.projectId}`)) return false;
    g.window = { localStorage: this.storage, console: quiet };
    let ended = true;
    try {
      await this.account.deleteSession({ sessionId: 'current' });
    } catch (e) {
      if (!(e instanceof AppwriteException) || e.code !== 401) throw this.failure(step, e);
      ended = false;
    }
    this.storage.removeItem('cookieFallback');
    return ended;
  }

  /** Email/password session straight at Appwrite (`account.createEmailPasswordSession`) and a JWT. */
  async signInWithPassword(step: string, email: string, password: string): Promise<DeviceSession> {
    const session = await this.call(step, () => this.account.createEmailPasswordSession({ email, password }));
    const { jwt } = await this.call(step, () => this.account.createJWT());
    return { userId: session.userId, sessionId: session.$id, jwt };
  }

  /** The store's name and currency (`stores` is readable by every signed-in user). */
  async getStore(step: string, databaseId: string, storeId: string): Promise<{ name: string; currency: string }> {
    const row = await this.call(step, () => this.tablesDB.getRow({ databaseId, tableId: 'stores', rowId: storeId }));
    return { name: String(row.name), currency: String(row.currency) };
  }

  /** The active products of a store (`products` is readable by every signed-in user), by name. */
  async listProducts(step: string, databaseId: string, storeId: string): Promise<Product[]> {
    const res = await this.call(step, () => this.tablesDB.listRows({ databaseId, tableId: 'products', queries: [Query.equal('storeId', storeId), Query.equal('isActive', true), Query.orderAsc('name'), Query.limit(100)] }));
    return res.rows.map((r) => ({ id: r.$id, name: String(r.name), priceMinor: Number(r.priceMinor) }));
  }

  /**
   * Writes a completed sale as the signed-in operator (`tablesDB.createRow` on `sales`, row
   * security on: the writer grants itself `read("user:<id>")`, collections/sales.ts).
   * @param totalMinor total in minor currency units.
   */
  async createSale(step: string, s: { databaseId: string; storeId: string; terminalId: string; staffId: string; totalMinor: number; currency: string }): Promise<Models.DefaultRow> {
    return this.call(step, () =>
      this.tablesDB.createRow({
        databaseId: s.databaseId,
        tableId: 'sales',
        rowId: ID.unique(),
        data: { storeId: s.storeId, terminalId: s.terminalId, staffId: s.staffId, totalMinor: s.totalMinor, currency: s.currency, status: 'completed', occurredAt: new Date().toISOString() },
        permissions: [Permission.read(Role.user(s.staffId))],
      }),
    );
  }

  /** Reads one sale back as the signed-in operator (their own sales are readable to them). */
  async getSale(step: string, databaseId: string, rowId: string): Promise<Models.DefaultRow> {
    return this.call(step, () => this.tablesDB.getRow({ databaseId, tableId: 'sales', rowId }));
  }
}

/** Removes the `window` shim the devices installed (for callers that run the demo in process). */
export function uninstallDevices(): void {
  delete g.window;
}

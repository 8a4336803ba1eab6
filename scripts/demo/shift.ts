/**
 * What one demo shift holds while it runs: the options, the gateway client, the devices, the
 * people, the till, and the ledger the summary is printed from.
 * @module
 */
import type { SdkDevice } from './device.js';
import type { GatewayClient } from './http.js';
import type { DemoLogin, DemoLogins } from './logins.js';
import type { DemoOptions } from './options.js';
import type { Reporter } from './report.js';

/** A staff member taking part in the shift. */
export interface Person {
  userId: string;
  name: string;
  email: string;
  pin: string;
}

export interface SaleRecord {
  id: string;
  operator: string;
  items: string[];
  totalMinor: number;
}

export interface RefundRecord {
  saleId: string;
  refundId: string | null;
  amountMinor: number;
  operator: string;
  approver: string;
}

export interface LockoutRecord {
  who: string;
  wrongPins: number;
  retryAfterSeconds: number;
  unlockedBy: string;
}

export interface AuditRecordSummary {
  since: string;
  entries: number;
  byAction: Record<string, number>;
  exportFile: string;
  exportRows: number;
}

/** The shift's ledger: what the summary reports. */
export interface Ledger {
  storeName: string;
  currency: string;
  till?: { id: string; name: string };
  /** Operators in the order they signed in on the till (repeats dropped). */
  operators: string[];
  sales: SaleRecord[];
  refunds: RefundRecord[];
  refusals: string[];
  lockouts: LockoutRecord[];
  locks: number;
  switches: string[];
  audit?: AuditRecordSummary;
  loggedOutDevices?: number;
  notes: string[];
}

export interface Shift {
  options: DemoOptions;
  gw: GatewayClient;
  report: Reporter;
  logins: DemoLogins;
  /** The POS till running the web SDK. */
  till: SdkDevice;
  /** The admin's phone running the web SDK. */
  phone: SdkDevice;
  manager: Person & { jwt?: string };
  cashier: Person;
  /** The second cashier of the quick switch (full shift only). */
  cashier2?: Person;
  admin: Person & { password: string };
  /** The enrolled till's credential `<terminalId>:<secret>`. */
  terminal?: { id: string; name: string; credential: string };
  ledger: Ledger;
}

/** A person from a demo login. */
export function personOf(l: DemoLogin): Person {
  return { userId: l.userId, name: l.name, email: l.email, pin: l.pin };
}

/**
 * Formats an amount in minor units (`-675`, `EUR`) as `-€6.75`, using the currency's own number
 * of minor digits (ISO 4217 via Intl).
 */
export function money(minor: number, currency: string): string {
  const f = new Intl.NumberFormat('en-GB', { style: 'currency', currency });
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}

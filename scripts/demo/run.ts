/**
 * One POS shift against a running stack, in the order a shop lives it (issue 9 item 4):
 * opening (manager login, till enrolled), selling (cashier PIN login, sales with the web SDK, a
 * refund refused then approved by the manager's PIN), the till locked while the cashier steps
 * away, five wrong PINs, the lockout and the manager's unlock, a quick switch to another cashier,
 * closing (till locked, manager logs out) and the back office (the admin reads and exports the
 * shift's audit trail and logs out all devices). Every answer is checked; the first unexpected
 * one stops the shift. `--short` (the end-to-end test) rings up one sale and leaves out the
 * second cashier and the quick switch.
 * @module
 */
import { backOffice, managerLogsOut } from './back-office.js';
import { SdkDevice, uninstallDevices } from './device.js';
import { DemoFailure, DemoSetupError, EXIT } from './errors.js';
import { GatewayClient, unreachable } from './http.js';
import { clearStaleLock, lockoutAndUnlock } from './lockout.js';
import { loadDemoLogins } from './logins.js';
import { ensureSecondCashier, managerSignsIn, openTill } from './opening.js';
import type { DemoOptions } from './options.js';
import { Reporter, summaryLines } from './report.js';
import { loadCatalogue, pinSignIn, refundWithOverride, ringUp } from './selling.js';
import { personOf, type Shift } from './shift.js';
import { lockTill, recordSwitch } from './switching.js';

export interface DemoIO {
  /** Standard output, one line per call. */
  out: (line: string) => void;
  /** Standard error, one line (or message) per call. */
  err: (line: string) => void;
}

/** Checks the gateway and Appwrite answer; returns Appwrite's version. */
async function preflight(gw: GatewayClient, appwrite: string): Promise<string> {
  const ready = await gw.request<{ status?: string; checks?: Record<string, { status: string; error?: string }> }>('GET', '/health/ready');
  if (ready.status !== 200 || ready.body.status !== 'ready') {
    const down = Object.entries(ready.body.checks ?? {}).filter(([, c]) => c.status !== 'up').map(([n, c]) => `${n}: ${c.error ?? 'down'}`);
    throw new DemoSetupError(`The gateway at ${gw.baseUrl} is not ready (${ready.status}${down.length ? `; ${down.join(', ')}` : ''}). Wait for "Tillgate is running" or check its log.`);
  }
  let res: Response;
  try {
    res = await fetch(`${appwrite}/health/version`, { signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new DemoSetupError(unreachable('Appwrite', appwrite, e));
  }
  const body = (await res.json().catch(() => ({}))) as { version?: string };
  if (!res.ok || !body.version) throw new DemoSetupError(`${appwrite}/health/version answered ${res.status}: is --appwrite the Appwrite endpoint (ending in /v1)?`);
  return body.version;
}

/** The shift's steps. */
async function shift(s: Shift): Promise<void> {
  const { report } = s;
  report.section('Opening the shop');
  await managerSignsIn(s);
  if (!s.options.short) await ensureSecondCashier(s);
  await openTill(s);

  report.section('At the till');
  const first = await pinSignIn(s, s.cashier, 'cashier PIN login', '', () => clearStaleLock(s, s.cashier));
  const products = await loadCatalogue(s);
  const pick = (...names: string[]) => names.map((n) => products.find((p) => p.name === n) ?? products[0]!);
  const baskets = s.options.short
    ? [pick('Caffè latte', 'Blueberry muffin')]
    : [pick('Espresso', 'Croissant'), pick('Caffè latte', 'Blueberry muffin'), pick('Still water 0.5 l')];
  const saleIds: string[] = [];
  for (const basket of baskets) saleIds.push(await ringUp(s, first, basket));
  await refundWithOverride(s, first, saleIds[s.options.short ? 0 : 1]!);

  report.section('Lock and PIN lockout');
  await lockTill(s, first, 'till locked', `${first.person.name} steps away`);
  let current = await lockoutAndUnlock(s, s.cashier);

  if (!s.options.short) {
    report.section('Quick switch');
    const second = await pinSignIn(s, s.cashier2!, 'quick switch', ` (takes over from ${current.person.name}, no lock in between)`);
    await recordSwitch(s, current, second);
    await ringUp(s, second, pick('Espresso', 'Still water 0.5 l'));
    current = second;
  }

  report.section('Closing');
  await lockTill(s, current, 'till locked', 'end of shift');
  await managerLogsOut(s);

  report.section('Back office');
  await backOffice(s);
}

/**
 * Runs the demo shift and prints its steps and summary.
 * @returns the exit code: 0 passed, 1 an unexpected answer (printed with the step, the
 *   expectation and the answer), 2 the demo cannot run (stack unreachable, logins missing).
 */
export async function runDemo(options: DemoOptions, io: DemoIO): Promise<number> {
  const gw = new GatewayClient(options.gateway);
  const report = new Reporter(io.out);
  const started = Date.now();
  let s: Shift | undefined;
  try {
    const version = await preflight(gw, options.appwrite);
    const logins = loadDemoLogins(options.loginsFile);
    report.line(`Tillgate demo shift${options.short ? ' (short)' : ''}`);
    report.line(`  gateway   ${options.gateway}`);
    report.line(`  appwrite  ${options.appwrite} (Appwrite ${version}, project ${options.projectId})`);
    report.line(`  logins    ${logins.file} (store ${logins.storeId})`);
    s = {
      options, gw, report, logins,
      till: new SdkDevice(options.appwrite, options.projectId),
      phone: new SdkDevice(options.appwrite, options.projectId),
      manager: personOf(logins.manager),
      cashier: personOf(logins.cashier),
      admin: { ...personOf(logins.admin), password: logins.admin.password },
      ledger: { storeName: logins.storeId, currency: 'EUR', operators: [], sales: [], refunds: [], refusals: [], lockouts: [], locks: 0, switches: [], notes: [] },
    };
    await shift(s);
    for (const line of summaryLines(s.ledger)) report.line(line);
    report.line('');
    report.line(`Demo passed: ${report.checks} steps checked, ${gw.requests} gateway requests, ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    return EXIT.passed;
  } catch (e) {
    if (e instanceof DemoSetupError) {
      io.err(`demo: ${e.message}`);
      return EXIT.setup;
    }
    if (e instanceof DemoFailure) {
      report.line(`  ✗ ${e.step.padEnd(26)} ${e.detail}`);
      if (s) for (const line of summaryLines(s.ledger)) report.line(line);
      io.err(`\ndemo FAILED at "${e.step}": ${e.detail}`);
      return EXIT.failed;
    }
    io.err(`demo FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return EXIT.failed;
  } finally {
    uninstallDevices();
  }
}

/**
 * `npm run bench:gateway` (or `node --import tsx bench/gateway.ts`): the gateway's authenticated
 * reads against their limit and their peer, each server in its own process, driven by autocannon
 * (50 connections) from this process, all eight combinations alternating round by round so machine
 * drift cancels out:
 *
 * - `GET /api/v1/auth/me` (issue 5): the caller's identity; cached Appwrite JWT, actor resolved.
 * - `GET /api/v1/users/:id` (issue 10): one staff member; cached JWT, `users:read` and store
 *   scope checked, the staff row got the gateway's way (at the time of writing a short-lived
 *   in-process cache in infra/actor-resolver.ts, dropped on writes and revocation-epoch moves).
 *
 * against (a) the limit, bare Hono routes answering the same JSON (bench/servers/bare-hono.ts),
 * (c) a reference, the same bare routes answering with the gateway's response headers
 * (bench/servers/bare-hono-headers.ts; reported, not a goal: it shows what the headers alone
 * cost), and (b) the peer, Express + jsonwebtoken + a role middleware, looking the staff row up in the
 * same Appwrite per request (bench/peers/express-gateway.ts). Before measuring, all three must
 * answer both routes with the same JSON. The Appwrite emulator runs in its own process.
 *
 * Also measured in this process, alternating: jsonwebtoken HS256 verifications/s with the secret
 * as a string vs as a `KeyObject` (why the first Express peer measured ~1 k req/s).
 *
 * Goals: issue 5, auth/me ≥ 70% of the bare route; issue 10, ≥ 2× the Express peer, and the same
 * two for users/:id; no errors. p99 latency is reported for all. Env: BENCH_ROUNDS (default 5),
 * BENCH_SECONDS per round (default 5). Needs MariaDB and Redis. Writes bench/results/gateway.json.
 */
import { randomBytes, createSecretKey } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import jwt from 'jsonwebtoken';
import { createStaff } from '../infra/staff/directory.js';
import { alternate, envNumber, figure, writeResult, type Figure, type Goal } from './lib/report.js';
import { createBenchUser, startBenchStack, startServer } from './lib/stack.js';

const ROUNDS = envNumber('BENCH_ROUNDS', 5);
const SECONDS = envNumber('BENCH_SECONDS', 5);
const CONNECTIONS = 50;
const SERVERS = ['gateway', 'bare', 'express', 'headers'] as const;
const ROUTES = ['me', 'user'] as const;
type ServerName = (typeof SERVERS)[number];
type RouteName = (typeof ROUTES)[number];
const TITLE: Record<ServerName, string> = { gateway: 'gateway', bare: 'bare Hono (limit)', express: 'Express + jsonwebtoken (peer)', headers: "bare Hono + the gateway's headers (reference)" };
/** Headers every HTTP/1.1 answer carries or that differ per answer: not copied to the reference server. */
const TRANSPORT_HEADERS = new Set(['date', 'connection', 'keep-alive', 'content-length', 'x-request-id']);
const PATH_TITLE: Record<RouteName, string> = { me: 'GET auth/me', user: 'GET users/:id' };

const stack = await startBenchStack();
try {
  const manager = await createBenchUser(stack.admin, { email: 'bench.manager@example.com', name: 'Bench Manager', role: 'manager', storeId: 'store-a' });
  const target = await createStaff(stack.admin, 'pos', { email: 'bench.cashier@example.com', name: 'Bench Cashier', role: 'cashier', storeId: 'store-a', password: 'bench password 1' });
  const gateway = await stack.startGateway();
  const paths: Record<RouteName, string> = { me: '/api/v1/auth/me', user: `/api/v1/users/${target.userId}` };
  const answered: Record<string, Record<string, string>> = {};
  const answer = async (url: string, token: string): Promise<string> => {
    const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`${url} answered ${r.status}: ${text}`);
    answered[url] = Object.fromEntries([...r.headers].filter(([name]) => !TRANSPORT_HEADERS.has(name)));
    return text;
  };
  const meBody = await answer(`${gateway.url}${paths.me}`, manager.jwt);
  const userBody = await answer(`${gateway.url}${paths.user}`, manager.jwt);
  const gatewayHeaders = { me: answered[`${gateway.url}${paths.me}`]!, user: answered[`${gateway.url}${paths.user}`]! };

  const secret = randomBytes(32).toString('hex');
  const peerToken = jwt.sign({ sub: manager.userId, role: 'manager', storeId: 'store-a' }, secret, { algorithm: 'HS256', expiresIn: 3600 });
  const bare = await startServer('bench/servers/bare-hono.ts', { env: { BENCH_ME_BODY: meBody, BENCH_USER_BODY: userBody } });
  const express = await startServer('bench/peers/express-gateway.ts', {
    env: { BENCH_ME_BODY: meBody, BENCH_SECRET: secret, BENCH_APPWRITE_ENDPOINT: stack.appwrite.endpoint, BENCH_APPWRITE_PROJECT: stack.appwrite.projectId, BENCH_APPWRITE_KEY: stack.appwrite.apiKey },
  });
  const withHeaders = await startServer('bench/servers/bare-hono-headers.ts', {
    env: { BENCH_ME_BODY: meBody, BENCH_USER_BODY: userBody, BENCH_ME_HEADERS: JSON.stringify(gatewayHeaders.me), BENCH_USER_HEADERS: JSON.stringify(gatewayHeaders.user) },
  });
  const servers: Record<ServerName, { url: string; token: string }> = {
    gateway: { url: gateway.url, token: manager.jwt },
    bare: { url: bare.printed.url!, token: manager.jwt },
    express: { url: express.printed.url!, token: peerToken },
    headers: { url: withHeaders.printed.url!, token: manager.jwt },
  };
  stack.onStop(bare.child, express.child, withHeaders.child);

  // Same answers, or no figures.
  for (const route of ROUTES) {
    const expected = JSON.parse(route === 'me' ? meBody : userBody) as unknown;
    for (const s of SERVERS) {
      const got = JSON.parse(await answer(`${servers[s].url}${paths[route]}`, servers[s].token)) as unknown;
      if (!isDeepStrictEqual(got, expected)) throw new Error(`${s} answers ${paths[route]} differently:\n${JSON.stringify(got)}\nvs the gateway's\n${JSON.stringify(expected)}`);
    }
  }

  const p99: Record<string, number[]> = {};
  const errors: Record<string, number> = {};
  const load = async (s: ServerName, route: RouteName, seconds: number) =>
    autocannon({ url: `${servers[s].url}${paths[route]}`, connections: CONNECTIONS, duration: seconds, headers: { authorization: `Bearer ${servers[s].token}` } });
  const variants = Object.fromEntries(
    ROUTES.flatMap((route) => SERVERS.map((s) => [`${route}.${s}`, async () => {
      const r = await load(s, route, SECONDS);
      (p99[`${route}.${s}`] ??= []).push(r.latency.p99);
      errors[`${route}.${s}`] = (errors[`${route}.${s}`] ?? 0) + r.errors + r.timeouts + r.non2xx;
      return r.requests.average;
    }] as const)),
  ) as Record<`${RouteName}.${ServerName}`, () => Promise<number>>;
  for (const route of ROUTES) for (const s of SERVERS) await load(s, route, Math.min(2, SECONDS)); // warm-up: JIT, caches, keep-alive pools
  const rps = await alternate(ROUNDS, variants);

  // jsonwebtoken HS256 verify, in process: string secret vs KeyObject, alternating half-second rounds.
  const keyObject = createSecretKey(Buffer.from(secret));
  const verifyRate = (key: string | ReturnType<typeof createSecretKey>) => async () => {
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < 500) {
      jwt.verify(peerToken, key, { algorithms: ['HS256'] });
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  };
  const verify = await alternate(ROUNDS, { string: verifyRate(secret), keyObject: verifyRate(keyObject) });

  const figures: Record<string, Figure> = {};
  for (const route of ROUTES) {
    for (const s of SERVERS) {
      figures[`${route}.${s}.rps`] = figure(rps[`${route}.${s}`], 'req/s', `${PATH_TITLE[route]}: ${TITLE[s]}`);
      figures[`${route}.${s}.p99`] = figure(p99[`${route}.${s}`]!, 'ms', `${PATH_TITLE[route]}: ${TITLE[s]}, p99 latency`);
    }
  }
  // Per round (the rounds alternate, so each pair ran back to back): what the gateway's headers alone
  // cost a bare route, and the gateway against a bare route sending the same headers.
  const perRound = (route: RouteName, a: ServerName, b: ServerName) => rps[`${route}.${a}`].map((v, i) => (100 * v) / rps[`${route}.${b}`][i]!);
  for (const route of ROUTES) {
    figures[`${route}.headers.ofBare`] = figure(perRound(route, 'headers', 'bare'), '%', `${PATH_TITLE[route]}: bare Hono + the gateway's headers, % of bare Hono (per round)`);
    figures[`${route}.gateway.ofHeaders`] = figure(perRound(route, 'gateway', 'headers'), '%', `${PATH_TITLE[route]}: gateway, % of bare Hono + the gateway's headers (per round)`);
  }
  figures['jwt.verify.string'] = figure(verify.string, 'verifications/s', 'jsonwebtoken HS256 verify, secret as a string');
  figures['jwt.verify.keyObject'] = figure(verify.keyObject, 'verifications/s', 'jsonwebtoken HS256 verify, secret as a KeyObject');

  const med = (route: RouteName, s: ServerName) => figures[`${route}.${s}.rps`]!.median;
  const goals: Goal[] = ROUTES.flatMap((route): Goal[] => [
    { issue: route === 'me' ? 5 : 10, text: `${PATH_TITLE[route]}: gateway ≥ 70% of the bare Hono route's req/s`, met: med(route, 'gateway') >= 0.7 * med(route, 'bare'), measured: `${Math.round((100 * med(route, 'gateway')) / med(route, 'bare'))}% (${Math.round(med(route, 'gateway'))} vs ${Math.round(med(route, 'bare'))} req/s)` },
    { issue: 10, text: `${PATH_TITLE[route]}: gateway ≥ 2× the Express + jsonwebtoken peer's req/s`, met: med(route, 'gateway') >= 2 * med(route, 'express'), measured: `${(med(route, 'gateway') / med(route, 'express')).toFixed(2)}× (${Math.round(med(route, 'gateway'))} vs ${Math.round(med(route, 'express'))} req/s)` },
  ]);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  goals.push({ issue: 10, text: 'no errors, timeouts or non-2xx answers in any round', met: errorCount === 0, measured: errorCount === 0 ? '0' : JSON.stringify(errors) });

  const file = writeResult({
    name: 'gateway',
    method:
      `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per round, ${ROUNDS} rounds alternating over the eight server × route combinations after one warm-up each; ` +
      `each server in its own process, the Appwrite emulator in another, autocannon in the bench process. ` +
      `Routes: GET /api/v1/auth/me (gateway: Appwrite JWT verified once and cached, actor and role resolved) and GET /api/v1/users/:id of a cashier in the caller's store (gateway: cached JWT, users:read and store scope checked by core/rbac on every request, the staff row got the gateway's way: Appwrite or its short-lived row cache). ` +
      `Limit: bare Hono routes answering the same JSON with no middleware. Reference (reported, not a goal): the same bare routes answering with the headers the gateway sent (security headers, request id, rate-limit remaining, content type), to separate what the headers cost from the gateway's own work. Peer: Express 5 + jsonwebtoken HS256 (secret as a KeyObject) + a role middleware, users/:id reading the staff row from the same Appwrite on every request (the seed-plan style: no cache). ` +
      `All four answered both routes with identical JSON before measuring. jsonwebtoken verify rates measured in the bench process, ${ROUNDS} alternating 500 ms rounds.`,
    figures,
    goals,
  });
  process.stdout.write(`${ROUTES.map((route) => `${route}: ${SERVERS.map((s) => `${s} ${Math.round(med(route, s))}`).join(', ')} req/s`).join('; ')} → ${file}\n`);
} finally {
  await stack.stop();
}
process.exit(0);

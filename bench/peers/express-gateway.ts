/**
 * The peer the seed plans describe, built idiomatically: Express 5 with its defaults,
 * `jsonwebtoken` (HS256) verifying the bearer token on every request, a hand-written role
 * middleware over a role → permissions table, and the staff row looked up in Appwrite (the same
 * node-appwrite `tablesDB.getRow` the gateway uses) on every `GET /users/:id`, since a plain
 * Express handler keeps no cache. It answers the same JSON as the gateway:
 *
 * - `GET /api/v1/auth/me`: JWT verified, role known → the body in `BENCH_ME_BODY` (the gateway's
 *   answer for that user; the token's claims carry role and store, so no lookup is needed).
 * - `GET /api/v1/users/:id`: JWT verified, `users:read` checked, row fetched from Appwrite, store
 *   scope checked (a store-scoped role reads only its store's staff) → the staff view, as the
 *   gateway's `GET /users/{id}` renders it.
 *
 * Fairness: the secret is turned into a `KeyObject` once (`crypto.createSecretKey`). Given a
 * string, jsonwebtoken 9's `verify()` first tries `createPublicKey(secret)`, which always throws
 * for an HMAC secret and makes each verification ~20× slower (auth0/node-jsonwebtoken#966,
 * #1046); that, not Express, is why an earlier version of this peer measured only ~1 k req/s.
 * The KeyObject is jsonwebtoken's documented workaround, so the peer is measured at its best.
 *
 * Prints `url: …` when listening. Env: BENCH_ME_BODY, BENCH_SECRET, BENCH_APPWRITE_ENDPOINT,
 * BENCH_APPWRITE_PROJECT, BENCH_APPWRITE_KEY; BENCH_JWT_STRING_SECRET=1 passes the secret as a
 * string instead (the slow path, for comparison only).
 */
import { createSecretKey } from 'node:crypto';
import express from 'express';
import jwt from 'jsonwebtoken';
import { AppwriteException, Client, TablesDB } from 'node-appwrite';

interface Claims extends jwt.JwtPayload { sub: string; role: string; storeId: string }
type AuthedRequest = express.Request & { user: Claims };

const meBody = JSON.parse(process.env.BENCH_ME_BODY ?? '{}') as unknown;
const secretText = process.env.BENCH_SECRET ?? 'bench-secret';
const secret = process.env.BENCH_JWT_STRING_SECRET === '1' ? secretText : createSecretKey(Buffer.from(secretText));
const tablesDB = new TablesDB(new Client().setEndpoint(process.env.BENCH_APPWRITE_ENDPOINT ?? 'http://127.0.0.1:8090/v1').setProject(process.env.BENCH_APPWRITE_PROJECT ?? 'tillgate').setKey(process.env.BENCH_APPWRITE_KEY ?? ''));

/** The four built-in roles of the seed plans; `*` and `resource:*` are wildcards. Global roles see every store. */
const ROLES: Record<string, { permissions: Set<string>; global: boolean }> = {
  superadmin: { permissions: new Set(['*']), global: true },
  admin: { permissions: new Set(['users:read', 'users:write', 'products:*', 'reports:*']), global: true },
  manager: { permissions: new Set(['users:read', 'products:read', 'products:write', 'reports:read']), global: false },
  cashier: { permissions: new Set(['sales:create', 'products:read']), global: false },
};

const app = express();

function authenticate(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) return void res.status(401).json({ error: 'unauthenticated' });
  try {
    const claims = jwt.verify(header.slice(7), secret, { algorithms: ['HS256'] }) as Claims;
    if (!ROLES[claims.role]) return void res.status(403).json({ error: 'unknown role' });
    (req as AuthedRequest).user = claims;
    next();
  } catch {
    res.status(401).json({ error: 'unauthenticated' });
  }
}

const requireRole = (permission: string) => (req: express.Request, res: express.Response, next: express.NextFunction): void => {
  const granted = ROLES[(req as AuthedRequest).user.role]!.permissions;
  if (granted.has('*') || granted.has(permission) || granted.has(`${permission.split(':')[0]}:*`)) return next();
  res.status(403).json({ error: 'forbidden' });
};

app.use(authenticate);

app.get('/api/v1/auth/me', (_req, res) => {
  res.json(meBody);
});

app.get('/api/v1/users/:id', requireRole('users:read'), async (req, res) => {
  const { user } = req as AuthedRequest;
  let row: Record<string, unknown> & { $id: string; $createdAt: string };
  try {
    row = (await tablesDB.getRow({ databaseId: 'pos', tableId: 'staff', rowId: String(req.params.id) })) as unknown as typeof row;
  } catch (e) {
    if (e instanceof AppwriteException && e.type === 'row_not_found') return void res.status(404).json({ error: 'not found' });
    throw e;
  }
  if (!ROLES[user.role]!.global && row.storeId !== user.storeId) return void res.status(403).json({ error: 'forbidden' });
  res.json({
    id: row.$id,
    email: String(row.email ?? ''),
    name: String(row.displayName ?? ''),
    role: String(row.role ?? ''),
    storeId: String(row.storeId ?? ''),
    active: row.isActive !== false,
    lastLoginAt: typeof row.lastLoginAt === 'string' ? row.lastLoginAt : null,
    createdAt: row.$createdAt,
  });
});

const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`url: http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

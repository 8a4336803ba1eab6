/**
 * The peer the seed plans describe: Express 5, `jsonwebtoken` (HS256) verification on every
 * request, and a hand-written role middleware, answering the same JSON as the gateway's
 * `/api/v1/auth/me`. Prints `url: …` when listening. Env: BENCH_BODY, BENCH_SECRET.
 */
import express from 'express';
import jwt from 'jsonwebtoken';

const body = JSON.parse(process.env.BENCH_BODY ?? '{}') as unknown;
const secret = process.env.BENCH_SECRET ?? 'bench-secret';
const ROLE_PERMISSIONS: Record<string, string[]> = {
  superadmin: ['*'],
  admin: ['users:read', 'users:write', 'products:*', 'reports:*'],
  manager: ['users:read', 'products:read', 'products:write', 'reports:read'],
  cashier: ['sales:create', 'products:read'],
};

const app = express();
app.use((req, res, next) => {
  const token = req.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return void res.status(401).json({ error: 'unauthenticated' });
  try {
    (req as unknown as { user: jwt.JwtPayload }).user = jwt.verify(token, secret, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    next();
  } catch {
    res.status(401).json({ error: 'unauthenticated' });
  }
});
const requireRole = (permission: string) => (req: express.Request, res: express.Response, next: express.NextFunction) => {
  const role = String((req as unknown as { user: { role?: string } }).user.role ?? '');
  const granted = ROLE_PERMISSIONS[role] ?? [];
  if (granted.includes('*') || granted.includes(permission) || granted.includes(`${permission.split(':')[0]}:*`)) return next();
  res.status(403).json({ error: 'forbidden' });
};
app.get('/api/v1/auth/me', requireRole('users:read'), (_req, res) => {
  res.json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`url: http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

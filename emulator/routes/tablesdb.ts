/** PLACEHOLDER: routes not implemented yet. */
import { Hono } from 'hono';
import type { EmulatorEnv } from '../context.js';

export function tablesDbRoutes(): Hono<EmulatorEnv> {
  return new Hono<EmulatorEnv>();
}

/** PLACEHOLDER: routes not implemented yet. */
import { Hono } from 'hono';
import type { EmulatorEnv } from '../context.js';

export function userRoutes(): Hono<EmulatorEnv> {
  return new Hono<EmulatorEnv>();
}

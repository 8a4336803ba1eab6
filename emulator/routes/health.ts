/** PLACEHOLDER: routes not implemented yet. */
import { Hono } from 'hono';
import type { EmulatorEnv } from '../context.js';

export function healthRoutes(): Hono<EmulatorEnv> {
  return new Hono<EmulatorEnv>();
}

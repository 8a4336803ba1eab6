/**
 * The slice of Appwrite's published contract the emulator honours, extracted by
 * `scripts/extract-appwrite-spec.ts` into `spec/appwrite-1.9.json`: error types (type → HTTP
 * status), event names, per-operation scopes and response schema names, component schemas.
 * @module
 */
import { readFileSync } from 'node:fs';

export interface SpecOperation {
  scope: string[];
  /** HTTP status → the component schema names a body may match (null for an empty body). */
  responses: Record<string, string[] | null>;
  params: string[];
}

export interface AppwriteSpec {
  errorTypes: Record<string, number>;
  events: string[];
  /** Keyed `METHOD /path/{param}`, then by platform. */
  operations: Record<string, { server?: SpecOperation; client?: SpecOperation }>;
  schemas: Record<string, unknown>;
}

/** Appwrite server version the emulator reports and emulates. */
export const APPWRITE_VERSION = '1.9.6';

export const spec: AppwriteSpec = JSON.parse(
  readFileSync(new URL('./spec/appwrite-1.9.json', import.meta.url), 'utf8'),
) as AppwriteSpec;

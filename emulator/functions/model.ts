/**
 * Appwrite response models of the functions service, built from registered definitions and
 * execution records.
 * @module
 */
import type { ExecutionRecord } from '../state.js';
import type { RegisteredFunction } from './execute.js';
import { DEFAULT_TIMEOUT_SECONDS } from './registry.js';

/**
 * The Function model (Appwrite 1.9): runtime `node-22`, the definition's events, scopes, timeout
 * and execute roles; deployment fields describe the in-process registration. Carries both 1.8's
 * `specification` and 1.9's `buildSpecification`/`runtimeSpecification` (see emulator/README.md).
 */
export function functionModel(fn: RegisteredFunction): Record<string, unknown> {
  const d = fn.def;
  return {
    $id: d.$id,
    $createdAt: fn.createdAt,
    $updatedAt: fn.updatedAt,
    execute: d.execute ?? [],
    name: d.name ?? d.$id,
    enabled: d.enabled !== false,
    live: true,
    logging: true,
    runtime: 'node-22',
    deploymentRetention: 0,
    deploymentId: fn.deploymentId,
    deploymentCreatedAt: fn.updatedAt,
    latestDeploymentId: fn.deploymentId,
    latestDeploymentCreatedAt: fn.updatedAt,
    latestDeploymentStatus: 'ready',
    scopes: d.scopes ?? [],
    vars: [],
    events: d.events ?? [],
    schedule: '',
    timeout: d.timeout ?? DEFAULT_TIMEOUT_SECONDS,
    entrypoint: 'dist/main.js',
    commands: '',
    version: 'v5',
    installationId: '',
    providerRepositoryId: '',
    providerBranch: '',
    providerRootDirectory: '',
    providerSilentMode: false,
    providerBranches: [],
    providerPaths: [],
    specification: 's-1vcpu-512mb',
    buildSpecification: 's-1vcpu-512mb',
    runtimeSpecification: 's-1vcpu-512mb',
  };
}

/**
 * The Execution model. Client callers get empty `logs` and `errors` (Appwrite returns them only
 * to API keys, per the model's field docs).
 */
export function executionModel(record: ExecutionRecord, forClient: boolean): Record<string, unknown> {
  const { scheduledAt, ...rest } = record;
  return {
    ...rest,
    scheduledAt: scheduledAt ?? null,
    logs: forClient ? '' : record.logs,
    errors: forClient ? '' : record.errors,
  };
}

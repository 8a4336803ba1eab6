/**
 * Development secrets for the embedded stack: when `PIN_PEPPER`, `AUDIT_CHECKPOINT_KEY` or the
 * emulator's API key are not configured, they are generated once and kept in
 * `.data/secrets.json` (mode 0600), so PIN hashes, the audit chain's checkpoints and the
 * emulator key stay valid across restarts. Production must set them (config refuses to start).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface DevSecrets {
  PIN_PEPPER: string;
  AUDIT_CHECKPOINT_KEY: string;
  EMULATOR_API_KEY: string;
}

/** Loads (or creates) the secrets file. */
export function loadDevSecrets(file: string): DevSecrets {
  const fresh = (): DevSecrets => ({
    PIN_PEPPER: randomBytes(32).toString('hex'),
    AUDIT_CHECKPOINT_KEY: randomBytes(32).toString('hex'),
    EMULATOR_API_KEY: `standard_${randomBytes(64).toString('hex')}`,
  });
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
    const merged = { ...fresh(), ...stored };
    if (Object.keys(stored).length !== Object.keys(merged).length) writeFileSync(file, JSON.stringify(merged, null, 2), { mode: 0o600 });
    return merged;
  }
  mkdirSync(dirname(file), { recursive: true });
  const s = fresh();
  writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return s;
}

/**
 * Response models of the Users and Account APIs (`user`, `session`, `token` in
 * `emulator/spec/appwrite-1.9.json` → `schemas`), built from the emulator's records.
 * @module
 */
import type { SessionRecord, UserRecord } from '../state.js';
import { sha256 } from '../util.js';

/** Appwrite's Target model, as embedded in `user.targets`. */
export interface TargetModel {
  $id: string;
  $createdAt: string;
  $updatedAt: string;
  name: string;
  userId: string;
  providerId: string | null;
  providerType: 'email' | 'sms';
  identifier: string;
  expired: boolean;
}

function target(user: UserRecord, providerType: 'email' | 'sms', identifier: string): TargetModel {
  return {
    // Stable per user and provider type, so repeated reads agree.
    $id: sha256(`${user.$id}:${providerType}`).slice(0, 20),
    $createdAt: user.$createdAt,
    $updatedAt: user.$updatedAt,
    name: '',
    userId: user.$id,
    providerId: null,
    providerType,
    identifier,
    expired: false,
  };
}

/**
 * The User model. `withSecrets` (API-key callers and event payloads) includes `password`,
 * `hash` and `hashOptions`; Appwrite's Account model (client callers) leaves them out.
 */
export function userModel(user: UserRecord, withSecrets: boolean): Record<string, unknown> {
  const targets: TargetModel[] = [];
  if (user.email) targets.push(target(user, 'email', user.email));
  if (user.phone) targets.push(target(user, 'sms', user.phone));
  const base: Record<string, unknown> = {
    $id: user.$id,
    $createdAt: user.$createdAt,
    $updatedAt: user.$updatedAt,
    name: user.name,
  };
  if (withSecrets) {
    base.password = user.password;
    base.hash = user.hash;
    base.hashOptions = user.hashOptions;
  }
  return {
    ...base,
    registration: user.registration,
    status: user.status,
    labels: [...user.labels],
    passwordUpdate: user.passwordUpdate,
    email: user.email,
    phone: user.phone,
    emailVerification: user.emailVerification,
    phoneVerification: user.phoneVerification,
    mfa: user.mfa,
    prefs: { ...user.prefs },
    targets,
    accessedAt: user.accessedAt,
  };
}

/**
 * The Session model. `secret` is the plaintext secret for API-key callers (Appwrite includes it
 * only then), `''` otherwise; `current` tells whether it is the caller's own session.
 */
export function sessionModel(session: SessionRecord, user: UserRecord | undefined, opts: { secret?: string; current?: boolean } = {}): Record<string, unknown> {
  return {
    $id: session.$id,
    $createdAt: session.$createdAt,
    $updatedAt: session.$updatedAt,
    userId: session.userId,
    expire: session.expire,
    provider: session.provider,
    providerUid: session.provider === 'email' ? (user?.email ?? '') : '',
    providerAccessToken: '',
    providerAccessTokenExpiry: '',
    providerRefreshToken: '',
    ip: session.ip,
    osCode: '',
    osName: '',
    osVersion: '',
    clientType: '',
    clientCode: '',
    clientName: '',
    clientVersion: '',
    clientEngine: '',
    clientEngineVersion: '',
    deviceName: '',
    deviceBrand: '',
    deviceModel: '',
    countryCode: '--',
    countryName: 'Unknown',
    current: opts.current ?? false,
    factors: [...session.factors],
    secret: opts.secret ?? '',
    mfaUpdatedAt: '',
  };
}

/** The Token model; `secret` is the plaintext secret (shown once, to API-key callers). */
export function tokenModel(token: { $id: string; $createdAt: string; userId: string; expire: string }, secret: string): Record<string, unknown> {
  return { $id: token.$id, $createdAt: token.$createdAt, userId: token.userId, secret, expire: token.expire, phrase: '' };
}

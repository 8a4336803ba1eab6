import { describe, it, expect } from 'vitest';
import { isSensitiveKey, maskChanges, maskSecrets, MASKED } from './mask.js';

describe('isSensitiveKey', () => {
  it.each([
    'pin', 'PIN', 'newPin', 'manager_pin', 'pinHash', 'pin_hash', 'pinIndex', 'password', 'Password', 'newPassword',
    'secret', 'clientSecret', 'token', 'approvalToken', 'refresh-token', 'hash', 'hashOptions', 'credential',
    'credentialHash', 'jwt', 'apiKey', 'api_key', 'x-appwrite-key', 'key', 'code', 'enrollmentCode', 'cookie',
    'set-cookie', 'authorization', 'Authorization', 'privateKey', 'salt', 'otp',
  ])('%s is sensitive', (k) => {
    expect(isSensitiveKey(k)).toBe(true);
  });

  it.each(['shipping', 'spinner', 'pinned', 'name', 'email', 'role', 'keyboard', 'postalCode', 'errorCode', 'storeId', 'labels', 'tokenized_flag_count'])(
    '%s is not sensitive',
    (k) => {
      expect(isSensitiveKey(k)).toBe(false);
    },
  );
});

describe('maskSecrets', () => {
  it('masks sensitive values at any depth, in arrays, whatever their type', () => {
    const input = {
      name: 'Ann',
      user: { password: '$2a$10$abc', prefs: { theme: 'dark', apiKey: { nested: 'k' } } },
      sessions: [{ id: 's1', secret: 'sekret' }, { id: 's2', Secret: 42 }],
      pin: null,
      skipped: undefined,
    };
    expect(maskSecrets(input)).toEqual({
      name: 'Ann',
      user: { password: MASKED, prefs: { theme: 'dark', apiKey: MASKED } },
      sessions: [{ id: 's1', secret: MASKED }, { id: 's2', Secret: MASKED }],
      pin: null,
    });
    expect(input.user.password).toBe('$2a$10$abc');
  });
});

describe('maskChanges', () => {
  it('keeps the before/after shape of a sensitive field and masks inside other fields', () => {
    expect(
      maskChanges({
        pinHash: { before: 'h1', after: 'h2' },
        pin: { after: '1234' },
        role: { before: 'cashier', after: 'manager' },
        prefs: { before: { token: 't1' }, after: { token: 't2', lang: 'sv' } },
      }),
    ).toEqual({
      pinHash: { before: MASKED, after: MASKED },
      pin: { before: null, after: MASKED },
      role: { before: 'cashier', after: 'manager' },
      prefs: { before: { token: MASKED }, after: { token: MASKED, lang: 'sv' } },
    });
  });
});

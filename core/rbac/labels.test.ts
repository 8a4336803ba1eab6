import { describe, expect, it } from 'vitest';
import { isTillgateLabel, labelsDrift, labelsFor, roleLabel, storeLabel } from './labels.js';

const APPWRITE_LABEL = /^[A-Za-z0-9]{1,36}$/;

describe('labelsFor', () => {
  it.each([
    [{ role: 'superadmin', storeIds: [] }, ['superadmin']],
    [{ role: 'admin', storeIds: [] }, ['admin']],
    [{ role: 'manager', storeIds: ['A1', 'B2'] }, ['manager', 'storeA1', 'storeB2']],
    [{ role: 'cashier', storeIds: ['s1', 's1'] }, ['cashier', 'stores1']],
    [{ role: 'auditor', storeIds: [] }, ['roleauditor']],
  ])('%j → %j', (profile, labels) => {
    expect(labelsFor(profile)).toEqual(labels);
  });

  it.each([
    ['store-1'],
    ['store_1'],
    ['a.b'],
    [''],
    ['x'.repeat(31)],
    ['abcdefghijklmnopqrstuvwxyz0123456789'],
    ['ünïcödé'],
    ['💥'],
  ])('store id %j becomes a valid Appwrite label', (id) => {
    expect(storeLabel(id)).toMatch(APPWRITE_LABEL);
    expect(storeLabel(id).startsWith('store')).toBe(true);
  });

  it('keeps short alphanumeric ids readable and hashes the rest to exactly 36 characters', () => {
    expect(storeLabel('x'.repeat(30))).toBe(`store${'x'.repeat(30)}`);
    expect(storeLabel('x'.repeat(31))).toHaveLength(36);
    expect(storeLabel('store-1')).toHaveLength(36);
    expect(storeLabel('store-1').startsWith('storestore1')).toBe(true);
  });

  it('never maps two different ids to one label', () => {
    const ids = ['store-1', 'store_1', 'store1', 'store.1', 'Store1', 'x'.repeat(31), `${'x'.repeat(31)}y`, '', '-'];
    const labels = ids.map(storeLabel);
    expect(new Set(labels).size).toBe(ids.length);
    expect(new Set(['shift-lead', 'shiftlead', 'shift-le-ad'].map(roleLabel)).size).toBe(3);
  });

  it('gives custom roles the role prefix so they cannot pose as a built-in', () => {
    expect(roleLabel('shiftlead')).toBe('roleshiftlead');
    expect(roleLabel('shift-lead')).toMatch(/^roleshiftlead[0-9a-f]{23}$/);
    expect(roleLabel('manager')).toBe('manager');
  });
});

describe('labelsDrift', () => {
  const profile = { role: 'manager', storeIds: ['A', 'B'] };

  it('is in sync whatever the order, with foreign labels kept', () => {
    const d = labelsDrift(profile, ['storeB', 'vip', 'manager', 'storeA']);
    expect(d).toMatchObject({ inSync: true, missing: [], unexpected: [] });
    expect(d.repaired).toEqual(['manager', 'storeA', 'storeB', 'vip']);
  });

  it('reports a stale role and store and repairs them', () => {
    const d = labelsDrift(profile, ['cashier', 'storeA', 'storeC', 'beta']);
    expect(d.inSync).toBe(false);
    expect(d.missing).toEqual(['manager', 'storeB']);
    expect(d.unexpected).toEqual(['cashier', 'storeC']);
    expect(d.repaired).toEqual(['manager', 'storeA', 'storeB', 'beta']);
    expect(labelsDrift(profile, d.repaired).inSync).toBe(true);
  });

  it('treats a user without labels as fully drifted', () => {
    expect(labelsDrift(profile, [])).toMatchObject({ inSync: false, missing: ['manager', 'storeA', 'storeB'], unexpected: [] });
  });

  it('knows which labels are its own', () => {
    expect(['admin', 'rolex', 'store1'].every(isTillgateLabel)).toBe(true);
    expect(['vip', 'role', 'store', 'Admin'].some(isTillgateLabel)).toBe(false);
  });
});

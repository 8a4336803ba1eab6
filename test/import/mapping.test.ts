/**
 * The Sakila mapping rules on their own (no I/O): exact money, UTC datetimes, roles from store
 * managers, legacy passwords, store attribution of sales, quirks reported, schema renaming for
 * loading into another schema.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renameSchema } from '../../infra/import/sakila/loader.js';
import { decimalToMinor, mapCustomer, mapProduct, mapSale, mapStaff, minorToDecimal, sakilaDateTime, type SakilaStaff } from '../../infra/import/sakila/mapping.js';

const staff = (over: Partial<SakilaStaff> = {}): SakilaStaff => ({
  staffId: 7,
  firstName: 'Ann',
  lastName: 'Lee',
  email: 'Ann.Lee@sakilastaff.com',
  storeId: 1,
  active: true,
  username: 'Ann',
  password: '8cb2237d0679ca88db6464eac60da96345513964',
  pictureBytes: null,
  ...over,
});

describe('money', () => {
  it('reads decimal text exactly in minor units, including amounts floats get wrong', () => {
    expect(decimalToMinor('2.99')).toEqual({ ok: true, minor: 299 });
    expect(decimalToMinor('0.29')).toEqual({ ok: true, minor: 29 }); // 0.29 * 100 = 28.999999999999996 in floating point
    expect(decimalToMinor('1.15')).toEqual({ ok: true, minor: 115 }); // 1.15 * 100 = 114.99999999999999
    expect(decimalToMinor('10')).toEqual({ ok: true, minor: 1000 });
    expect(decimalToMinor('-1.5')).toEqual({ ok: true, minor: -150 });
    expect(decimalToMinor('33489.470')).toEqual({ ok: true, minor: 3348947 });
    expect(decimalToMinor('1.234')).toMatchObject({ ok: false });
    expect(decimalToMinor('abc')).toMatchObject({ ok: false });
  });

  it('round-trips every two-decimal amount', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), (cents) => {
        expect(decimalToMinor(minorToDecimal(cents))).toEqual({ ok: true, minor: cents });
      }),
    );
  });
});

describe('datetimes', () => {
  it('reads Sakila DATETIMEs as UTC Appwrite datetimes and refuses impossible ones', () => {
    expect(sakilaDateTime('2005-05-24 22:53:30')).toBe('2005-05-24T22:53:30.000+00:00');
    expect(sakilaDateTime('0000-00-00 00:00:00')).toBeNull();
    expect(sakilaDateTime('2005-02-30 10:00:00')).toBeNull();
    expect(sakilaDateTime('yesterday')).toBeNull();
  });
});

describe('staff', () => {
  const stores = new Set([1, 2]);

  it('makes the store manager a Manager and everyone else a Cashier, and keeps the SHA-1 hash', () => {
    const manager = mapStaff(staff(), new Map([[7, [1]]]), stores);
    expect(manager).toMatchObject({ ok: true, rowId: 'sakila-staff-7', data: { role: 'manager', storeId: 'sakila-store-1', sha1: '8cb2237d0679ca88db6464eac60da96345513964', email: 'Ann.Lee@sakilastaff.com' } });
    expect(mapStaff(staff(), new Map([[8, [1]]]), stores)).toMatchObject({ ok: true, data: { role: 'cashier' } });
  });

  it('imports staff without a usable password without one and says they need a password', () => {
    for (const password of [null, '', 'not-a-hash']) {
      const m = mapStaff(staff({ password }), new Map(), stores);
      expect(m).toMatchObject({ ok: true, data: { sha1: null } });
      if (!m.ok) throw new Error('unreachable');
      const note = m.notes.find((n) => n.field === 'password')!;
      expect(note.kind).toBe('adjusted');
      expect(note.action).toContain('PUT /api/v1/users/sakila-staff-7/password');
    }
  });

  it('rejects staff Appwrite cannot hold (no email, unknown store) and blocks inactive ones', () => {
    expect(mapStaff(staff({ email: null }), new Map(), stores)).toMatchObject({ ok: false, field: 'email' });
    expect(mapStaff(staff({ storeId: 9 }), new Map(), stores)).toMatchObject({ ok: false, field: 'store_id' });
    expect(mapStaff(staff({ active: false }), new Map(), stores)).toMatchObject({ ok: true, data: { isActive: false } });
  });

  it('notes a manager of another store than their own', () => {
    const m = mapStaff(staff({ storeId: 2 }), new Map([[7, [1]]]), stores);
    expect(m.ok && m.notes.some((n) => n.kind === 'adjusted' && n.field === 'store_id')).toBe(true);
  });
});

describe('sales, products, customers', () => {
  const payment = { paymentId: 16049, customerId: 599, staffId: 2, rentalId: 1, amount: '2.99', paymentDate: '2005-08-23 11:25:00' };

  it('puts a sale in the store of the staff member who took the payment, readable by them', () => {
    const m = mapSale(payment, new Map([[2, 1]]), new Set([599]));
    expect(m).toMatchObject({ ok: true, rowId: 'sakila-pay-16049', data: { storeId: 'sakila-store-1', staffId: 'sakila-staff-2', customerId: 'sakila-cust-599', totalMinor: 299, currency: 'USD', occurredAt: '2005-08-23T11:25:00.000+00:00' }, permissions: ['read("user:sakila-staff-2")'] });
  });

  it('reports quirks instead of dropping them: NULL rental, zero amount, unknown customer; rejects an unknown staff member', () => {
    const m = mapSale({ ...payment, rentalId: null, amount: '0.00', customerId: 1000 }, new Map([[2, 2]]), new Set());
    expect(m.ok && m.notes.map((n) => [n.kind, n.field])).toEqual([['noted', 'rental_id'], ['noted', 'amount'], ['adjusted', 'customer_id']]);
    expect(m.ok && 'customerId' in m.data).toBe(false);
    expect(mapSale(payment, new Map(), new Set([599]))).toMatchObject({ ok: false, field: 'staff_id' });
  });

  it('prices a product at the rental rate in cents with its copies as stock', () => {
    expect(mapProduct({ storeId: 2, filmId: 11, title: 'ALAMO VIDEOTAPE', rentalRate: '0.99', copies: 3 }, new Set([2]))).toMatchObject({ ok: true, rowId: 'sakila-prod-2-11', data: { sku: 'FILM-11', priceMinor: 99, stock: 3, legacyFilmId: 11 } });
  });

  it('leaves out a customer email Appwrite would refuse, and says so', () => {
    const m = mapCustomer({ customerId: 5, storeId: 1, firstName: 'A', lastName: 'B', email: 'not an email', active: true }, new Set([1]));
    expect(m.ok && 'email' in m.data).toBe(false);
    expect(m.ok && m.notes[0]).toMatchObject({ kind: 'adjusted', field: 'email' });
  });
});

describe('loading into another schema', () => {
  it('renames the schema statements and qualifiers only, not data that mentions sakila', () => {
    const sql = "DROP SCHEMA IF EXISTS sakila;\nCREATE SCHEMA sakila;\nUSE sakila;\nSELECT * FROM sakila.film f;\nINSERT INTO staff VALUES (1,'Mike.Hillyer@sakilastaff.com','47 MySakila Drive');\n";
    const out = renameSchema(sql, 'sakila_t1');
    expect(out).toContain('DROP SCHEMA IF EXISTS `sakila_t1`;');
    expect(out).toContain('CREATE SCHEMA `sakila_t1`;');
    expect(out).toContain('USE `sakila_t1`;');
    expect(out).toContain('FROM `sakila_t1`.film f');
    expect(out).toContain("'Mike.Hillyer@sakilastaff.com','47 MySakila Drive'");
    expect(renameSchema(sql, 'sakila')).toBe(sql);
  });
});

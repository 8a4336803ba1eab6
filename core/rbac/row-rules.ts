/**
 * Rules on row writes that Appwrite permissions cannot express (issue 5 item 5), checked after
 * the fact by the `rbac-guard` function, which reverts a violating write:
 * - a sale must carry the writer's own `staffId` unless the writer supervises the store (holds
 *   `approvals:grant` there: Manager and above may record a sale for someone else), and its
 *   `storeId` must be a store the writer works in (unless global);
 * - a product's price may change only with `products:price` or `products:write`.
 * Writes by API keys (the gateway, imports) are trusted: their rules ran in the gateway.
 * @module
 */
import { authorize, type Actor } from './authorize.js';

export type RowRuleViolation = 'SALE_OTHER_STAFF' | 'SALE_OTHER_STORE' | 'PRICE_CHANGE';

export interface RowWrite {
  tableId: string;
  action: 'create' | 'update' | 'upsert' | 'delete';
  row: Record<string, unknown>;
}

/** @returns null when the write is allowed, else the violated rule. */
export function checkRowWrite(actor: Actor, write: RowWrite): RowRuleViolation | null {
  if (write.action === 'delete') return null;
  if (write.tableId === 'sales') {
    const storeId = typeof write.row.storeId === 'string' ? write.row.storeId : undefined;
    if (!authorize(actor, 'sales:create', { storeId }).allowed) return 'SALE_OTHER_STORE';
    if (write.row.staffId !== actor.userId && !authorize(actor, 'approvals:grant', { storeId }).allowed) return 'SALE_OTHER_STAFF';
    return null;
  }
  if (write.tableId === 'products' && write.action !== 'create' && 'priceMinor' in write.row) {
    const storeId = typeof write.row.storeId === 'string' ? write.row.storeId : undefined;
    const may = authorize(actor, 'products:price', { storeId }).allowed || authorize(actor, 'products:write', { storeId }).allowed;
    return may ? null : 'PRICE_CHANGE';
  }
  return null;
}

/**
 * The audit vocabulary: every action an audit entry may name, in `resource.action` form
 * (DESIGN.md "Audit event names"; Unkey's audit-log naming). The list covers the events PCI DSS v4
 * 10.2.1.x asks for: individual access (auth.*, staff.*), administrative actions (user.*, role.*,
 * store.*, terminal.*), access to the audit trail (audit.*), invalid access attempts
 * (*.login_failed, authz.denied) and changes to identification and authentication mechanisms
 * (staff.pin_changed, user.password_changed, terminal.credential_rotated).
 *
 * To extend the vocabulary, add a line here: the schema, the types and the query filters follow.
 * Stored entries are verified by re-hashing their stored JSON, never by re-validating them, so an
 * action retired from this list does not break verification of old entries.
 * @module
 */

/** Every known audit action, grouped by resource. */
export const AUDIT_ACTIONS = [
  'auth.login', 'auth.login_failed', 'auth.logout', 'auth.locked', 'auth.unlocked', 'auth.session_revoked',
  'staff.pin_login', 'staff.pin_login_failed', 'staff.pin_locked', 'staff.pin_unlocked', 'staff.pin_changed',
  'terminal.created', 'terminal.enrolled', 'terminal.renamed', 'terminal.disabled', 'terminal.credential_rotated',
  'terminal.locked', 'terminal.unlocked', 'terminal.switched',
  'approval.granted', 'approval.denied', 'approval.used',
  'user.created', 'user.updated', 'user.role_changed', 'user.status_changed', 'user.deactivated', 'user.deleted',
  'user.password_changed', 'user.external_change',
  'role.created', 'role.updated', 'role.deleted',
  'authz.denied',
  'audit.read', 'audit.exported', 'audit.verified', 'audit.retention',
  'sale.created', 'sale.refunded', 'sale.voided',
  'product.updated',
  'row.created', 'row.updated', 'row.deleted',
  'rbac.reverted',
  'store.created', 'store.updated',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `resource.action`: lower snake_case words joined by one dot. */
export const AUDIT_ACTION_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

const KNOWN = new Set<string>(AUDIT_ACTIONS);

/** True when `value` is a declared {@link AuditAction}. */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && KNOWN.has(value);
}

/** The outcome of an audited action (PCI DSS v4 10.2.2: "success or failure indication"). */
export const AUDIT_OUTCOMES = ['success', 'failure', 'denied'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who acted: a person, a POS terminal, an API key, or Tillgate itself (PCI DSS v4 10.2.2 "user identification"). */
export const AUDIT_ACTOR_TYPES = ['user', 'terminal', 'apikey', 'system'] as const;
export type AuditActorType = (typeof AUDIT_ACTOR_TYPES)[number];

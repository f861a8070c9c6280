import { randomBytes } from 'node:crypto';
import type { AuditLogDoc } from '../../typings/admin.js';
import { db } from '../shared/store/db.js';
import { type TransitionRequest } from '../shared/workflows/order-lifecycle.js';
import type { AdminContext } from './rbac.js';

/** The audit trail (`audit_logs`): who did what to which record, when. */

/** One entry of the trail, by the merchant of `ctx`. */
export function auditEntry(ctx: AdminContext, action: string, target: string, detail: Record<string, unknown>): AuditLogDoc {
  return {
    _id: randomBytes(12).toString('hex'),
    actor: ctx.merchant.openid,
    role: ctx.merchant.role,
    action,
    target,
    detail,
    at: ctx.now,
  };
}

/**
 * The audit entry of a merchant's action on an order, as a `transitionOrder` hook: it is written in the transaction
 * that changes the order, so there is never a change without its entry, nor an entry for a change that did not happen.
 */
export function audited(
  ctx: AdminContext,
  action: string,
  detail: Record<string, unknown> = {},
): NonNullable<TransitionRequest['alongside']> {
  return async (tx, { before, after }) => {
    const entry = auditEntry(ctx, action, after._id, { ...detail, from: before.status, to: after.status });
    await tx.collection('audit_logs').add({ data: { ...entry } });
  };
}

/** Records a read of personal data in full before it is shown: no full read goes unrecorded. */
export async function auditPersonalDataRead(ctx: AdminContext, target: string, fields: string[]): Promise<void> {
  await db.collection('audit_logs').add({ data: { ...auditEntry(ctx, 'personal_data.read', target, { fields }) } });
}

import { randomBytes } from 'node:crypto';
import type { AuditLogDoc } from '../../typings/admin.js';
import { type TransitionRequest } from '../shared/workflows/order-lifecycle.js';
import type { AdminContext } from './rbac.js';

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
    const entry: AuditLogDoc = {
      _id: randomBytes(12).toString('hex'),
      actor: ctx.merchant.openid,
      role: ctx.merchant.role,
      action,
      target: after._id,
      detail: { ...detail, from: before.status, to: after.status },
      at: ctx.now,
    };
    await tx.collection('audit_logs').add({ data: { ...entry } });
  };
}

import { type TransitionRequest } from '../shared/workflows/order-lifecycle.js';
import { audit, type AuditActor, writeAudit } from '../shared/store/audit-trail.js';
import type { AdminContext } from './rbac.js';

/** The back office's side of the audit trail (shared/store/audit-trail.ts): entries by the merchant of a route. */

export { audit, writeAudit };

export function actorOf(ctx: AdminContext): AuditActor {
  const { id, name, role, ip, userAgent } = ctx.merchant;
  return { id, name, role, ...(ip ? { ip } : {}), ...(userAgent ? { userAgent } : {}) };
}

/**
 * The audit entry of a merchant's action on an order, as a `transitionOrder` hook: written in the transaction that
 * changes the order.
 */
export function audited(
  ctx: AdminContext,
  action: string,
  detail: Record<string, unknown> = {},
): NonNullable<TransitionRequest['alongside']> {
  return async (tx, { before, after }) => {
    await writeAudit(tx, actorOf(ctx), ctx.now, {
      action,
      target: after._id,
      detail: { ...detail, from: before.status, to: after.status },
    });
  };
}

/** Records a read of personal data in full before it is shown: no full read goes unrecorded. */
export async function auditPersonalDataRead(ctx: AdminContext, target: string, fields: string[]): Promise<void> {
  await audit(actorOf(ctx), ctx.now, { action: 'personal_data.read', target, detail: { fields } });
}

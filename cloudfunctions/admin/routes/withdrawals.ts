import {
  AdminRoutes,
  AdminWithdrawalsListInput,
  SettleWithdrawalInput,
  type AdminWithdrawalPage,
  type AdminWithdrawalView,
} from '../../../typings/admin.js';
import { WITHDRAWALS, type WithdrawalDoc } from '../../shared/model/member.js';
import { toWithdrawalView } from '../../shared/rules/commission-rules.js';
import { notFound } from '../../shared/rules/errors.js';
import { settleWithdrawal } from '../../shared/store/commission-ledger.js';
import { _, db } from '../../shared/store/db.js';
import { afterCursor, pageOf } from '../../shared/store/pagination.js';
import { withRetries } from '../../shared/store/transactions.js';
import { actorOf, writeAudit } from '../audit.js';
import { adminRoute } from '../rbac.js';

const toAdminView = (doc: WithdrawalDoc): AdminWithdrawalView => ({
  ...toWithdrawalView(doc),
  openid: doc.openid,
  ...(doc.note ? { note: doc.note } : {}),
});

/** Inviters' withdrawal requests by status, oldest first: the queue the owner works through (index `{status, requestedAt}`). */
export const list = adminRoute('withdrawals.manage', AdminWithdrawalsListInput, async (input): Promise<AdminWithdrawalPage> => {
  const conditions: Array<Record<string, unknown>> = [{ status: input.status }];
  if (input.cursor) conditions.push(...afterCursor('requestedAt', 'asc', input.cursor, true));
  const docs = (
    await db
      .collection<WithdrawalDoc>(WITHDRAWALS)
      .where(_.and(conditions))
      .orderBy('requestedAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(input.pageSize + 1)
      .get()
  ).data;
  const page = pageOf(docs, input.pageSize, (d) => new Date(d.requestedAt).getTime());
  return { items: page.items.map(toAdminView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

/**
 * The owner's decision on a pending withdrawal (referral.ts `settleWithdrawal`): `paid` once the money was sent,
 * `rejected` to give it back to the inviter's available balance. The decision, its commission ledger entry and the
 * audit entry land in one transaction. The same decision again answers the request unchanged (no second audit entry);
 * the other one after a decision is INVALID_STATE.
 */
export const settle = adminRoute(
  'withdrawals.manage',
  SettleWithdrawalInput,
  async ({ withdrawalId, result, note }, ctx): Promise<AdminWithdrawalView> => {
    const settled = await withRetries(db, async (tx) => {
      const before = (await tx.collection<WithdrawalDoc>(WITHDRAWALS).doc(withdrawalId).get()).data;
      if (!before) throw notFound('提现申请');
      const after = await settleWithdrawal(withdrawalId, result, { at: ctx.now, ...(note ? { note } : {}), tx });
      if (before.status !== after.status) {
        await writeAudit(tx, actorOf(ctx), ctx.now, {
          action: AdminRoutes.withdrawalsSettle,
          target: withdrawalId,
          detail: {
            result,
            note: note ?? '',
            amount: before.amount,
            openid: before.openid,
            from: before.status,
            to: after.status,
          },
        });
      }
      return after;
    });
    return toAdminView(settled);
  },
  // Sensitive (二次验证): it records money sent out.
  { verify: true },
);

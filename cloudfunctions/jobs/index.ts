import { type Envelope, ErrorCode } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';
import { cloud } from '../shared/platform/cloud.js';
import { settleDueCommissions } from '../shared/store/commission-ledger.js';
import { autoConfirmDays, autoConfirmShippedOrders, cancelExpiredOrders } from './order-deadlines.js';
import { endPromotions } from './promotion-ends.js';
import { reconcileApprovedRefunds, reconcileLateRefunds, recoverLatePayments, recoverPayments } from './reconcile.js';
import { reencryptPersonalData } from './reencrypt.js';
import { pruneAuditTrail } from '../shared/store/audit-trail.js';
import { AUDIT_RETENTION_DAYS } from '../../typings/admin-access.js';
import { rollUpFigures } from '../shared/store/daily-rollups.js';
import { settleAbandonedHolds } from '../shared/store/stock-holds.js';

/** Leaves room within the 60 s timeout (config.json) to answer; unfinished work waits for the next firing. */
const BUDGET_MS = 45_000;

/**
 * The shop's timer (every minute, config.json): gives back stock held for orders an instance never wrote (it died
 * between taking the units and writing the order: store/stock-holds.ts), closes unpaid orders past their payment window (their WeChat Pay
 * trade first), reconciles with WeChat Pay the payments and refunds whose notification never came (reconcile.ts), and
 * completes shipped orders after AUTO_CONFIRM_DAYS, then makes commissions available once their refund window has
 * passed (referral.ts `settleDueCommissions`), then gives the SKUs back what ended flash sales did not sell
 * (promotion-ends.ts), moves personal data to the current key (reencrypt.ts), removes audit entries older than
 * AUDIT_RETENTION_DAYS (the chain's anchor moves with them), and last rolls up the figures of today, yesterday and past
 * days not final yet (store/daily-rollups.ts). The sweeps run in this order and
 * share one time budget.
 * Only the timer trigger may run it: a call that carries a caller (a shopper's `callFunction`, whatever its event
 * says) is refused and changes nothing.
 */
export async function main(event: Record<string, unknown>): Promise<Envelope<JobsSummary>> {
  const caller = String(cloud.getWXContext().OPENID ?? '');
  if (caller || event.userInfo !== undefined || event.Type !== 'Timer') {
    return { ok: false, code: ErrorCode.FORBIDDEN, message: '只能由定时触发器运行' };
  }
  const now = new Date();
  const deadline = now.getTime() + BUDGET_MS;
  const stockHoldsReturned = await settleAbandonedHolds(now, deadline);
  const expired = await cancelExpiredOrders(now, deadline);
  const recovered = await recoverPayments(now, deadline);
  const latePayments = await recoverLatePayments(now, deadline);
  const refunds = await reconcileApprovedRefunds(now, deadline);
  const lateRefunds = await reconcileLateRefunds(now, deadline);
  const confirmed = await autoConfirmShippedOrders(now, autoConfirmDays(process.env.AUTO_CONFIRM_DAYS), deadline);
  const commissionsSettled = await settleDueCommissions(now, deadline);
  const promotionsEnded = await endPromotions(now, deadline);
  const reencrypted = await reencryptPersonalData(deadline);
  const auditPruned = await pruneAuditTrail(new Date(now.getTime() - AUDIT_RETENTION_DAYS * 86_400_000), deadline);
  const figuresRolledUp = await rollUpFigures(now, deadline);
  return {
    ok: true,
    data: {
      stockHoldsReturned,
      cancelled: expired.cancelled,
      paidAtExpiry: expired.paid,
      paymentsRecovered: recovered.paid,
      mismatchedPayments: recovered.mismatched,
      latePayments,
      refunds,
      lateRefunds,
      confirmed,
      commissionsSettled,
      promotionsEnded,
      reencrypted,
      auditPruned,
      figuresRolledUp,
    },
  };
}

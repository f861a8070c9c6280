import {
  AdminAfterSaleListInput,
  AdminRoutes,
  ApproveRefundInput,
  ReceiveReturnInput,
  RejectRefundInput,
  type AdminAfterSalePage,
  type AdminOrderView,
  type RefundApproval,
} from '../../../typings/admin.js';
import { pageOfAfterSales, toAfterSaleView } from '../../shared/store/after-sale-records.js';
import {
  type CaseAlongside,
  type CaseDecision,
  approveAfterSale,
  receiveReturn,
  rejectAfterSale,
} from '../../shared/workflows/after-sales.js';
import { actorOf, writeAudit } from '../audit.js';
import { toAdminOrderView } from '../order-views.js';
import { type AdminContext, adminRoute } from '../rbac.js';

/**
 * The merchant's decisions on after-sale cases (售后). The order function's `refund` opens a case; here it is approved
 * (refund only: the money goes back now; return and refund: once the goods are received), rejected, or its return
 * received (units back in stock but those marked unsellable). Each decision and its audit entry land in one
 * transaction; WeChat Pay is asked after it, and a refusal is left to the jobs timer (same refund number).
 */

/** The case's audit entry, written in the transaction of the decision. */
function auditedCase(ctx: AdminContext, action: string, detail: Record<string, unknown> = {}): CaseAlongside {
  return async (tx, { before, order, afterSale }) => {
    await writeAudit(tx, actorOf(ctx), ctx.now, {
      action,
      target: order._id,
      detail: { ...detail, caseId: afterSale._id, case: afterSale.status, from: before.status, to: order.status },
    });
  };
}

function approval(decision: CaseDecision): RefundApproval {
  return {
    order: toAdminOrderView(decision.order),
    afterSale: toAfterSaleView(decision.afterSale),
    refundIssued: decision.refundIssued,
    ...(decision.refundError ? { refundError: decision.refundError } : {}),
  };
}

// Sensitive (二次验证): both send money back.
export const approve = adminRoute(
  'refunds.decide',
  ApproveRefundInput,
  async ({ orderId }, ctx) => approval(await approveAfterSale(orderId, ctx.now, auditedCase(ctx, AdminRoutes.refundsApprove))),
  { verify: true },
);

export const receive = adminRoute(
  'refunds.decide',
  ReceiveReturnInput,
  async ({ orderId, unsellable }, ctx) =>
    approval(await receiveReturn(orderId, unsellable, ctx.now, auditedCase(ctx, AdminRoutes.refundsReceive, { unsellable }))),
  { verify: true },
);

export const reject = adminRoute('refunds.decide', RejectRefundInput, async ({ orderId, reason }, ctx): Promise<AdminOrderView> =>
  toAdminOrderView(
    (await rejectAfterSale(orderId, reason, ctx.now, auditedCase(ctx, AdminRoutes.refundsReject, { reason }))).order,
  ),
);

/** Every shopper's cases, newest first, all or in one status (the merchant's 售后 queue). */
export const list = adminRoute('orders.read', AdminAfterSaleListInput, async (input): Promise<AdminAfterSalePage> => {
  const page = await pageOfAfterSales(input.status === 'all' ? [] : [{ status: input.status }], input);
  return {
    items: page.items.map((doc) => ({ ...toAfterSaleView(doc), openid: doc.openid })),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
});

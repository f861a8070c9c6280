import {
  AdminRoutes,
  ApproveRefundInput,
  RejectRefundInput,
  type AdminOrderView,
  type RefundApproval,
} from '../../../typings/admin.js';
import { ErrorCode } from '../../../typings/common.js';
import { type RefundError } from '../../shared/model/order.js';
import { approvedRefundNo, issueRefund, refundableFee } from '../../shared/platform/cloud-pay.js';
import { ShopError } from '../../shared/rules/errors.js';
import { db } from '../../shared/store/db.js';
import { transitionOrder } from '../../shared/workflows/order-lifecycle.js';
import { audited } from '../audit.js';
import { toAdminOrderView, type AdminOrderDoc } from '../order-views.js';
import { adminRoute } from '../rbac.js';

/**
 * Approves the shopper's refund request and asks WeChat Pay to return the whole payment. The approval is recorded
 * first (so two approvals cannot both issue a refund); the refund callback to the `pay` function then completes the
 * order (`refunded`, stock returned). If WeChat Pay refuses, the order stays `refund_approved` with `refundError`
 * and the reconcile timer issues the same refund (same refund number, so never twice) later.
 */
export const approve = adminRoute('refunds.decide', ApproveRefundInput, async ({ orderId }, ctx): Promise<RefundApproval> => {
  const audit = audited(ctx, AdminRoutes.refundsApprove);
  const order: AdminOrderDoc = await transitionOrder({
    orderId,
    event: 'approve_refund',
    actor: 'merchant',
    now: ctx.now,
    fields: () => ({ refundApprovedAt: ctx.now }),
    alongside: async (tx, change) => {
      if (!change.before.payment) throw new ShopError(ErrorCode.INVALID_STATE, '订单没有支付记录，不能退款');
      await audit(tx, change);
    },
  });
  const totalFee = order.payment!.totalFee;
  let refused: string | undefined;
  try {
    // What is left to refund: a group-buy member may already have had the difference to the closing tier back.
    refused = await issueRefund({ orderId, outRefundNo: approvedRefundNo(orderId), totalFee, refundFee: refundableFee(order) });
  } catch (err) {
    // No answer: the refund may or may not exist; reissuing the same refund number later settles it either way.
    console.error(`refund of order ${orderId} not issued`, err);
    refused = '微信支付暂时不可用';
  }
  if (!refused) return { order: toAdminOrderView(order), refundIssued: true };
  const refundError: RefundError = { outRefundNo: approvedRefundNo(orderId), status: refused, at: new Date() };
  // Only while still approved: a refund result that arrived meanwhile must not be overwritten.
  await db.collection('orders').where({ _id: orderId, status: 'refund_approved' }).update({ data: { refundError } });
  return { order: toAdminOrderView({ ...order, refundError }), refundIssued: false, refundError: refused };
});

/** Refuses the refund request: the order returns to the state it was requested from (paid or shipped). */
export const reject = adminRoute(
  'refunds.decide',
  RejectRefundInput,
  async ({ orderId, reason }, ctx): Promise<AdminOrderView> => {
    const order = await transitionOrder({
      orderId,
      event: 'reject_refund',
      actor: 'merchant',
      now: ctx.now,
      fields: () => ({ refundRejectedAt: ctx.now, refundRejectReason: reason }),
      alongside: audited(ctx, AdminRoutes.refundsReject, { reason }),
    });
    return toAdminOrderView(order);
  },
);

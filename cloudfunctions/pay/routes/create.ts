import { ErrorCode } from '../../../typings/common.js';
import { CreatePaymentInput, type CreatedPayment, type RequestPayment } from '../../../typings/pay.js';
import { type OrderDoc } from '../../shared/model/order.js';
import { MIN_PAY_WINDOW_MS, PAY_FUNCTION, cloudPay, envId, payRefusal, subMchId } from '../../shared/platform/cloud-pay.js';
import { route } from '../../shared/platform/route.js';
import { ShopError, notFound } from '../../shared/rules/errors.js';
import { clip, orderTitle } from '../../shared/rules/money.js';
import { chinaTimestamp } from '../../shared/rules/new-orders.js';
import { nextState } from '../../shared/rules/order-transitions.js';
import { _, db } from '../../shared/store/db.js';
import { settleFreeOrder } from '../../shared/workflows/payment-settlement.js';

/**
 * Starts paying one of the caller's unpaid orders: WeChat Pay's unified order for the order's payable amount, answered
 * with what `wx.requestPayment` takes. Asking again for the same unpaid order gives the same prepay. The order records
 * only when paying first started (`payStartedAt`); it becomes paid when the platform's notification arrives (see
 * notifications.ts) or when the jobs timer finds the payment the notification should have reported.
 */
export const create = route(CreatePaymentInput, async ({ orderId }, ctx): Promise<CreatedPayment> => {
  const order = (await db.collection<OrderDoc>('orders').where({ _id: orderId, openid: ctx.openid }).limit(1).get()).data[0];
  if (!order) throw notFound('订单');
  if (order.amounts.payable === 0) {
    // WeChat Pay refuses 0 fen: such an order is paid when it is placed; one left unpaid (the placing call stopped
    // in between) is paid now.
    if (order.status === 'pending_payment') await settleFreeOrder(orderId, ctx.now);
    throw new ShopError(ErrorCode.INVALID_STATE, '订单金额为 0，无需支付');
  }
  nextState(order.status, 'pay', 'system'); // refuses anything but an unpaid order, with the table's message
  if (new Date(order.expiresAt).getTime() <= ctx.now.getTime()) throw new ShopError(ErrorCode.INVALID_STATE, '订单已超时');
  // Written before WeChat Pay hears of the order: from now on a cancel or the timer closes the trade there first,
  // and the timer asks after it if no notification comes (jobs), also for a while after a cancel. So no trade may
  // exist without `payStartedAt`: when the write finds the order no longer unpaid (a cancel got in between), WeChat
  // Pay is not asked.
  let startedAt = order.payStartedAt ? new Date(order.payStartedAt) : ctx.now;
  if (!order.payStartedAt) {
    const started = await db
      .collection('orders')
      .where({ _id: orderId, status: 'pending_payment', payStartedAt: _.exists(false) })
      .update({ data: { payStartedAt: ctx.now } });
    if (started.stats.updated !== 1) {
      // A cancel or a concurrent pay.create got in between: what is true now decides.
      const fresh = (await db.collection<OrderDoc>('orders').doc(orderId).get()).data;
      if (fresh) nextState(fresh.status, 'pay', 'system');
      if (!fresh?.payStartedAt) throw new ShopError(ErrorCode.CONFLICT, '订单状态已变化，请稍后再试');
      startedAt = new Date(fresh.payStartedAt);
    }
  }

  const answer = await cloudPay().unifiedOrder({
    body: clip(orderTitle(order), 128),
    outTradeNo: order._id,
    spbillCreateIp: '127.0.0.1',
    subMchId: subMchId(),
    totalFee: order.amounts.payable,
    envId: envId(),
    functionName: PAY_FUNCTION,
    attach: order._id,
    subOpenid: ctx.openid,
    // The prepay ends with the order's payment window (never sooner than WeChat Pay allows; the jobs timer closes the
    // trade at the deadline anyway). Computed from when paying started, so asking again sends the very same value.
    timeExpire: chinaTimestamp(new Date(Math.max(new Date(order.expiresAt).getTime(), startedAt.getTime() + MIN_PAY_WINDOW_MS))),
  });
  const refused = payRefusal(answer);
  if (refused || !answer.payment) throw new ShopError(ErrorCode.CONFLICT, refused ?? '微信支付暂时不可用');
  const { timeStamp, nonceStr, package: pkg, signType, paySign } = answer.payment;
  return {
    orderId,
    payment: {
      timeStamp: timeStamp!,
      nonceStr: nonceStr!,
      package: pkg!,
      signType: signType as RequestPayment['signType'],
      paySign: paySign!,
    },
  };
});

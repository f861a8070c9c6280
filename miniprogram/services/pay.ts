import type { OrderView } from '../../typings/order';
import { call } from './call';
import { fetchOrder } from './orders';

/** What happened in WeChat's payment sheet. */
export type PayOutcome = 'paid' | 'cancelled' | 'failed';

/**
 * Pays an unpaid order: `pay.create` (a refusal such as 订单已超时 throws its ServiceError), then WeChat's payment
 * sheet with its answer. `paid` means WeChat says so; the order itself becomes paid when the platform's notification
 * arrives (`waitUntilPaid`).
 */
export async function payOrder(orderId: string): Promise<PayOutcome> {
  const { payment } = await call('pay', 'create', { orderId });
  try {
    await wx.requestPayment({ ...payment });
    return 'paid';
  } catch (err) {
    const { errMsg = '' } = (err ?? {}) as { errMsg?: string };
    return /cancel/.test(errMsg) ? 'cancelled' : 'failed';
  }
}

/** Reads the order until it is no longer awaiting payment, or the time is up: the notification may lag the sheet. */
export async function waitUntilPaid(orderId: string, { timeoutMs = 10_000, intervalMs = 500 } = {}): Promise<OrderView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const order = await fetchOrder(orderId);
    if (order.status !== 'pending_payment' || Date.now() >= deadline) return order;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

import { closePayOrder } from '../shared/platform/cloud-pay.js';
import { _ } from '../shared/store/db.js';
import { transitionOrder } from '../shared/workflows/order-lifecycle.js';
import { settlePayment } from '../shared/workflows/payment-settlement.js';
import { serially, sweep } from './sweep.js';

const DAY_MS = 86_400_000;
/** How long past its payment window an order waits for its WeChat Pay trade to close before it is cancelled anyway. */
const CLOSE_GRACE_MS = 10 * 60_000;

/** `AUTO_CONFIRM_DAYS` (default 7): how long after shipping an order completes without the shopper confirming. */
export function autoConfirmDays(value: string | undefined): number {
  const days = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(days) && days > 0 ? days : 7;
}

/**
 * Closes unpaid orders whose payment window (`expiresAt`) has passed and returns their stock. An order the shopper
 * started paying is first closed on WeChat Pay, so it cannot be paid after it is cancelled; when WeChat Pay answers
 * that it was paid (its notification is late or lost), the payment is recorded instead and the order stays sold.
 */
export async function cancelExpiredOrders(now: Date, deadline: number): Promise<{ cancelled: number; paid: number }> {
  const counts = await sweep(
    'timeout',
    { filter: { status: 'pending_payment', expiresAt: _.lte(now) }, orderField: 'expiresAt', fields: ['payStartedAt'] },
    async (order) => {
      if (order.payStartedAt) {
        const trade = await closePayOrder(order._id);
        if (trade.kind === 'paid') {
          const { outcome } = await settlePayment(trade.payment, now);
          if (outcome.kind !== 'applied') return undefined;
          // Paid for another amount: the settlement cancelled the order and refunds it in full.
          return outcome.order.status === 'cancelled' ? 'cancelled' : 'paid';
        }
        if (trade.kind !== 'closed') {
          // Not closed now (the shopper is paying, WeChat Pay did not answer): tried again next minute, and past the
          // grace period cancelled all the same, so no stock stays held for a trade that will not close; a payment
          // that still arrives then is refunded in full (late_payment).
          const giveUp = now.getTime() - new Date(order.expiresAt).getTime() > CLOSE_GRACE_MS;
          console.error(
            `[jobs] timeout ${order._id}: WeChat Pay trade not closed (${trade.kind === 'unpaid' ? trade.tradeState : trade.reason}); ` +
              (giveUp ? 'cancelling anyway' : 'next firing'),
          );
          if (!giveUp) return undefined;
        }
      }
      await serially(() =>
        transitionOrder({ orderId: order._id, event: 'timeout', actor: 'system', now, fields: () => ({ cancelledAt: now }) }),
      );
      return 'cancelled';
    },
    deadline,
  );
  return { cancelled: counts.cancelled ?? 0, paid: counts.paid ?? 0 };
}

/** Completes shipped orders the shopper has not confirmed within `days` of shipping. */
export async function autoConfirmShippedOrders(now: Date, days: number, deadline: number): Promise<number> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const counts = await sweep(
    'auto_confirm',
    { filter: { status: 'shipped', shippedAt: _.lte(cutoff) }, orderField: 'shippedAt' },
    async (order) => {
      await transitionOrder({
        orderId: order._id,
        event: 'auto_confirm',
        actor: 'system',
        now,
        fields: () => ({ completedAt: now }),
      });
      return 'confirmed';
    },
    deadline,
  );
  return counts.confirmed ?? 0;
}

import { ErrorCode } from '../../typings/common.js';
import { _, db } from '../shared/db.js';
import { ShopError } from '../shared/errors.js';
import { transitionOrder } from '../shared/order-lifecycle.js';
import type { OrderEvent } from '../shared/order-state.js';

const BATCH = 100;
/** At most this many batches per job and firing; what is left waits for the next minute. */
const MAX_BATCHES = 20;
const DAY_MS = 86_400_000;

/** `AUTO_CONFIRM_DAYS` (default 7): how long after shipping an order completes without the shopper confirming. */
export function autoConfirmDays(value: string | undefined): number {
  const days = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(days) && days > 0 ? days : 7;
}

interface Sweep {
  /** The orders due, by the index that serves the query. */
  filter: Record<string, unknown>;
  orderField: string;
  event: OrderEvent;
  fields: (now: Date) => Record<string, unknown>;
}

/**
 * Moves every order matching `filter` with `event` by the system, each in its own transaction, 100 at a time until
 * none is left or the bounds are reached (`deadline`, MAX_BATCHES). An order that changed meanwhile (paid, refunded)
 * is refused by the transition table and skipped; one that fails otherwise is logged and not retried this firing.
 */
async function sweep({ filter, orderField, event, fields }: Sweep, now: Date, deadline: number): Promise<number> {
  const skipped: string[] = [];
  let moved = 0;
  for (let batch = 0; batch < MAX_BATCHES && Date.now() < deadline; batch++) {
    const where = skipped.length ? { ...filter, _id: _.nin(skipped) } : filter;
    const due = (await db.collection<{ _id: string }>('orders').where(where).orderBy(orderField, 'asc').limit(BATCH).field({ _id: true }).get()).data;
    if (due.length === 0) break;
    for (const { _id } of due) {
      if (Date.now() >= deadline) return moved;
      try {
        await transitionOrder({ orderId: _id, event, actor: 'system', now, fields: () => fields(now) });
        moved++;
      } catch (err) {
        skipped.push(_id);
        if (!(err instanceof ShopError && err.code === ErrorCode.INVALID_STATE)) console.error(`[jobs] ${event} ${_id} failed`, err);
      }
    }
  }
  return moved;
}

/** Closes unpaid orders whose payment window (`expiresAt`) has passed and returns their stock. */
export function cancelExpiredOrders(now: Date, deadline: number): Promise<number> {
  return sweep({ filter: { status: 'pending_payment', expiresAt: _.lte(now) }, orderField: 'expiresAt', event: 'timeout', fields: (at) => ({ cancelledAt: at }) }, now, deadline);
}

/** Completes shipped orders the shopper has not confirmed within `days` of shipping. */
export function autoConfirmShippedOrders(now: Date, days: number, deadline: number): Promise<number> {
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  return sweep({ filter: { status: 'shipped', shippedAt: _.lte(cutoff) }, orderField: 'shippedAt', event: 'auto_confirm', fields: (at) => ({ completedAt: at }) }, now, deadline);
}

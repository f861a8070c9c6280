import { _, type Database, type Transaction } from './db.js';
import type { OrderEvent } from './order-state.js';
import { releasesHoldings } from './order-state.js';
import type { OrderDoc } from './orders.js';

/**
 * What an order holds or earns outside its own document (stock, and as the shop grows coupons, points, promotion
 * stock, group-buy seats, commission) moves here, inside the transaction that applies the order's lifecycle event.
 * Every place that changes an order's status (`transitionOrder`, the payment and refund settlement) calls
 * `applyOrderEffects`, so an effect is written once, with its event, or not at all.
 */
export interface OrderChange {
  event: OrderEvent;
  /** The order as read inside the transaction, and as it is written. */
  before: OrderDoc;
  after: OrderDoc;
  now: Date;
}

export type OrderEffect = (tx: Transaction, change: OrderChange) => Promise<void>;

/** Cancel, timeout and a completed refund give the SKUs' stock back. */
const returnStock: OrderEffect = async (tx, { event, before }) => {
  if (!releasesHoldings(event)) return;
  for (const line of before.lines) await tx.collection('skus').doc(line.skuId).update({ data: { stock: _.inc(line.quantity) } });
};

/** In order; each effect decides for itself which events concern it. */
const effects: OrderEffect[] = [returnStock];

export async function applyOrderEffects(tx: Transaction, change: OrderChange): Promise<void> {
  for (const effect of effects) await effect(tx, change);
}

/**
 * Sales figures (the catalog's "best-selling" sort) count paid units: `+1` after a payment is recorded, `-1` after a
 * refund completes. A display figure, so it is written after the order's transaction with atomic increments: inside
 * it, every payment for a popular product would conflict on that product's document.
 */
export async function recordSales(db: Database, order: Pick<OrderDoc, 'lines'>, sign: 1 | -1): Promise<void> {
  const bySpu = new Map<string, number>();
  for (const line of order.lines) bySpu.set(line.spuId, (bySpu.get(line.spuId) ?? 0) + line.quantity);
  try {
    await Promise.all([
      ...order.lines.map((line) => db.collection('skus').doc(line.skuId).update({ data: { sales: _.inc(sign * line.quantity) } })),
      ...[...bySpu].map(([spuId, quantity]) => db.collection('spus').doc(spuId).update({ data: { sales: _.inc(sign * quantity) } })),
    ]);
  } catch (err) {
    console.warn('sales figures not updated', err);
  }
}

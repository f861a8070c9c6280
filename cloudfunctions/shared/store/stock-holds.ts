import type { SkuDoc, StockHold } from '../model/catalog.js';
import { ORDERS } from '../model/order.js';
import { _, db } from './db.js';

/**
 * Stock held for an order being placed (cart checkouts and group-buy seats). One conditional write on the SKU takes
 * the units and records who took them (`holds`), so the stock and the evidence change together, and the sales of a
 * hot SKU queue at the database instead of conflicting in transactions (each would otherwise fail every transaction
 * that started before it commits). The order's own write is the decision: an order with the hold's id exists, the
 * units are the order's; none, and they go back to the SKU: at once when the attempt fails, or by the jobs timer
 * (`settleAbandonedHolds`) when the instance died in between. Once the order is written the evidence is dropped.
 */

const skus = () => db.collection<SkuDoc>('skus');

/**
 * How old a hold must be before the timer may decide it: far beyond the 20 s an `order` or `groupbuy` instance may run
 * (their config.json), so no instance can still write the order of a hold the timer looks at.
 */
export const HOLD_TIMEOUT_MS = 5 * 60_000;

/**
 * Takes `quantity` of the SKU for order `orderId` if that many are left (and, given `price`, the SKU still sells at
 * it); answers whether it did.
 */
export async function holdStock(skuId: string, orderId: string, quantity: number, now: Date, price?: number): Promise<boolean> {
  const hold: StockHold = { orderId, quantity, at: now };
  const taken = await skus()
    .where({ _id: skuId, stock: _.gte(quantity), ...(price === undefined ? {} : { price }) })
    .update({ data: { stock: _.inc(-quantity), holds: _.push([hold]) } });
  return taken.stats.updated === 1;
}

/**
 * Gives the held units back, once: only while the hold is still on the SKU (the timer may race the attempt). Answers
 * whether this call gave them back.
 */
export async function returnHold(skuId: string, orderId: string, quantity: number): Promise<boolean> {
  const returned = await skus()
    .where({ _id: skuId, 'holds.orderId': orderId })
    .update({ data: { stock: _.inc(quantity), holds: _.pull({ orderId }) } });
  return returned.stats.updated === 1;
}

/** The order was written: its units stay sold, and the evidence of its holds is dropped, from every SKU in one call. */
export function keepHolds(skuIds: string[], orderId: string): Promise<unknown> {
  return skus()
    .where({ _id: _.in([...new Set(skuIds)]), 'holds.orderId': orderId })
    .update({ data: { holds: _.pull({ orderId }) } });
}

/**
 * The jobs timer's sweep: every hold older than HOLD_TIMEOUT_MS is settled by whether its order exists (kept) or not
 * (the units given back), in batches of 100 SKUs until none is left or `deadline` passes. Answers how many holds gave
 * their units back.
 */
export async function settleAbandonedHolds(now: Date, deadline: number): Promise<number> {
  const cutoff = new Date(now.getTime() - HOLD_TIMEOUT_MS);
  let returned = 0;
  // A hold seen twice was not settled by the first pass (a write that failed): it waits for the next firing.
  const seen = new Set<string>();
  while (Date.now() < deadline) {
    const held = (
      await skus()
        .where({ 'holds.at': _.lt(cutoff) })
        .limit(100)
        .get()
    ).data;
    const stale = held
      .flatMap((sku) => (sku.holds ?? []).filter((h) => h.at < cutoff).map((h) => ({ skuId: sku._id, ...h })))
      .filter((h) => !seen.has(`${h.skuId}/${h.orderId}`));
    if (!stale.length) break;
    for (const h of stale) seen.add(`${h.skuId}/${h.orderId}`);
    const ordered = new Set(
      (
        await db
          .collection(ORDERS)
          .where({ _id: _.in([...new Set(stale.map((h) => h.orderId))]) })
          .field({ _id: true })
          .limit(1000)
          .get()
      ).data.map((o) => o._id),
    );
    for (const hold of stale) {
      if (ordered.has(hold.orderId)) await keepHolds([hold.skuId], hold.orderId);
      else if (await returnHold(hold.skuId, hold.orderId, hold.quantity)) {
        returned++;
        console.warn(`[stock] hold of ${hold.quantity} × ${hold.skuId} for ${hold.orderId} abandoned: given back`);
      }
    }
  }
  return returned;
}

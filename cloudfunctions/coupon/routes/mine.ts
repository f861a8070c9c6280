import { type CouponPage, ForCartInput, type ForCartResult, MineInput } from '../../../typings/coupon.js';
import { loadCatalog } from '../../shared/checkout.js';
import { USER_COUPONS, type UserCouponDoc, couponLinesFor, rankCoupons, toCouponView, usableCoupons } from '../../shared/coupons.js';
import { afterCursor, pageOf } from '../../shared/cursor.js';
import { _, db } from '../../shared/db.js';
import { route } from '../../shared/route.js';

/**
 * The caller's coupons by what they can do with them: `available` (usable or not yet started, expiring soonest
 * first), `used` (spent, or held by an order awaiting payment; newest first), `expired` (unused past `validUntil`,
 * whatever is stored, most recently expired first). Keyset pages over indexed fields.
 */
export const mine = route(MineInput, async (input, ctx): Promise<CouponPage> => {
  const conditions: Array<Record<string, unknown>> = [{ openid: ctx.openid }];
  let sort: { field: 'validUntil' | 'claimedAt'; direction: 'asc' | 'desc' };
  if (input.status === 'available') {
    conditions.push({ status: 'available', validUntil: _.gte(ctx.now) });
    sort = { field: 'validUntil', direction: 'asc' };
  } else if (input.status === 'used') {
    conditions.push({ status: _.in(['locked', 'used']) });
    sort = { field: 'claimedAt', direction: 'desc' };
  } else {
    conditions.push(_.or([{ status: 'expired' }, { status: 'available', validUntil: _.lt(ctx.now) }]));
    sort = { field: 'validUntil', direction: 'desc' };
  }
  if (input.cursor) conditions.push(...afterCursor(sort.field, sort.direction, input.cursor, true));
  const docs = (
    await db
      .collection<UserCouponDoc>(USER_COUPONS)
      .where(_.and(conditions))
      .orderBy(sort.field, sort.direction)
      .orderBy('_id', 'asc')
      .limit(input.pageSize + 1)
      .get()
  ).data;
  const page = pageOf(docs, input.pageSize, (c) => new Date(c[sort.field]).getTime());
  return { items: page.items.map((c) => toCouponView(c, ctx.now)), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

/**
 * The caller's usable coupons against these lines, best first. Prices come from the database, never the client;
 * lines that cannot be bought (unknown, off the shelf, short of stock) count for no coupon, as in `order.preview`.
 */
export const forCart = route(ForCartInput, async ({ lines }, ctx): Promise<ForCartResult> => {
  const [catalog, held] = await Promise.all([loadCatalog(lines.map((l) => l.skuId)), usableCoupons(ctx.openid, ctx.now)]);
  const buyable = lines.flatMap((line) => {
    const sku = catalog.skus.get(line.skuId);
    const spu = sku && catalog.spus.get(sku.spuId);
    if (!sku || !spu || spu.status !== 'on_shelf' || sku.stock < line.quantity) return [];
    return [{ spuId: spu._id, categoryId: spu.categoryId, subtotal: sku.price * line.quantity }];
  });
  const ranked = held.length ? rankCoupons(held, await couponLinesFor(buyable), ctx.now) : [];
  const coupons = ranked.map(({ coupon, quote }) => ({ ...toCouponView(coupon, ctx.now), ...quote }));
  const best = coupons[0];
  return { coupons, ...(best?.applicable ? { bestCouponId: best.couponId } : {}) };
});

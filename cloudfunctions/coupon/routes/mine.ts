import { type CouponPage, ForCartInput, type ForCartResult, MineInput } from '../../../typings/coupon.js';
import { USER_COUPONS, type UserCouponDoc } from '../../shared/model/coupon.js';
import { route } from '../../shared/platform/route.js';
import { toCouponView } from '../../shared/rules/coupon-quotes.js';
import { _, db } from '../../shared/store/db.js';
import { afterCursor, pageOf } from '../../shared/store/pagination.js';
import { preview as checkoutPreview } from '../../shared/workflows/checkout.js';

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
 * The caller's usable coupons against these lines, best first, exactly as the checkout's coupon picker quotes them
 * (`order.preview`): prices from the database, after promotions and the member discount; lines that cannot be bought
 * (unknown, off the shelf, short of stock) count for no coupon.
 */
export const forCart = route(ForCartInput, async ({ lines }, ctx): Promise<ForCartResult> => {
  const quoted = await checkoutPreview(lines, { openid: ctx.openid, now: ctx.now });
  return { coupons: quoted.coupons ?? [], ...(quoted.bestCouponId ? { bestCouponId: quoted.bestCouponId } : {}) };
});

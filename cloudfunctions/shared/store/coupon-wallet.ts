import { ErrorCode } from '../../../typings/common.js';
import { type CategoryDoc } from '../model/catalog.js';
import {
  COUPON_CLAIMS,
  COUPON_TEMPLATES,
  type CouponClaimDoc,
  type CouponTemplateDoc,
  type StoredCouponStatus,
  USER_COUPONS,
  type UserCouponDoc,
} from '../model/coupon.js';
import { CouponLine, CouponQuote, couponDiscount, effectiveStatus, time } from '../rules/coupon-quotes.js';
import { ShopError } from '../rules/errors.js';
import { _, db, type Transaction } from './db.js';

/**
 * A shopper's coupons in the database: the usable ones for a cart, and their life with an order: available → locked
 * (order created) → used (paid) → available again when the order is cancelled, times out or is refunded (or expired
 * if its validity ended meanwhile).
 */

/** The coupon collections, typed: templates, the per-shopper claim counters, the coupons shoppers hold. */
export const couponTemplates = () => db.collection<CouponTemplateDoc>(COUPON_TEMPLATES);
export const couponClaims = () => db.collection<CouponClaimDoc>(COUPON_CLAIMS);
export const userCoupons = () => db.collection<UserCouponDoc>(USER_COUPONS);

/** At most this many usable coupons are considered for one cart. */
export const MAX_CART_COUPONS = 100;

/** The caller's coupons that are available and not expired at `now`, expiring soonest first (one indexed query). */
export async function usableCoupons(openid: string, now: Date): Promise<UserCouponDoc[]> {
  return (
    await db
      .collection<UserCouponDoc>(USER_COUPONS)
      .where({ openid, status: 'available', validUntil: _.gte(now) })
      .orderBy('validUntil', 'asc')
      .limit(MAX_CART_COUPONS)
      .get()
  ).data;
}

/** Adds each line's parent category (one query for all lines), so category coupons match as `inScope` expects. */
export async function couponLinesFor(
  lines: Array<{ spuId: string; categoryId: string; subtotal: number }>,
): Promise<CouponLine[]> {
  const ids = [...new Set(lines.map((l) => l.categoryId))];
  const categories = ids.length
    ? (
        await db
          .collection<CategoryDoc>('categories')
          .where({ _id: _.in(ids) })
          .limit(1000)
          .get()
      ).data
    : [];
  const parents = new Map(categories.map((c) => [c._id, c.parentId]));
  return lines.map((l) => ({
    spuId: l.spuId,
    categoryId: l.categoryId,
    parentCategoryId: parents.get(l.categoryId) ?? null,
    subtotal: l.subtotal,
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction helpers: each reads and writes inside the caller's transaction (order create, payment, cancel,
// timeout, refund), so the coupon moves together with the order or not at all. Throwing aborts the transaction.

export interface LockRequest {
  openid: string;
  couponId: string;
  orderId: string;
  now: Date;
  /** The order's lines: the coupon must apply to them; the quote is the discount to price the order with. */
  lines: CouponLine[];
}

/**
 * Locks the caller's coupon for `orderId`: it must be theirs (another shopper's coupon answers NOT_FOUND, exactly
 * like one that does not exist), available, within its validity, and apply to the lines. Locking it again for the
 * same order (a retried create) gives the same answer.
 */
export async function lockCoupon(tx: Transaction, request: LockRequest): Promise<{ coupon: UserCouponDoc; quote: CouponQuote }> {
  const { openid, couponId, orderId, now } = request;
  const coupon = (await tx.collection<UserCouponDoc>(USER_COUPONS).doc(couponId).get()).data;
  if (!coupon || coupon.openid !== openid) throw new ShopError(ErrorCode.NOT_FOUND, '优惠券不存在');
  const again = coupon.status === 'locked' && coupon.orderId === orderId;
  if (!again) {
    if (coupon.status === 'locked') throw new ShopError(ErrorCode.INVALID_STATE, '优惠券已被其他订单占用');
    if (coupon.status === 'used') throw new ShopError(ErrorCode.INVALID_STATE, '优惠券已使用');
    if (effectiveStatus(coupon, now) === 'expired') throw new ShopError(ErrorCode.INVALID_STATE, '优惠券已过期');
  }
  const quote = couponDiscount({ ...coupon, status: 'available' }, request.lines, now);
  if (!quote.applicable) throw new ShopError(ErrorCode.INVALID_STATE, `优惠券不可用：${quote.reason}`);
  if (again) return { coupon, quote };
  const locked = { status: 'locked' as const, orderId, lockedAt: now };
  await tx.collection(USER_COUPONS).doc(couponId).update({ data: locked });
  return { coupon: { ...coupon, ...locked }, quote };
}

/** The coupons an order holds (at most one as the order function uses them). */
async function couponsOf(tx: Transaction, orderId: string): Promise<UserCouponDoc[]> {
  return (await tx.collection<UserCouponDoc>(USER_COUPONS).where({ orderId }).get()).data;
}

/** The order was paid: its locked coupon becomes used. A repeat (duplicate notification) changes nothing. */
export async function spendCoupon(tx: Transaction, orderId: string, now = new Date()): Promise<UserCouponDoc | null> {
  let spent: UserCouponDoc | null = null;
  for (const coupon of await couponsOf(tx, orderId)) {
    if (coupon.status !== 'locked') continue;
    await tx
      .collection(USER_COUPONS)
      .doc(coupon._id)
      .update({ data: { status: 'used', usedAt: now } });
    spent = { ...coupon, status: 'used', usedAt: now };
  }
  return spent;
}

/**
 * The order was cancelled, timed out or refunded: its coupon (locked or used) comes back, available if still valid
 * at `now`, else expired. It no longer points at the order, so a second call finds nothing and changes nothing.
 */
export async function releaseCoupon(tx: Transaction, orderId: string, now: Date): Promise<UserCouponDoc | null> {
  let released: UserCouponDoc | null = null;
  for (const coupon of await couponsOf(tx, orderId)) {
    if (coupon.status !== 'locked' && coupon.status !== 'used') continue;
    const status: StoredCouponStatus = now.getTime() <= time(coupon.validUntil) ? 'available' : 'expired';
    const back = { status, orderId: null, lockedAt: null, usedAt: null, releasedAt: now, lastOrderId: orderId };
    await tx.collection(USER_COUPONS).doc(coupon._id).update({ data: back });
    released = { ...coupon, ...back };
  }
  return released;
}

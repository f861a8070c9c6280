import { ErrorCode } from '../../typings/common.js';
import type { CouponRule, CouponScope, CouponStatus, CouponView } from '../../typings/coupon.js';
import type { CategoryDoc } from './catalog.js';
import { _, type Transaction, db } from './db.js';
import { ShopError } from './errors.js';
import { yuan } from './payments.js';

/**
 * Coupons as the shop stores and applies them. Templates (`coupon_templates`) say what a coupon takes off, on which
 * goods, for how long and how many may be claimed; a claimed coupon (`user_coupons`) snapshots the template's rule so
 * later edits never change a coupon someone holds. `coupon_claims` counts each shopper's claims per template (the
 * per-user limit's atomic guard). The pure functions price a coupon against lines; the transaction helpers move a
 * coupon through its life with an order: available → locked (order created) → used (paid) → available again when
 * the order is cancelled, times out or is refunded (or expired if its validity ended meanwhile).
 */
export const COUPON_TEMPLATES = 'coupon_templates';
export const USER_COUPONS = 'user_coupons';
export const COUPON_CLAIMS = 'coupon_claims';

export type CouponValidity = { type: 'fixed'; startAt: Date; endAt: Date } | { type: 'relative'; days: number };

export interface CouponTemplateDoc {
  _id: string;
  name: string;
  description: string;
  rule: CouponRule;
  scope: CouponScope;
  validity: CouponValidity;
  claimStartAt: Date;
  claimEndAt: Date;
  total: number;
  perUser: number;
  /** Coupons claimed so far; only ever changed by a conditional `inc`, never written from a read. */
  issued: number;
  status: 'active' | 'paused';
  createdAt: Date;
  updatedAt: Date;
}

/** Stored statuses; `expired` is stored only when a coupon comes back from an order after its validity ended. */
export type StoredCouponStatus = 'available' | 'locked' | 'used' | 'expired';

export interface UserCouponDoc {
  _id: string;
  openid: string;
  templateId: string;
  name: string;
  rule: CouponRule;
  scope: CouponScope;
  status: StoredCouponStatus;
  /** The order holding it (locked) or that used it; null otherwise. */
  orderId: string | null;
  claimedAt: Date;
  validFrom: Date;
  validUntil: Date;
  lockedAt?: Date | null;
  usedAt?: Date | null;
  releasedAt?: Date | null;
  /** The last order it came back from (cancel, timeout, refund). */
  lastOrderId?: string | null;
}

/** `_id` is `${templateId}:${openid}`: one counter per shopper and template. */
export interface CouponClaimDoc {
  _id: string;
  templateId: string;
  openid: string;
  claimed: number;
  createdAt: Date;
  updatedAt: Date;
}

export const claimKey = (templateId: string, openid: string) => `${templateId}:${openid}`;

/** A line as a coupon sees it: what it is (for the scope) and what it costs before the coupon, in fen. */
export interface CouponLine {
  spuId: string;
  categoryId: string;
  /** The parent of `categoryId`, so a coupon for a top-level category covers its children. */
  parentCategoryId?: string | null;
  subtotal: number;
}

export interface CouponQuote {
  applicable: boolean;
  /** In fen; 0 when not applicable, never more than `eligibleSubtotal`. */
  discount: number;
  eligibleSubtotal: number;
  /** Why it does not apply, in Chinese, shown as is. */
  reason?: string;
}

/** What pricing needs of a coupon; a `UserCouponDoc` is one. */
export interface CouponLike {
  _id?: string;
  rule: CouponRule;
  scope: CouponScope;
  status?: StoredCouponStatus;
  validFrom: Date | string;
  validUntil: Date | string;
}

const time = (d: Date | string) => new Date(d).getTime();

/** 9900 → "99", 950 → "9.5", 1 → "0.01": amounts as printed on a coupon. */
function shortYuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return String(whole);
  return `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/** 90 → "9折", 85 → "8.5折", 88 → "8.8折", 5 → "0.5折". */
function discountText(percent: number): string {
  return `${percent % 10 === 0 ? percent / 10 : (percent / 10).toFixed(1)}折`;
}

export function ruleSummary(rule: CouponRule): string {
  switch (rule.kind) {
    case 'threshold':
      return `满${shortYuan(rule.threshold)}减${shortYuan(rule.off)}`;
    case 'percent':
      return `${rule.threshold ? `满${shortYuan(rule.threshold)}享` : ''}${discountText(rule.percent)}${rule.cap ? `，最高减${shortYuan(rule.cap)}元` : ''}`;
    case 'no_threshold':
      return `无门槛减${shortYuan(rule.off)}元`;
  }
}

export function scopeText(scope: CouponScope): string {
  return scope.type === 'all' ? '全场通用' : scope.type === 'categories' ? '指定分类可用' : '指定商品可用';
}

export function inScope(scope: CouponScope, line: CouponLine): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'categories':
      return scope.ids.includes(line.categoryId) || (!!line.parentCategoryId && scope.ids.includes(line.parentCategoryId));
    case 'products':
      return scope.ids.includes(line.spuId);
  }
}

const notApplicable = (eligibleSubtotal: number, reason: string): CouponQuote => ({ applicable: false, discount: 0, eligibleSubtotal, reason });

/**
 * What `coupon` takes off `lines` at `now`: computed only over the lines in its scope, never more than their
 * subtotal. Percent coupons use integer math (the discount is floored to the fen, so the shopper pays the rounding).
 */
export function couponDiscount(coupon: CouponLike, lines: CouponLine[], now: Date): CouponQuote {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.subtotal) || line.subtotal < 0) throw new ShopError(ErrorCode.VALIDATION, '商品小计必须是不小于 0 的整数（分）');
  }
  const eligible = lines.filter((l) => inScope(coupon.scope, l)).reduce((n, l) => n + l.subtotal, 0);
  if (coupon.status && coupon.status !== 'available') {
    return notApplicable(eligible, coupon.status === 'used' ? '优惠券已使用' : coupon.status === 'locked' ? '优惠券已被订单占用' : '优惠券已过期');
  }
  if (now.getTime() < time(coupon.validFrom)) return notApplicable(eligible, '优惠券未到使用时间');
  if (now.getTime() > time(coupon.validUntil)) return notApplicable(eligible, '优惠券已过期');
  if (eligible === 0) return notApplicable(0, '没有适用此券的商品');

  const { rule } = coupon;
  const threshold = rule.kind === 'no_threshold' ? 0 : (rule.threshold ?? 0);
  if (eligible < threshold) return notApplicable(eligible, `适用商品满${yuan(threshold)}可用，还差${yuan(threshold - eligible)}`);
  let discount: number;
  if (rule.kind === 'percent') {
    const off = eligible * (100 - rule.percent);
    discount = (off - (off % 100)) / 100;
    if (rule.cap !== undefined) discount = Math.min(discount, rule.cap);
  } else {
    discount = rule.off;
  }
  discount = Math.min(discount, eligible);
  if (discount <= 0) return notApplicable(eligible, '金额太小，无法优惠');
  return { applicable: true, discount, eligibleSubtotal: eligible };
}

/**
 * Every coupon with its quote, best first: those that apply by discount (largest first), then by the one expiring
 * soonest (use it before it is lost), then by id for a stable order; those that do not apply follow.
 */
export function rankCoupons<C extends CouponLike>(coupons: C[], lines: CouponLine[], now: Date): Array<{ coupon: C; quote: CouponQuote }> {
  return coupons
    .map((coupon) => ({ coupon, quote: couponDiscount(coupon, lines, now) }))
    .sort(
      (a, b) =>
        Number(b.quote.applicable) - Number(a.quote.applicable) ||
        b.quote.discount - a.quote.discount ||
        time(a.coupon.validUntil) - time(b.coupon.validUntil) ||
        (a.coupon._id ?? '').localeCompare(b.coupon._id ?? ''),
    );
}

/** The coupon saving the most on these lines, or null when none applies. */
export function bestCoupon<C extends CouponLike>(coupons: C[], lines: CouponLine[], now: Date): { coupon: C; quote: CouponQuote } | null {
  const first = rankCoupons(coupons, lines, now)[0];
  return first?.quote.applicable ? first : null;
}

/** When a coupon claimed at `claimedAt` from `template` can be used. */
export function validityFor(validity: CouponValidity, claimedAt: Date): { validFrom: Date; validUntil: Date } {
  return validity.type === 'fixed'
    ? { validFrom: new Date(validity.startAt), validUntil: new Date(validity.endAt) }
    : { validFrom: claimedAt, validUntil: new Date(claimedAt.getTime() + validity.days * 86_400_000) };
}

/** The status a shopper sees: an unused coupon past `validUntil` is expired, whatever is stored. */
export function effectiveStatus(coupon: Pick<UserCouponDoc, 'status' | 'validUntil'>, now: Date): CouponStatus {
  return coupon.status === 'available' && now.getTime() > time(coupon.validUntil) ? 'expired' : coupon.status;
}

export function toCouponView(coupon: UserCouponDoc, now: Date): CouponView {
  return {
    couponId: coupon._id,
    templateId: coupon.templateId,
    name: coupon.name,
    rule: coupon.rule,
    scope: coupon.scope,
    summary: ruleSummary(coupon.rule),
    scopeText: scopeText(coupon.scope),
    status: effectiveStatus(coupon, now),
    claimedAt: new Date(coupon.claimedAt).toISOString(),
    validFrom: new Date(coupon.validFrom).toISOString(),
    validUntil: new Date(coupon.validUntil).toISOString(),
    ...(coupon.orderId ? { orderId: coupon.orderId } : {}),
    ...(coupon.usedAt ? { usedAt: new Date(coupon.usedAt).toISOString() } : {}),
  };
}

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
export async function couponLinesFor(lines: Array<{ spuId: string; categoryId: string; subtotal: number }>): Promise<CouponLine[]> {
  const ids = [...new Set(lines.map((l) => l.categoryId))];
  const categories = ids.length ? (await db.collection<CategoryDoc>('categories').where({ _id: _.in(ids) }).limit(1000).get()).data : [];
  const parents = new Map(categories.map((c) => [c._id, c.parentId]));
  return lines.map((l) => ({ spuId: l.spuId, categoryId: l.categoryId, parentCategoryId: parents.get(l.categoryId) ?? null, subtotal: l.subtotal }));
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
    await tx.collection(USER_COUPONS).doc(coupon._id).update({ data: { status: 'used', usedAt: now } });
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

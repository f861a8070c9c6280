import { ErrorCode } from '../../../typings/common.js';
import type { CouponRule, CouponScope, CouponStatus, CouponView } from '../../../typings/coupon.js';
import { type CouponTemplateDoc, CouponValidity, StoredCouponStatus, type UserCouponDoc } from '../model/coupon.js';
import { ShopError } from './errors.js';
import { yuan } from './money.js';

/**
 * What a coupon takes off a set of lines, how a shopper's coupons rank, and how a coupon is labelled and shown. Pure:
 * moving coupons with orders in the database is store/coupon-wallet.ts.
 */

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

export const time = (d: Date | string) => new Date(d).getTime();

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
    case 'percent': {
      const threshold = rule.threshold ? `满${shortYuan(rule.threshold)}享` : '';
      const cap = rule.cap ? `，最高减${shortYuan(rule.cap)}元` : '';
      return `${threshold}${discountText(rule.percent)}${cap}`;
    }
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

const notApplicable = (eligibleSubtotal: number, reason: string): CouponQuote => ({
  applicable: false,
  discount: 0,
  eligibleSubtotal,
  reason,
});

/**
 * What `coupon` takes off `lines` at `now`: computed only over the lines in its scope, never more than their
 * subtotal. Percent coupons use integer math (the discount is floored to the fen, so the shopper pays the rounding).
 */
export function couponDiscount(coupon: CouponLike, lines: CouponLine[], now: Date): CouponQuote {
  for (const line of lines) {
    if (!Number.isSafeInteger(line.subtotal) || line.subtotal < 0)
      throw new ShopError(ErrorCode.VALIDATION, '商品小计必须是不小于 0 的整数（分）');
  }
  const eligible = lines.filter((l) => inScope(coupon.scope, l)).reduce((n, l) => n + l.subtotal, 0);
  if (coupon.status && coupon.status !== 'available') {
    return notApplicable(
      eligible,
      coupon.status === 'used' ? '优惠券已使用' : coupon.status === 'locked' ? '优惠券已被订单占用' : '优惠券已过期',
    );
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
export function rankCoupons<C extends CouponLike>(
  coupons: C[],
  lines: CouponLine[],
  now: Date,
): Array<{ coupon: C; quote: CouponQuote }> {
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
export function bestCoupon<C extends CouponLike>(
  coupons: C[],
  lines: CouponLine[],
  now: Date,
): { coupon: C; quote: CouponQuote } | null {
  const first = rankCoupons(coupons, lines, now)[0];
  return first?.quote.applicable ? first : null;
}

/** When a coupon claimed at `claimedAt` under its template's `validity` can be used. */
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

/** Why a template cannot be claimed at `now` whatever its stock, or undefined. */
export function couponClosed(template: CouponTemplateDoc, now: Date): ShopError | undefined {
  if (template.status !== 'active') return new ShopError(ErrorCode.INVALID_STATE, '该优惠券已停止发放');
  if (now < new Date(template.claimStartAt)) return new ShopError(ErrorCode.INVALID_STATE, '领取尚未开始');
  if (now > new Date(template.claimEndAt)) return new ShopError(ErrorCode.INVALID_STATE, '领取已结束');
  if (template.validity.type === 'fixed' && now >= new Date(template.validity.endAt))
    return new ShopError(ErrorCode.INVALID_STATE, '该优惠券已过期');
  return undefined;
}

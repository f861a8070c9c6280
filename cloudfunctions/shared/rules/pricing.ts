import { ErrorCode } from '../../../typings/common.js';
import type { MemberSettings } from '../../../typings/member.js';
import { type CouponLike, type CouponLine, type CouponQuote, inScope, rankCoupons } from './coupon-quotes.js';
import { ShopError } from './errors.js';
import { maxRedeemablePoints, memberDiscount, pointsForValue, pointsValue } from './member-levels.js';

/**
 * An order's price in one place: `priceOrder` composes it from lines, discounts and freight, `priceCheckout` decides a
 * checkout's discounts. Pure: the callers read the catalog, the coupons and the member from the database.
 */

/** The order in which order-level discounts apply; when they exceed the goods, the later ones are capped first. */
export const DISCOUNT_KINDS = ['promotion', 'member', 'coupon', 'points'] as const;
export type DiscountKind = (typeof DISCOUNT_KINDS)[number];

export interface PricingLineInput {
  skuId: string;
  unitPrice: number;
  quantity: number;
}

export interface OrderDiscount {
  kind: DiscountKind;
  amount: number;
  /**
   * The lines it applies to (one flag per input line), e.g. a category or product coupon's eligible lines; absent:
   * every line. It is shared over those lines only and capped at what they still have to pay.
   */
  lines?: readonly boolean[];
}

export interface PricingInput {
  lines: PricingLineInput[];
  discounts?: OrderDiscount[];
  freight?: number;
}

export type DiscountParts = Record<DiscountKind, number>;

export interface PricedLine {
  skuId: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  discounts: DiscountParts;
  payable: number;
}

/** A discount that asked for more than was left to pay; only `applied` was given. */
export interface DiscountCap {
  kind: DiscountKind;
  requested: number;
  applied: number;
}

export interface PricedOrder {
  lines: PricedLine[];
  subtotal: number;
  /** Applied amount of each kind, equal to the sum of that kind over the lines. */
  discounts: DiscountParts;
  discountTotal: number;
  caps: DiscountCap[];
  freight: number;
  payable: number;
}

function fen(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ShopError(ErrorCode.VALIDATION, `${what}必须是不小于 0 的整数（分）`);
  return value;
}

/**
 * Splits `total` in proportion to `weights` with the largest-remainder method: every part is the floor of its exact
 * share, and the units left over go to the largest remainders, ties to the lower index. The parts sum to `total`
 * exactly, and no part exceeds its weight while `total` does not exceed the sum of the weights.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  fen(total, '分摊金额');
  weights.forEach((w) => fen(w, '分摊权重'));
  if (total === 0) return weights.map(() => 0);
  const sum = weights.reduce((a, b) => a + BigInt(b), 0n);
  if (sum === 0n) throw new ShopError(ErrorCode.VALIDATION, '权重全为 0，无法分摊');
  // BigInt keeps total × weight exact far beyond 2^53.
  const shares = weights.map((w, index) => {
    const exact = BigInt(total) * BigInt(w);
    return { index, part: exact / sum, remainder: exact % sum };
  });
  let left = BigInt(total) - shares.reduce((a, s) => a + s.part, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (left === 0n) break;
    share.part += 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s.part));
}

const noDiscounts = (): DiscountParts => ({ promotion: 0, member: 0, coupon: 0, points: 0 });

function maskOf(mask: readonly boolean[], length: number): boolean[] {
  // Checked as unknown input: the flags come from the caller and must match the lines one for one.
  const flags: unknown = mask;
  if (!Array.isArray(flags) || flags.length !== length || flags.some((m) => typeof m !== 'boolean')) {
    throw new ShopError(ErrorCode.VALIDATION, '优惠适用的商品行与订单不符');
  }
  return [...mask];
}

/**
 * Prices an order: line subtotals, order-level discounts shared across lines, freight and what is left to pay
 * (payable = goods − discounts + freight). Discounts are shared in integer fen (`allocate`), so the parts sum exactly
 * to the whole, per line and overall (what partial refunds need). Each discount is shared in proportion to what every
 * line still has to pay after the discounts before it; for the first discount that is the line subtotal, for later
 * ones it differs from the subtotals only by rounding, and it is what guarantees that no line is discounted below 0.
 */
export function priceOrder(input: PricingInput): PricedOrder {
  if (input.lines.length === 0) throw new ShopError(ErrorCode.VALIDATION, '订单没有商品');
  const freight = fen(input.freight ?? 0, '运费');
  const lines: PricedLine[] = input.lines.map((line) => {
    const unitPrice = fen(line.unitPrice, '单价');
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1)
      throw new ShopError(ErrorCode.VALIDATION, '购买数量必须是正整数');
    const subtotal = fen(unitPrice * line.quantity, '商品小计');
    return { skuId: line.skuId, quantity: line.quantity, unitPrice, subtotal, discounts: noDiscounts(), payable: subtotal };
  });
  const subtotal = fen(
    lines.reduce((a, l) => a + l.subtotal, 0),
    '商品总额',
  );

  // Discounts of one kind over the same lines add up and are shared as one (so the rounding is the same as for
  // their sum); kinds apply in DISCOUNT_KINDS order, groups of one kind in the order they first appear.
  const requested = noDiscounts();
  const groups = new Map<string, { kind: DiscountKind; mask: boolean[] | null; amount: number }>();
  for (const discount of input.discounts ?? []) {
    if (!DISCOUNT_KINDS.includes(discount.kind)) throw new ShopError(ErrorCode.VALIDATION, '未知的优惠类型');
    const amount = fen(discount.amount, '优惠金额');
    requested[discount.kind] = fen(requested[discount.kind] + amount, '优惠金额');
    const mask = discount.lines === undefined ? null : maskOf(discount.lines, lines.length);
    const key = `${discount.kind}:${mask ? mask.map(Number).join('') : '*'}`;
    const group = groups.get(key) ?? { kind: discount.kind, mask, amount: 0 };
    group.amount = fen(group.amount + amount, '优惠金额');
    groups.set(key, group);
  }

  const applied = noDiscounts();
  const caps: DiscountCap[] = [];
  let remaining = subtotal;
  for (const kind of DISCOUNT_KINDS) {
    for (const group of groups.values()) {
      if (group.kind !== kind) continue;
      const weights = lines.map((l, i) => (!group.mask || group.mask[i] ? l.payable : 0));
      const amount = Math.min(
        group.amount,
        weights.reduce((a, b) => a + b, 0),
      );
      const parts = allocate(amount, weights);
      lines.forEach((line, i) => {
        line.discounts[kind] += parts[i]!;
        line.payable -= parts[i]!;
      });
      applied[kind] += amount;
      remaining -= amount;
    }
    if (applied[kind] < requested[kind]) caps.push({ kind, requested: requested[kind], applied: applied[kind] });
  }

  const discountTotal = subtotal - remaining;
  return { lines, subtotal, discounts: applied, discountTotal, caps, freight, payable: remaining + freight };
}

// ---- a checkout: which discounts, then priceOrder ------------------------------------------------------------

export interface CheckoutLineInput extends PricingLineInput {
  spuId: string;
  /** For coupon scopes: the SPU's category and that category's parent (a top-level category covers its children). */
  categoryId: string;
  parentCategoryId?: string | null;
  /** The line's promotion discount in fen: (list price − promotion price) × quantity. 0 when absent. */
  promotion?: number;
}

export interface CheckoutPricingInput<C extends CouponLike = CouponLike> {
  lines: CheckoutLineInput[];
  freight?: number;
  now: Date;
  /** What the shopper's level pays of the goods, in basis points (10000 = no discount). */
  memberDiscountBp?: number;
  /** The shopper's coupons to choose from (their own; statuses and validity are checked here). */
  coupons?: C[];
  /** A coupon id of `coupons`: use it (refused when it does not apply); null: no coupon; absent: the best one. */
  couponId?: string | null;
  /** Points the shopper asks to use (refused beyond `balance`, capped by the redeem rules), and their balance. */
  points?: { requested: number; balance: number; settings: Pick<MemberSettings, 'redeem'> };
}

export interface CheckoutPricing<C extends CouponLike = CouponLike> extends PricedOrder {
  /** The lines as a coupon sees them: what each still costs after promotion and member discounts. */
  couponLines: CouponLine[];
  /** Every offered coupon with its quote on these lines, best first (the picker's list). */
  ranked: Array<{ coupon: C; quote: CouponQuote }>;
  /** The coupon applied, or null. */
  coupon: { coupon: C; quote: CouponQuote } | null;
  points: {
    /** Points spent (no more than needed for `value`). */
    used: number;
    /** What they take off, in fen (= discounts.points). */
    value: number;
    /** The most points usable on this order with this balance. */
    maxUsable: number;
  };
}

/**
 * Prices a checkout: decides its discounts in this order and prices the order with them.
 *
 * 1. promotion: flash-sale / group prices, given per line by the caller (list price − promotion price) × quantity;
 * 2. member: the level's discount on the goods after promotions (`memberDiscount`, the shop keeps the fraction);
 * 3. coupon: quoted (`couponDiscount`: scope, threshold, percent and cap) on what the lines in its scope still cost
 *    after promotion and member discounts, and shared over those lines only;
 * 4. points: at most `redeem.maxPercentBp` of what is left after the coupon and never beyond the balance; points that
 *    add nothing (rounding) are not spent;
 * 5. freight: added last, never discounted (free from ¥99 of goods at their promotion prices: `freightFor`,
 *    rules/checkout-pricing.ts).
 *
 * Each discount is capped at what its lines still have to pay, so the later kinds are capped first and no line ever
 * goes below 0. Refuses (INVALID_STATE / NOT_FOUND) a chosen coupon that is not offered or does not apply, and points
 * beyond the balance, so what it answers is exactly what an order can be created at.
 */
export function priceCheckout<C extends CouponLike>(input: CheckoutPricingInput<C>): CheckoutPricing<C> {
  const { lines, now } = input;
  const base = lines.map((l) => ({ skuId: l.skuId, unitPrice: l.unitPrice, quantity: l.quantity }));
  const promotions: OrderDiscount[] = lines.flatMap((l, i) =>
    l.promotion ? [{ kind: 'promotion' as const, amount: l.promotion, lines: lines.map((_, j) => j === i) }] : [],
  );
  const afterPromotion = priceOrder({ lines: base, discounts: promotions });

  const bp = input.memberDiscountBp ?? 10_000;
  if (!Number.isSafeInteger(bp) || bp < 1 || bp > 10_000)
    throw new ShopError(ErrorCode.VALIDATION, '会员折扣必须在 1–10000 基点之间');
  const member = memberDiscount(afterPromotion.subtotal - afterPromotion.discountTotal, bp);
  const memberDiscounts: OrderDiscount[] = [...promotions, ...(member ? [{ kind: 'member' as const, amount: member }] : [])];
  const afterMember = priceOrder({ lines: base, discounts: memberDiscounts });
  const couponLines: CouponLine[] = lines.map((l, i) => ({
    spuId: l.spuId,
    categoryId: l.categoryId,
    parentCategoryId: l.parentCategoryId ?? null,
    subtotal: afterMember.lines[i]!.payable,
  }));

  const ranked = rankCoupons(input.coupons ?? [], couponLines, now);
  let coupon: CheckoutPricing<C>['coupon'] = null;
  if (typeof input.couponId === 'string') {
    coupon = ranked.find((r) => r.coupon._id === input.couponId) ?? null;
    if (!coupon) throw new ShopError(ErrorCode.NOT_FOUND, '优惠券不存在');
    if (!coupon.quote.applicable) throw new ShopError(ErrorCode.INVALID_STATE, `优惠券不可用：${coupon.quote.reason ?? ''}`);
  } else if (input.couponId === undefined) {
    coupon = ranked[0]?.quote.applicable ? ranked[0] : null;
  }
  const couponDiscounts: OrderDiscount[] = coupon
    ? [
        ...memberDiscounts,
        { kind: 'coupon', amount: coupon.quote.discount, lines: couponLines.map((l) => inScope(coupon.coupon.scope, l)) },
      ]
    : memberDiscounts;
  const afterCoupon = priceOrder({ lines: base, discounts: couponDiscounts });

  const points = { used: 0, value: 0, maxUsable: 0 };
  if (input.points) {
    const { requested, balance, settings } = input.points;
    if (!Number.isSafeInteger(requested) || requested < 0)
      throw new ShopError(ErrorCode.VALIDATION, '使用积分必须是不小于 0 的整数');
    if (requested > Math.max(balance, 0))
      throw new ShopError(ErrorCode.INVALID_STATE, `积分不足：可用 ${Math.max(balance, 0)} 积分`);
    points.maxUsable = maxRedeemablePoints(afterCoupon.subtotal - afterCoupon.discountTotal, balance, settings);
    points.value = pointsValue(Math.min(requested, points.maxUsable), settings);
    points.used = pointsForValue(points.value, settings);
  }
  const priced = priceOrder({
    lines: base,
    discounts: points.value ? [...couponDiscounts, { kind: 'points', amount: points.value }] : couponDiscounts,
    freight: input.freight ?? 0,
  });
  return { ...priced, couponLines, ranked, coupon, points };
}

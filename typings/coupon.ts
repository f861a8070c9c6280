import { z } from 'zod';
import { Cursor, Id, PageSize, Quantity, type Page } from './common.js';
import { MAX_ORDER_LINES } from './order.js';

/**
 * The `coupon` function: coupons a shopper can claim, the coupons they hold, and which of them fit a cart. With an
 * order, a coupon is locked when the order is created, spent when it is paid, and returned on cancel, timeout or refund
 * (expired instead if its validity is over by then).
 */
export const CouponRoutes = {
  claimable: 'claimable',
  claim: 'claim',
  mine: 'mine',
  forCart: 'forCart',
} as const;

const PositiveFen = z.number().int().positive().max(100_000_000);

/**
 * What a coupon takes off, in integer fen:
 * - `threshold` (满减): `off` when the eligible goods reach `threshold`;
 * - `percent` (折扣): pay `percent`% of the eligible goods (90 = 9折), at most `cap` off, from `threshold` if set;
 * - `no_threshold` (无门槛): `off`, whatever the amount (never more than the eligible goods).
 */
export const CouponRule = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('threshold'), threshold: PositiveFen, off: PositiveFen }).strict(),
    z
      .object({
        kind: z.literal('percent'),
        percent: z.number().int().min(1).max(99),
        cap: PositiveFen.optional(),
        threshold: PositiveFen.optional(),
      })
      .strict(),
    z.object({ kind: z.literal('no_threshold'), off: PositiveFen }).strict(),
  ])
  .refine((rule) => rule.kind !== 'threshold' || rule.off <= rule.threshold, '满减金额不能超过门槛');
export type CouponRule = z.infer<typeof CouponRule>;

/** Which goods count: all, those in the listed categories (a top-level category covers its children), or products. */
export const CouponScope = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }).strict(),
  z.object({ type: z.literal('categories'), ids: z.array(Id).min(1).max(50) }).strict(),
  z.object({ type: z.literal('products'), ids: z.array(Id).min(1).max(200) }).strict(),
]);
export type CouponScope = z.infer<typeof CouponScope>;

const IsoDate = z.iso.datetime({ offset: true });

/** When a claimed coupon can be used: fixed dates, or `days` × 24 h from the moment it is claimed. */
export const CouponValidityInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('fixed'), startAt: IsoDate, endAt: IsoDate }).strict(),
  z.object({ type: z.literal('relative'), days: z.number().int().min(1).max(365) }).strict(),
]);
export type CouponValidityInput = z.infer<typeof CouponValidityInput>;

/**
 * `claimable`: active templates in their claim window with some left, ending soonest first, each with its `summary`
 * (e.g. 满99减10), `scopeText`, validity, `remaining`, `perUser`, and the caller's `claimed`, `held` and `canClaim`.
 */
export const ClaimableInput = z.object({}).strict();
export type ClaimableInput = z.infer<typeof ClaimableInput>;

/**
 * `claim`: one coupon of the template for the caller. Never more than the template's `total`, nor more than `perUser`
 * for one shopper, however many claims race: both are guarded by atomic conditional increments (on the template and
 * on a per-shopper counter in `coupon_claims`), not transactions, and a claim that fails half-way gives back what it
 * took. Refusals: OUT_OF_STOCK 已抢光 (none left); INVALID_STATE for the per-user limit (已达领取上限), a paused
 * template, outside the claim window, or a fixed validity already over; NOT_FOUND for an unknown template.
 */
export const ClaimInput = z.object({ templateId: Id }).strict();
export type ClaimInput = z.infer<typeof ClaimInput>;

/**
 * `mine` filter. `available`: usable now or not yet started, expiring soonest first; `used`: spent on a paid order, or
 * held by an order awaiting payment (status `locked`), newest first; `expired`: unused past `validUntil`, most recently
 * expired first.
 */
export const MineStatus = z.enum(['available', 'used', 'expired']);
export type MineStatus = z.infer<typeof MineStatus>;
/** `mine`: the caller's coupons in one of those groups, a page at a time (keyset cursor). */
export const MineInput = z
  .object({ status: MineStatus.default('available'), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type MineInput = z.input<typeof MineInput>;

/**
 * `forCart`: the caller's usable coupons priced against these lines, best first, exactly as `order.preview`'s coupon
 * picker quotes them: prices read from the database, after promotions and the member discount. Lines that cannot be
 * bought (unknown, off the shelf, short of stock) count for no coupon.
 */
export const ForCartInput = z
  .object({
    lines: z
      .array(z.object({ skuId: Id, quantity: Quantity }).strict())
      .min(1)
      .max(MAX_ORDER_LINES)
      .refine((lines) => new Set(lines.map((l) => l.skuId)).size === lines.length, '同一商品规格只能出现一次'),
  })
  .strict();
export type ForCartInput = z.infer<typeof ForCartInput>;

export type CouponValidityView = { type: 'fixed'; startAt: string; endAt: string } | { type: 'relative'; days: number };

export interface ClaimableCoupon {
  templateId: string;
  name: string;
  description: string;
  rule: CouponRule;
  scope: CouponScope;
  /** e.g. 满99减10, 9折，最高减20元, 无门槛减5元. */
  summary: string;
  /** 全场通用 / 指定分类可用 / 指定商品可用. */
  scopeText: string;
  validity: CouponValidityView;
  claimEndAt: string;
  /** Left to claim from the template's total. */
  remaining: number;
  perUser: number;
  /** How many the caller has claimed of this template (what `perUser` limits). */
  claimed: number;
  /** How many of those the caller still holds usable (available and not expired). */
  held: number;
  canClaim: boolean;
}

/** `locked`: held by an order awaiting payment; `expired` is computed from `validUntil` for unused coupons. */
export type CouponStatus = 'available' | 'locked' | 'used' | 'expired';

export interface CouponView {
  couponId: string;
  templateId: string;
  name: string;
  rule: CouponRule;
  scope: CouponScope;
  summary: string;
  scopeText: string;
  status: CouponStatus;
  claimedAt: string;
  validFrom: string;
  validUntil: string;
  /** The order holding or having used it. */
  orderId?: string;
  usedAt?: string;
}

export type CouponPage = Page<CouponView>;

export interface CartCoupon extends CouponView {
  applicable: boolean;
  /** What it takes off these lines, in fen (0 when not applicable). */
  discount: number;
  /** The part of the lines' subtotal in the coupon's scope. */
  eligibleSubtotal: number;
  /** Why it does not apply (Chinese, shown as is). */
  reason?: string;
}

export interface ForCartResult {
  /** The caller's usable coupons, best first: applicable ones by discount, then those that do not apply. */
  coupons: CartCoupon[];
  /** The first of `coupons` when it applies. */
  bestCouponId?: string;
}

import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';
import { CouponRule, CouponScope, CouponValidityInput } from './coupon.js';
import type { FlashSaleState } from './flashsale.js';
import { GroupTier } from './groupbuy.js';
import { MemberSettingsSections, type MemberSettings } from './member.js';

/**
 * The back office's promotions and member settings (`admin` function, docs/back-office/promotions.md): coupon
 * templates, flash sales, group-buy activities and the member rules (levels, points, check-in, referral). Lists need
 * `promotions.read`; changes need `promotions.write` (member settings: `settings.write`). Every change is one
 * transaction with its audit entry (before and after); edited documents carry `version`, and a change names the version
 * it was made on (CONFLICT when someone changed it meanwhile). Money is integer fen; times are ISO 8601.
 */
export const PromotionRoutes = {
  couponsList: 'coupons.list',
  couponsCreate: 'coupons.create',
  couponsPause: 'coupons.pause',
  couponsResume: 'coupons.resume',
  couponsEnd: 'coupons.end',
  flashSalesList: 'flashsales.list',
  flashSalesCreate: 'flashsales.create',
  flashSalesEndEarly: 'flashsales.endEarly',
  groupBuysList: 'groupbuys.list',
  groupBuysCreate: 'groupbuys.create',
  groupBuysEndEarly: 'groupbuys.endEarly',
  memberSettingsGet: 'settings.member.get',
  memberSettingsUpdate: 'settings.member.update',
} as const;

const IsoDate = z.iso.datetime({ offset: true });
const Version = z.number().int().min(0);
const Fen = z.number().int().positive().max(100_000_000);

// ---- coupon templates -------------------------------------------------------------------------------------------

export const CouponTemplateStatus = z.enum(['active', 'paused', 'ended']);
export type CouponTemplateStatus = z.infer<typeof CouponTemplateStatus>;

/**
 * `coupons.list` (promotions.read): templates newest first, optionally of one status, a page at a time, each with
 * `issued` (claimed so far, the template's counter) and `used` (coupons spent on paid orders) and `locked` (held by
 * orders awaiting payment), counted in `user_coupons`.
 */
export const CouponsListInput = z
  .object({ status: CouponTemplateStatus.optional(), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type CouponsListInput = z.input<typeof CouponsListInput>;

/**
 * `coupons.create` (promotions.write): a coupon template exactly as the `coupon` function reads it
 * (`CouponTemplateDoc`): the rule in fen (满减 `threshold`/`off`, 折扣 `percent` with optional `cap`/`threshold`,
 * 无门槛 `off`), the scope (all, categories or products, which must exist), the claim window, the validity (fixed
 * dates or days after claiming), `total` and `perUser`. Starts `active` (claimable in its window) unless `paused`.
 * VALIDATION (nothing written) for a claim window that ends before it starts or is already over, a fixed validity
 * that ends before it starts or before the claim window closes, `perUser` above `total`, or an unknown category or
 * product.
 */
export const CouponCreateInput = z
  .object({
    name: z.string().trim().min(1, '请填写优惠券名称').max(30, '优惠券名称最多 30 个字'),
    description: z.string().max(200).default(''),
    rule: CouponRule,
    scope: CouponScope,
    validity: CouponValidityInput,
    claimStartAt: IsoDate,
    claimEndAt: IsoDate,
    total: z.number().int().min(1).max(10_000_000),
    perUser: z.number().int().min(1).max(100),
    status: z.enum(['active', 'paused']).default('active'),
  })
  .strict();
export type CouponCreateInput = z.input<typeof CouponCreateInput>;

/**
 * `coupons.pause` (active → paused: claims stop at once, coupons already claimed stay usable), `coupons.resume`
 * (paused → active), `coupons.end` (active or paused → ended, for good: no more claims). Each names the `version` it
 * was made on (CONFLICT when stale); another starting status answers INVALID_STATE. Audited with before and after.
 */
export const CouponStatusInput = z.object({ templateId: Id, version: Version }).strict();
export type CouponStatusInput = z.infer<typeof CouponStatusInput>;

export interface AdminCouponView {
  templateId: string;
  name: string;
  description: string;
  rule: CouponRule;
  scope: CouponScope;
  /** e.g. 满99减10. */
  summary: string;
  validity: { type: 'fixed'; startAt: string; endAt: string } | { type: 'relative'; days: number };
  claimStartAt: string;
  claimEndAt: string;
  total: number;
  perUser: number;
  /** Claimed so far. */
  issued: number;
  /** Spent on paid orders. */
  used: number;
  /** Held by orders awaiting payment. */
  locked: number;
  status: CouponTemplateStatus;
  version: number;
  createdAt: string;
  updatedAt: string;
  endedAt?: string;
}
export type AdminCouponPage = Page<AdminCouponView>;

// ---- flash sales ------------------------------------------------------------------------------------------------

export const FlashSaleAdminStatus = z.enum(['active', 'disabled', 'ended', 'cancelled']);

/** `flashsales.list` (promotions.read): sales latest start first, optionally of one status, with their results. */
export const FlashSalesListInput = z
  .object({ status: FlashSaleAdminStatus.optional(), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type FlashSalesListInput = z.input<typeof FlashSalesListInput>;

/**
 * `flashsales.create` (promotions.write): a flash sale of `units` units of `skuId` at `price` fen each (below the
 * SKU's price), `perUser` at most per shopper, sold from `startAt` to `endAt`. In one transaction with its audit entry
 * the units are taken out of the SKU's stock and held by the sale (the stock rule): OUT_OF_STOCK with the SKU's stock
 * in the message (库存不足…) and nothing changed when it has fewer. VALIDATION for bad terms (end before start or
 * past, `perUser` above `units`, price not below the SKU's), NOT_FOUND for an unknown SKU.
 */
export const FlashSaleCreateInput = z
  .object({
    skuId: Id,
    title: z.string().trim().max(30, '活动标题最多 30 个字').default(''),
    price: Fen,
    units: z.number().int().min(1).max(100_000),
    perUser: z.number().int().min(1).max(99),
    startAt: IsoDate,
    endAt: IsoDate,
  })
  .strict();
export type FlashSaleCreateInput = z.input<typeof FlashSaleCreateInput>;

/**
 * `flashsales.endEarly` (promotions.write): ends a sale that still holds its units now (status `ended`,
 * `endedEarlyAt`): it stops selling at once and its unsold units go back to the SKU's stock, once, in the same
 * transaction as the jobs timer's settlement does it; its orders stay as they are. INVALID_STATE for a sale already
 * ended or cancelled, CONFLICT on a stale `version`. Answers the sale with its results and `returned`.
 */
export const FlashSaleEndInput = z.object({ flashSaleId: Id, version: Version }).strict();
export type FlashSaleEndInput = z.infer<typeof FlashSaleEndInput>;

export interface AdminFlashSaleView {
  flashSaleId: string;
  title: string;
  skuId: string;
  price: number;
  /** Units taken from the SKU's stock when the sale was created. */
  stock: number;
  /** Units the sale still holds unsold (0 once settled). */
  remaining: number;
  /** Units taken by the sale's orders while it held units (stock − remaining − returned). */
  sold: number;
  /** Unsold units given back to the SKU when the sale was settled. */
  returned: number;
  perUser: number;
  startAt: string;
  endAt: string;
  status: 'active' | 'disabled' | 'ended' | 'cancelled';
  /** Where it stands for shoppers now. */
  state: FlashSaleState;
  version: number;
  createdAt: string;
  settledAt?: string;
  endedEarlyAt?: string;
}
export type AdminFlashSalePage = Page<AdminFlashSaleView>;

// ---- group-buy activities ---------------------------------------------------------------------------------------

/** `groupbuys.list` (promotions.read): activities latest start first, optionally of one status. */
export const GroupBuysListInput = z
  .object({ status: z.enum(['active', 'disabled']).optional(), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type GroupBuysListInput = z.input<typeof GroupBuysListInput>;

/**
 * `groupbuys.create` (promotions.write): a group-buy activity on SKUs of one product: ladder `tiers` (阶梯价, from
 * `minMembers` members each pays `price` fen; `minMembers` rising, prices falling, every price below the SKUs'
 * prices, the last tier reachable within `targetSize`), `targetSize` members to succeed, `timeLimitMinutes` per group,
 * `maxQuantity` units per member, from `startAt` to `endAt`. Group-buys hold no units: each seat's order takes its
 * stock from the SKU when placed. VALIDATION (nothing written) for bad terms or a SKU of another product, NOT_FOUND
 * for an unknown product or SKU.
 */
export const GroupBuyCreateInput = z
  .object({
    spuId: Id,
    skuIds: z.array(Id).min(1).max(50),
    title: z.string().trim().max(30, '活动标题最多 30 个字').default(''),
    tiers: z.array(GroupTier).min(1).max(10),
    targetSize: z.number().int().min(2).max(100),
    timeLimitMinutes: z
      .number()
      .int()
      .min(5)
      .max(7 * 24 * 60),
    maxQuantity: z.number().int().min(1).max(99),
    startAt: IsoDate,
    endAt: IsoDate,
  })
  .strict();
export type GroupBuyCreateInput = z.input<typeof GroupBuyCreateInput>;

/**
 * `groupbuys.endEarly` (promotions.write): stops an active activity now (status `disabled`, `endedEarlyAt`): no new
 * group opens; groups already open keep their terms until they succeed or their time runs out (the groupbuy timer).
 * INVALID_STATE when already stopped, CONFLICT on a stale `version`.
 */
export const GroupBuyEndInput = z.object({ activityId: Id, version: Version }).strict();
export type GroupBuyEndInput = z.infer<typeof GroupBuyEndInput>;

export interface AdminGroupBuyView {
  activityId: string;
  spuId: string;
  skuIds: string[];
  title: string;
  tiers: GroupTier[];
  targetSize: number;
  timeLimitMinutes: number;
  maxQuantity: number;
  startAt: string;
  endAt: string;
  status: 'active' | 'disabled';
  /** For shoppers now: upcoming, running, or ended (after `endAt`, or stopped). */
  state: 'upcoming' | 'running' | 'ended';
  version: number;
  createdAt: string;
  endedEarlyAt?: string;
}
export type AdminGroupBuyPage = Page<AdminGroupBuyView>;

// ---- member settings --------------------------------------------------------------------------------------------

/** `settings.member.get` (promotions.read): the member rules in force (defaults for what is not set) and `version`. */
export const MemberSettingsGetInput = z.object({}).strict();

/**
 * `settings.member.update` (settings.write): replaces the sections given (each whole, as `MemberSettingsSections`
 * validates it); sections left out stay. Beyond each section's own checks: higher levels never give a smaller discount
 * than lower ones, and with a check-in cycle the streak bonus days fall within it. Changing `referral` (commission
 * paid out in money) also needs a second verification (VERIFICATION_REQUIRED). CONFLICT on a stale `version`.
 * Audited with the sections before and after.
 */
export const MemberSettingsUpdateInput = z
  .object({
    version: Version,
    earn: MemberSettingsSections.earn.optional(),
    redeem: MemberSettingsSections.redeem.optional(),
    levels: MemberSettingsSections.levels.optional(),
    checkin: MemberSettingsSections.checkin.optional(),
    referral: MemberSettingsSections.referral.optional(),
  })
  .strict();
export type MemberSettingsUpdateInput = z.infer<typeof MemberSettingsUpdateInput>;

export interface MemberSettingsView {
  settings: MemberSettings;
  version: number;
  updatedAt?: string;
}

import type { CouponRule, CouponScope } from '../../../typings/coupon.js';

/**
 * Coupons as stored: templates, the coupons shoppers claimed from them, and each shopper's claim count. Priced by
 * rules/coupon-quotes.ts, moved with orders by store/coupon-wallet.ts, claimed by workflows/coupon-claim.ts.
 */

/** What a coupon takes off, on which goods, for how long and how many may be claimed. */
export const COUPON_TEMPLATES = 'coupon_templates';

/** Claimed coupons: each snapshots its template's rule, so later edits never change a coupon someone holds. */
export const USER_COUPONS = 'user_coupons';

/** Each shopper's claims per template: the per-user limit's atomic guard. */
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
  /** `ended` (the merchant's `coupons.end`) is for good; `paused` can be resumed. Claims need `active`. */
  status: 'active' | 'paused' | 'ended';
  createdAt: Date;
  updatedAt: Date;
  /** Optimistic concurrency for back-office edits (store/versioned.ts); absent (0) on documents written before. */
  version?: number;
  /** When the merchant ended it (`coupons.end`). */
  endedAt?: Date;
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
  /** The win-back campaign that issued it (model/marketing.ts), if one did. */
  campaignId?: string;
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

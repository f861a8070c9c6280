import type { CouponRule,CouponScope } from '../../../typings/coupon.js';


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

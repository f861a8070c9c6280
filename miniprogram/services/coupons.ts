import type { ClaimableCoupon, CouponPage, CouponView, MineStatus } from '../../typings/coupon';
import { call } from './call';

/** Coupons: those the shopper can claim (领券中心) and those they hold (我的优惠券). */

export function fetchClaimableCoupons(): Promise<ClaimableCoupon[]> {
  return call('coupon', 'claimable');
}

export function claimCoupon(templateId: string): Promise<CouponView> {
  return call('coupon', 'claim', { templateId });
}

export function fetchMyCoupons(status: MineStatus, cursor?: string, pageSize = 10): Promise<CouponPage> {
  return call('coupon', 'mine', { status, pageSize, ...(cursor ? { cursor } : {}) });
}

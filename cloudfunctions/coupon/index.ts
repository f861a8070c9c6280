import { CouponRoutes } from '../../typings/coupon.js';
import { serve } from '../shared/platform/route.js';
import { claim, claimable } from './routes/claim.js';
import { forCart, mine } from './routes/mine.js';

/** Coupons: what the shopper can claim, claiming (never past a template's total or per-user limit), their coupons, and which fit a cart. */
export const main = serve({
  [CouponRoutes.claimable]: claimable,
  [CouponRoutes.claim]: claim,
  [CouponRoutes.mine]: mine,
  [CouponRoutes.forCart]: forCart,
});

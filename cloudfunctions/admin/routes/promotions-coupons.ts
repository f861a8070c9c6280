import {
  type AdminCouponPage,
  type AdminCouponView,
  CouponCreateInput,
  CouponsListInput,
  CouponStatusInput,
} from '../../../typings/admin-promotions.js';
import {
  changeCouponStatus,
  couponView,
  createCouponTemplate,
  listCouponTemplates,
} from '../../shared/store/promotion-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** Coupon templates in the back office (docs/back-office/promotions.md): list with counts, create, pause/resume/end. */

export const list = adminRoute('promotions.read', CouponsListInput, (input): Promise<AdminCouponPage> =>
  listCouponTemplates(input),
);

export const create = adminRoute('promotions.write', CouponCreateInput, async (input, ctx): Promise<AdminCouponView> =>
  couponView(await createCouponTemplate(input, { actor: actorOf(ctx), now: ctx.now })),
);

// Each declared as its own `adminRoute(...)`, as scripts/route-reference.ts reads them.
export const pause = adminRoute(
  'promotions.write',
  CouponStatusInput,
  async ({ templateId, version }, ctx): Promise<AdminCouponView> =>
    couponView(await changeCouponStatus(templateId, version, 'pause', { actor: actorOf(ctx), now: ctx.now })),
);

export const resume = adminRoute(
  'promotions.write',
  CouponStatusInput,
  async ({ templateId, version }, ctx): Promise<AdminCouponView> =>
    couponView(await changeCouponStatus(templateId, version, 'resume', { actor: actorOf(ctx), now: ctx.now })),
);

export const end = adminRoute(
  'promotions.write',
  CouponStatusInput,
  async ({ templateId, version }, ctx): Promise<AdminCouponView> =>
    couponView(await changeCouponStatus(templateId, version, 'end', { actor: actorOf(ctx), now: ctx.now })),
);

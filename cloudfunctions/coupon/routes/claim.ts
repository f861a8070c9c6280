import { ClaimInput, type ClaimableCoupon, ClaimableInput, type CouponView } from '../../../typings/coupon.js';
import { claimKey } from '../../shared/model/coupon.js';
import { route } from '../../shared/platform/route.js';
import { couponClosed, ruleSummary, scopeText, toCouponView } from '../../shared/rules/coupon-quotes.js';
import { couponClaims, couponTemplates, userCoupons } from '../../shared/store/coupon-wallet.js';
import { _ } from '../../shared/store/db.js';
import { claimCoupon } from '../../shared/workflows/coupon-claim.js';

const MAX_CLAIMABLE = 100;

/** Active templates in their claim window with some left, ending soonest first, with the caller's counts. */
export const claimable = route(ClaimableInput, async (_input, ctx): Promise<ClaimableCoupon[]> => {
  const open = (
    await couponTemplates()
      .where({ status: 'active', claimStartAt: _.lte(ctx.now), claimEndAt: _.gte(ctx.now) })
      .orderBy('claimEndAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(MAX_CLAIMABLE)
      .get()
  ).data.filter((t) => t.issued < t.total && !couponClosed(t, ctx.now));
  if (!open.length) return [];
  const ids = open.map((t) => t._id);
  const [mine, held] = await Promise.all([
    couponClaims()
      .where({ _id: _.in(ids.map((id) => claimKey(id, ctx.openid))) })
      .limit(MAX_CLAIMABLE)
      .get(),
    userCoupons()
      .where({ openid: ctx.openid, templateId: _.in(ids), status: 'available', validUntil: _.gte(ctx.now) })
      .field({ templateId: true })
      .limit(1000)
      .get(),
  ]);
  const claimed = new Map(mine.data.map((c) => [c.templateId, c.claimed]));
  const heldCount = new Map<string, number>();
  for (const c of held.data) heldCount.set(c.templateId, (heldCount.get(c.templateId) ?? 0) + 1);
  return open.map((t) => {
    const count = claimed.get(t._id) ?? 0;
    return {
      templateId: t._id,
      name: t.name,
      description: t.description ?? '',
      rule: t.rule,
      scope: t.scope,
      summary: ruleSummary(t.rule),
      scopeText: scopeText(t.scope),
      validity:
        t.validity.type === 'fixed'
          ? {
              type: 'fixed',
              startAt: new Date(t.validity.startAt).toISOString(),
              endAt: new Date(t.validity.endAt).toISOString(),
            }
          : { type: 'relative', days: t.validity.days },
      claimEndAt: new Date(t.claimEndAt).toISOString(),
      remaining: t.total - t.issued,
      perUser: t.perUser,
      claimed: count,
      held: heldCount.get(t._id) ?? 0,
      canClaim: count < t.perUser,
    };
  });
});

/** Claims one coupon of a template (workflows/coupon-claim.ts): never past its total nor the caller's limit. */
export const claim = route(ClaimInput, async ({ templateId }, ctx): Promise<CouponView> =>
  toCouponView(await claimCoupon(templateId, ctx), ctx.now),
);

import { ErrorCode } from '../../../typings/common.js';
import { ClaimInput,type ClaimableCoupon,ClaimableInput,type CouponView } from '../../../typings/coupon.js';
import { COUPON_CLAIMS,COUPON_TEMPLATES,type CouponClaimDoc,type CouponTemplateDoc,USER_COUPONS,type UserCouponDoc,claimKey } from '../../shared/model/coupon.js';
import { route } from '../../shared/platform/route.js';
import { ruleSummary,scopeText,toCouponView,validityFor } from '../../shared/rules/coupon-quotes.js';
import { ShopError,notFound } from '../../shared/rules/errors.js';
import { SoldOutMemory } from '../../shared/rules/sold-out-memory.js';
import { _,db } from '../../shared/store/db.js';
import { isDuplicateKey } from '../../shared/store/transactions.js';

const templates = () => db.collection<CouponTemplateDoc>(COUPON_TEMPLATES);
const claims = () => db.collection<CouponClaimDoc>(COUPON_CLAIMS);
const coupons = () => db.collection<UserCouponDoc>(USER_COUPONS);

const MAX_CLAIMABLE = 100;
const soldOut = () => new ShopError(ErrorCode.OUT_OF_STOCK, '已抢光');
const limitReached = (perUser: number) => new ShopError(ErrorCode.INVALID_STATE, `已达领取上限（每人限领 ${perUser} 张）`);

/** Templates this instance saw sold out: refused for a moment without asking the database (sold-out.ts). */
const soldOutMemory = new SoldOutMemory();
function rememberSoldOut(templateId: string, now: Date): ShopError {
  soldOutMemory.remember(templateId, now);
  return soldOut();
}

/** Why a template cannot be claimed at `now` whatever its stock, or undefined. */
function closed(template: CouponTemplateDoc, now: Date): ShopError | undefined {
  if (template.status !== 'active') return new ShopError(ErrorCode.INVALID_STATE, '该优惠券已停止发放');
  if (now < new Date(template.claimStartAt)) return new ShopError(ErrorCode.INVALID_STATE, '领取尚未开始');
  if (now > new Date(template.claimEndAt)) return new ShopError(ErrorCode.INVALID_STATE, '领取已结束');
  if (template.validity.type === 'fixed' && now >= new Date(template.validity.endAt)) return new ShopError(ErrorCode.INVALID_STATE, '该优惠券已过期');
  return undefined;
}

/** Active templates in their claim window with some left, ending soonest first, with the caller's counts. */
export const claimable = route(ClaimableInput, async (_input, ctx): Promise<ClaimableCoupon[]> => {
  const open = (
    await templates()
      .where({ status: 'active', claimStartAt: _.lte(ctx.now), claimEndAt: _.gte(ctx.now) })
      .orderBy('claimEndAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(MAX_CLAIMABLE)
      .get()
  ).data.filter((t) => t.issued < t.total && !closed(t, ctx.now));
  if (!open.length) return [];
  const ids = open.map((t) => t._id);
  const [mine, held] = await Promise.all([
    claims().where({ _id: _.in(ids.map((id) => claimKey(id, ctx.openid))) }).limit(MAX_CLAIMABLE).get(),
    coupons().where({ openid: ctx.openid, templateId: _.in(ids), status: 'available', validUntil: _.gte(ctx.now) }).field({ templateId: true }).limit(1000).get(),
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
      validity: t.validity.type === 'fixed' ? { type: 'fixed', startAt: new Date(t.validity.startAt).toISOString(), endAt: new Date(t.validity.endAt).toISOString() } : { type: 'relative', days: t.validity.days },
      claimEndAt: new Date(t.claimEndAt).toISOString(),
      remaining: t.total - t.issued,
      perUser: t.perUser,
      claimed: count,
      held: heldCount.get(t._id) ?? 0,
      canClaim: count < t.perUser,
    };
  });
});

/**
 * Takes one of the caller's `perUser` slots for the template, never passing the limit however many claims race:
 * the first claim creates the caller's counter (a racing one loses on the `_id`), later ones increment it only while
 * it is under the limit. Each step is atomic on one document, so there is no transaction to conflict.
 */
async function takeSlot(template: CouponTemplateDoc, openid: string, now: Date): Promise<void> {
  const _id = claimKey(template._id, openid);
  try {
    await claims().add({ data: { _id, templateId: template._id, openid, claimed: 1, createdAt: now, updatedAt: now } });
    return;
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  // The counter exists (counters are never removed).
  const taken = await claims().where({ _id, claimed: _.lt(template.perUser) }).update({ data: { claimed: _.inc(1), updatedAt: now } });
  if (taken.stats.updated !== 1) throw limitReached(template.perUser);
}

/** Undoes a step of a claim that could not finish; a failure here only leaves a count too high (never too many coupons). */
async function giveBack(what: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    console.error(`coupon claim: could not give back the ${what}`, err);
  }
}

/**
 * Claims one coupon of a template. Both limits are guarded by atomic conditional increments instead of a
 * transaction: under a rush every attempt on one template would otherwise write the same document and all but one
 * would fail with a conflict and retry. The per-user slot is taken first, then one of the template's `total` (taking
 * the total first would let a claim refused for its per-user limit hold stock that others were refused for); a claim
 * that loses the second returns the first, and one that cannot write its coupon returns both. Once a template is sold
 * out, attempts end after one read, or none (`soldOutMemory`).
 */
export const claim = route(ClaimInput, async ({ templateId }, ctx): Promise<CouponView> => {
  const { now, openid } = ctx;
  if (soldOutMemory.has(templateId, now)) throw soldOut();
  const template = (await templates().doc(templateId).get()).data;
  if (!template) throw notFound('优惠券');
  const refusal = closed(template, now);
  if (refusal) throw refusal;
  if (template.issued >= template.total) throw rememberSoldOut(templateId, now);

  await takeSlot(template, openid, now);
  const slot = claimKey(templateId, openid);
  const returnSlot = () => giveBack('per-user slot', () => claims().doc(slot).update({ data: { claimed: _.inc(-1), updatedAt: now } }));

  const issued = await templates()
    .where({ _id: templateId, status: 'active', claimEndAt: _.gte(now), issued: _.lt(template.total) })
    .update({ data: { issued: _.inc(1) } });
  if (issued.stats.updated !== 1) {
    await returnSlot();
    const current = (await templates().doc(templateId).get()).data;
    throw (current && closed(current, now)) ?? rememberSoldOut(templateId, now);
  }

  const doc: Omit<UserCouponDoc, '_id'> = {
    openid,
    templateId,
    name: template.name,
    rule: template.rule,
    scope: template.scope,
    status: 'available',
    orderId: null,
    claimedAt: now,
    ...validityFor(template.validity, now),
  };
  try {
    const added = await coupons().add({ data: doc });
    return toCouponView({ ...doc, _id: String(added._id) }, now);
  } catch (err) {
    await giveBack('template count', () => templates().doc(templateId).update({ data: { issued: _.inc(-1) } }));
    await returnSlot();
    throw err;
  }
});

import { ErrorCode } from '../../../typings/common.js';
import { type CouponTemplateDoc, type UserCouponDoc, claimKey } from '../model/coupon.js';
import { couponClosed, validityFor } from '../rules/coupon-quotes.js';
import { ShopError, notFound } from '../rules/errors.js';
import { SoldOutMemory } from '../rules/sold-out-memory.js';
import { couponClaims, couponTemplates, userCoupons } from '../store/coupon-wallet.js';
import { _ } from '../store/db.js';
import { isDuplicateKey } from '../store/transactions.js';
import { Holdings } from './holdings.js';

/** Claiming a coupon (`coupon.claim`): the per-user and total limits held by atomic conditional increments. */

const soldOut = () => new ShopError(ErrorCode.OUT_OF_STOCK, '已抢光');
const limitReached = (perUser: number) => new ShopError(ErrorCode.INVALID_STATE, `已达领取上限（每人限领 ${perUser} 张）`);

/** Templates this instance saw sold out: refused for a moment without asking the database (rules/sold-out-memory.ts). */
const soldOutMemory = new SoldOutMemory();
function rememberSoldOut(templateId: string, now: Date): ShopError {
  soldOutMemory.remember(templateId, now);
  return soldOut();
}

/**
 * Takes one of the caller's `perUser` slots for the template, never passing the limit however many claims race:
 * the first claim creates the caller's counter (a racing one loses on the `_id`), later ones increment it only while
 * it is under the limit. Each step is atomic on one document, so there is no transaction to conflict.
 */
function takeSlot(holdings: Holdings, template: CouponTemplateDoc, openid: string, now: Date): Promise<void> {
  const _id = claimKey(template._id, openid);
  return holdings.take(
    'per-user slot',
    async () => {
      try {
        await couponClaims().add({ data: { _id, templateId: template._id, openid, claimed: 1, createdAt: now, updatedAt: now } });
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
      // The counter exists (counters are never removed).
      const taken = await couponClaims()
        .where({ _id, claimed: _.lt(template.perUser) })
        .update({ data: { claimed: _.inc(1), updatedAt: now } });
      if (taken.stats.updated !== 1) throw limitReached(template.perUser);
    },
    () =>
      couponClaims()
        .doc(_id)
        .update({ data: { claimed: _.inc(-1), updatedAt: now } }),
  );
}

/**
 * Claims one coupon of a template. Both limits are guarded by atomic conditional increments instead of a
 * transaction: under a rush every attempt on one template would otherwise write the same document and all but one
 * would fail with a conflict and retry. The per-user slot is taken first, then one of the template's `total` (taking
 * the total first would let a claim refused for its per-user limit hold stock that others were refused for); a claim
 * that loses the second returns the first, and one that cannot write its coupon returns both. Once a template is sold
 * out, attempts end after one read, or none (`soldOutMemory`). A coupon a win-back campaign issues carries its id.
 */
export async function claimCoupon(
  templateId: string,
  { openid, now, campaignId }: { openid: string; now: Date; campaignId?: string },
): Promise<UserCouponDoc> {
  if (soldOutMemory.has(templateId, now)) throw soldOut();
  const template = (await couponTemplates().doc(templateId).get()).data;
  if (!template) throw notFound('优惠券');
  const refusal = couponClosed(template, now);
  if (refusal) throw refusal;
  if (template.issued >= template.total) throw rememberSoldOut(templateId, now);

  const holdings = new Holdings();
  await takeSlot(holdings, template, openid, now);
  try {
    await holdings.take(
      'template count',
      async () => {
        const issued = await couponTemplates()
          .where({ _id: templateId, status: 'active', claimEndAt: _.gte(now), issued: _.lt(template.total) })
          .update({ data: { issued: _.inc(1) } });
        if (issued.stats.updated === 1) return;
        const current = (await couponTemplates().doc(templateId).get()).data;
        throw (current && couponClosed(current, now)) ?? rememberSoldOut(templateId, now);
      },
      () =>
        couponTemplates()
          .doc(templateId)
          .update({ data: { issued: _.inc(-1) } }),
    );

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
      ...(campaignId ? { campaignId } : {}),
    };
    const added = await userCoupons().add({ data: doc });
    return { ...doc, _id: String(added._id) };
  } catch (err) {
    await holdings.giveBackAll();
    throw err;
  }
}

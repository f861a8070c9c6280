import { randomUUID } from 'node:crypto';
import { MAX_WIN_BACK_CUSTOMERS, type RfmSegment, type WinBackResult } from '../../../typings/admin-figures.js';
import { ErrorCode } from '../../../typings/common.js';
import type { UserCouponDoc } from '../model/coupon.js';
import type { WinBackCampaignDoc } from '../model/marketing.js';
import { couponIssuedMessage, sendSubscribeMessage } from '../platform/subscribe-messages.js';
import { couponClosed } from '../rules/coupon-quotes.js';
import { ShopError, notFound } from '../rules/errors.js';
import { type AuditActor, writeAudit } from '../store/audit-trail.js';
import { couponTemplates } from '../store/coupon-wallet.js';
import { customersRfm } from '../store/customers.js';
import { db } from '../store/db.js';
import { returnConsent, takeConsent } from '../store/message-consents.js';
import { withRetries } from '../store/transactions.js';
import { finishCampaign, startCampaign } from '../store/win-back-campaigns.js';
import { claimCoupon } from './coupon-claim.js';

/** Claims and sends in flight at once: each is a few atomic writes, or one open-API call. */
const CONCURRENCY = 4;

/** WeChat's answer when the shopper has no acceptance left for the template: theirs is spent, not given back. */
const NO_ACCEPTANCE_LEFT = 43101;

/** Runs `each` over `items`, CONCURRENCY at a time. */
async function forEachAtOnce<T>(items: T[], each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await each(items[next++]!);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/**
 * A win-back campaign (docs/back-office/figures.md). The campaign is recorded with its audit entry in one transaction
 * before anything goes out, so every coupon it issues can name it. Then one coupon of the template to each customer of
 * the segment, through the very claim shoppers make (`claimCoupon`: the claim window, `total` and `perUser` hold
 * however many run at once; a customer the claim refuses is skipped and counted by the refusal's message); then the
 * 优惠券到账 message to each customer reached who agreed to one (one acceptance spent per message, given back when
 * WeChat refuses the send for another reason than having none). The counts close the campaign.
 */
export async function winBack(
  segment: RfmSegment,
  templateId: string,
  { actor, now }: { actor: AuditActor; now: Date },
): Promise<WinBackResult> {
  const template = (await couponTemplates().doc(templateId).get()).data;
  if (!template) throw notFound('优惠券');
  const closed = couponClosed(template, now);
  if (closed) throw closed;
  const customers = (await customersRfm(now)).filter((c) => c.segment === segment).map((c) => c.openid);
  if (customers.length > MAX_WIN_BACK_CUSTOMERS) {
    throw new ShopError(
      ErrorCode.INVALID_STATE,
      `该分群有 ${customers.length} 位客户，一次最多发放 ${MAX_WIN_BACK_CUSTOMERS} 位`,
    );
  }
  const campaign: WinBackCampaignDoc = {
    _id: `wb-${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    segment,
    templateId,
    couponName: template.name,
    actorId: actor.id,
    actorName: actor.name,
    createdAt: now,
    status: 'running',
    customers: customers.length,
    issued: 0,
    skipped: {},
    sent: 0,
    notSent: {},
  };
  await withRetries(db, async (tx) => {
    await startCampaign(tx, campaign);
    await writeAudit(tx, actor, now, {
      action: 'customers.winBack',
      target: campaign._id,
      detail: { segment, templateId, customers: customers.length },
    });
  });

  const issued: UserCouponDoc[] = [];
  const skipped: Record<string, number> = {};
  await forEachAtOnce(customers, async (openid) => {
    try {
      issued.push(await claimCoupon(templateId, { openid, now, campaignId: campaign._id }));
    } catch (err) {
      if (!(err instanceof ShopError)) throw err;
      skipped[err.message] = (skipped[err.message] ?? 0) + 1;
    }
  });

  let sent = 0;
  const notSent: Record<string, number> = {};
  await forEachAtOnce(issued, async (coupon) => {
    if (!(await takeConsent(coupon.openid, 'coupon_issued', now))) return;
    try {
      await sendSubscribeMessage(couponIssuedMessage(coupon));
      sent++;
    } catch (err) {
      const code = (err as { errCode?: number }).errCode;
      const key = String(code ?? 'error');
      notSent[key] = (notSent[key] ?? 0) + 1;
      if (code !== NO_ACCEPTANCE_LEFT) await returnConsent(coupon.openid, 'coupon_issued', now);
    }
  });

  const outcome = { issued: issued.length, skipped, sent, notSent };
  await finishCampaign(campaign._id, outcome, new Date());
  return { campaignId: campaign._id, segment, templateId, customers: customers.length, ...outcome };
}

import type { CampaignPage, CampaignView } from '../../../typings/admin-figures.js';
import { USER_COUPONS } from '../model/coupon.js';
import { WIN_BACK_CAMPAIGNS, type WinBackCampaignDoc } from '../model/marketing.js';
import { ORDERS } from '../model/order.js';
import { sum } from '../rules/figures.js';
import { _, db, type Transaction } from './db.js';
import { pageNewestFirst } from './pagination.js';

/** Win-back campaigns in the database, and what came of each, read live from the coupons they issued. */

const campaigns = () => db.collection<WinBackCampaignDoc>(WIN_BACK_CAMPAIGNS);

export async function startCampaign(tx: Transaction, campaign: WinBackCampaignDoc): Promise<void> {
  await tx.collection(WIN_BACK_CAMPAIGNS).add({ data: campaign });
}

export type CampaignOutcome = Pick<WinBackCampaignDoc, 'issued' | 'skipped' | 'sent' | 'notSent'>;

export async function finishCampaign(campaignId: string, outcome: CampaignOutcome, now: Date): Promise<void> {
  // `set` of the whole maps: update would merge the objects key by key with what `start` wrote.
  await campaigns()
    .doc(campaignId)
    .update({
      data: {
        status: 'done',
        finishedAt: now,
        issued: outcome.issued,
        skipped: _.set(outcome.skipped),
        sent: outcome.sent,
        notSent: _.set(outcome.notSent),
      },
    });
}

/** The campaign's coupons spent on a paid order, those orders, and what was paid for them. */
async function results(campaignId: string): Promise<Pick<CampaignView, 'used' | 'orders' | 'orderAmount'>> {
  // At most MAX_WIN_BACK_CUSTOMERS coupons per campaign: one read each.
  const used = (
    await db
      .collection<{ orderId: string | null }>(USER_COUPONS)
      .where({ campaignId, status: 'used' })
      .field({ orderId: true })
      .limit(1000)
      .get()
  ).data;
  const orderIds = [...new Set(used.map((c) => c.orderId).filter((id): id is string => !!id))];
  const orders = orderIds.length
    ? (
        await db
          .collection<{ amounts: { payable: number } }>(ORDERS)
          .where({ _id: _.in(orderIds) })
          .field({ amounts: true })
          .limit(orderIds.length)
          .get()
      ).data
    : [];
  return { used: used.length, orders: orders.length, orderAmount: sum(orders.map((o) => o.amounts.payable)) };
}

function campaignView(doc: WinBackCampaignDoc, live: Pick<CampaignView, 'used' | 'orders' | 'orderAmount'>): CampaignView {
  return {
    campaignId: doc._id,
    segment: doc.segment,
    templateId: doc.templateId,
    couponName: doc.couponName,
    actor: doc.actorName,
    createdAt: new Date(doc.createdAt).toISOString(),
    status: doc.status,
    customers: doc.customers,
    issued: doc.issued,
    skipped: doc.skipped,
    sent: doc.sent,
    notSent: doc.notSent,
    ...live,
  };
}

export async function listCampaigns(page: { cursor?: string; pageSize: number }): Promise<CampaignPage> {
  const found = await pageNewestFirst<WinBackCampaignDoc>(WIN_BACK_CAMPAIGNS, [], page);
  const live = await Promise.all(found.items.map((c) => results(c._id)));
  return {
    items: found.items.map((doc, i) => campaignView(doc, live[i]!)),
    ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
  };
}

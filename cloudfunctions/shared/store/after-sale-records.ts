import type { AfterSaleView } from '../../../typings/order-after-sale.js';
import { AFTER_SALE_KIND_LABELS } from '../../../typings/order-after-sale.js';
import { AFTER_SALES, type AfterSaleDoc } from '../model/after-sale.js';
import { AFTER_SALE_STATUS_LABELS } from '../../../typings/labels.js';
import { AFTER_SALE_EVENT_LABELS } from '../rules/after-sale-transitions.js';
import { db } from './db.js';
import { pageNewestFirst } from './pagination.js';

/** After-sale cases as shoppers and merchants see them, and lists of them a page at a time. */

const iso = (at: Date | string) => new Date(at).toISOString();

export function toAfterSaleView(doc: AfterSaleDoc): AfterSaleView {
  const count = (lines: ReadonlyArray<{ quantity: number }>) => lines.reduce((sum, l) => sum + l.quantity, 0);
  return {
    caseId: doc._id,
    orderId: doc.orderId,
    kind: doc.kind,
    kindLabel: AFTER_SALE_KIND_LABELS[doc.kind],
    status: doc.status,
    statusLabel: AFTER_SALE_STATUS_LABELS[doc.status],
    lines: doc.lines,
    refundFee: doc.refundFee,
    reason: doc.reason,
    photos: doc.photos,
    createdAt: iso(doc.createdAt),
    ...(doc.rejectReason ? { rejectReason: doc.rejectReason } : {}),
    ...(doc.returnShipping
      ? {
          returnShipping: {
            carrier: doc.returnShipping.carrier,
            trackingNo: doc.returnShipping.trackingNo,
            shippedAt: iso(doc.returnShipping.shippedAt),
          },
        }
      : {}),
    ...(doc.received
      ? {
          received: {
            at: iso(doc.received.at),
            restocked: count(doc.received.restocked),
            unsellable: count(doc.received.unsellable),
          },
        }
      : {}),
    ...(doc.refundedAt ? { refundedAt: iso(doc.refundedAt) } : {}),
    history: doc.history.map((h) => ({
      event: h.event,
      label: AFTER_SALE_EVENT_LABELS[h.event],
      from: h.from,
      to: h.to,
      actor: h.actor,
      at: iso(h.at),
    })),
  };
}

/** One case, or undefined when it does not exist or (given `openid`) is another shopper's. */
export async function afterSaleOf(caseId: string, openid?: string): Promise<AfterSaleDoc | undefined> {
  const doc = (await db.collection<AfterSaleDoc>(AFTER_SALES).doc(caseId).get()).data;
  return doc && (openid === undefined || doc.openid === openid) ? doc : undefined;
}

/** Every case of one order, oldest first (an order has a handful at most). */
export async function afterSalesOfOrder(orderId: string): Promise<AfterSaleDoc[]> {
  return (await db.collection<AfterSaleDoc>(AFTER_SALES).where({ orderId }).orderBy('createdAt', 'asc').limit(100).get()).data;
}

/** Cases matching `conditions`, newest first, a page at a time. */
export function pageOfAfterSales(
  conditions: Array<Record<string, unknown>>,
  page: { cursor?: string; pageSize: number },
): Promise<{ items: AfterSaleDoc[]; nextCursor?: string }> {
  return pageNewestFirst<AfterSaleDoc>(AFTER_SALES, conditions, page);
}

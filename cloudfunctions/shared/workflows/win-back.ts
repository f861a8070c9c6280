import { MAX_WIN_BACK_CUSTOMERS, type RfmSegment, type WinBackResult } from '../../../typings/admin-figures.js';
import { ErrorCode } from '../../../typings/common.js';
import { couponClosed } from '../rules/coupon-quotes.js';
import { ShopError, notFound } from '../rules/errors.js';
import { type AuditActor, audit } from '../store/audit-trail.js';
import { couponTemplates } from '../store/coupon-wallet.js';
import { customersRfm } from '../store/customers.js';
import { claimCoupon } from './coupon-claim.js';

/** Claims in flight at once: each is a few atomic writes on the template and the customer's counter. */
const CONCURRENCY = 4;

/**
 * A win-back campaign (docs/back-office/figures.md): one coupon of the template to each customer of the segment,
 * through the very claim shoppers make (`claimCoupon`: the claim window, `total` and `perUser` hold however many run at
 * once), then one audit entry with the counts and the customers reached. Each claim is atomic on its own; a customer
 * the claim refuses is skipped and counted by the refusal's message.
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
  const reached: string[] = [];
  const skipped: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < customers.length) {
      const openid = customers[next++]!;
      try {
        await claimCoupon(templateId, { openid, now });
        reached.push(openid);
      } catch (err) {
        if (!(err instanceof ShopError)) throw err;
        skipped[err.message] = (skipped[err.message] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const result: WinBackResult = { segment, templateId, customers: customers.length, issued: reached.length, skipped };
  await audit(actor, now, {
    action: 'customers.winBack',
    target: templateId,
    detail: { ...result, openids: reached.sort() },
  });
  return result;
}

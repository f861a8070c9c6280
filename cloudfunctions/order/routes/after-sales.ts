import {
  AfterSaleDetailInput,
  AfterSaleListInput,
  RequestRefundInput,
  ReturnShipmentInput,
  WithdrawRefundInput,
  type AfterSaleView,
} from '../../../typings/order-after-sale.js';
import type { Page } from '../../../typings/common.js';
import { route } from '../../shared/platform/route.js';
import { notFound } from '../../shared/rules/errors.js';
import { afterSaleOf, pageOfAfterSales, toAfterSaleView } from '../../shared/store/after-sale-records.js';
import { loadMemberSettings } from '../../shared/store/shop-settings.js';
import { requestAfterSale, shipReturn, withdrawAfterSale } from '../../shared/workflows/after-sales.js';

/** The shopper's after-sale cases (售后): ask, withdraw, send a return back, and follow them. */

export const request = route(RequestRefundInput, async (input, ctx): Promise<AfterSaleView> => {
  // A completed order takes a request only within the refund window (after it, commission is settled).
  const refundWindowDays = (await loadMemberSettings()).referral.refundWindowDays;
  return toAfterSaleView((await requestAfterSale({ ...input, openid: ctx.openid, now: ctx.now, refundWindowDays })).afterSale);
});

export const withdraw = route(WithdrawRefundInput, async ({ orderId }, ctx): Promise<AfterSaleView> =>
  toAfterSaleView((await withdrawAfterSale(orderId, ctx.openid, ctx.now)).afterSale),
);

export const sendBack = route(ReturnShipmentInput, async (input, ctx): Promise<AfterSaleView> =>
  toAfterSaleView((await shipReturn({ ...input, openid: ctx.openid }, ctx.now)).afterSale),
);

export const list = route(AfterSaleListInput, async (input, ctx): Promise<Page<AfterSaleView>> => {
  const page = await pageOfAfterSales([{ openid: ctx.openid }], input);
  return { items: page.items.map(toAfterSaleView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

export const detail = route(AfterSaleDetailInput, async ({ caseId }, ctx): Promise<AfterSaleView> => {
  const doc = await afterSaleOf(caseId, ctx.openid);
  if (!doc) throw notFound('售后申请');
  return toAfterSaleView(doc);
});

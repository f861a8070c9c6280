import type { Page } from '../../typings/common';
import type { AfterSaleKind, AfterSaleView } from '../../typings/order-after-sale';
import { call } from './call';

export interface AfterSaleRequest {
  orderId: string;
  kind: AfterSaleKind;
  /** Order line positions and units; the route refunds exactly their share of what was paid. */
  lines: Array<{ index: number; quantity: number }>;
  reason: string;
  photos: string[];
}

/** Opens an after-sale case (仅退款 or 退货退款) for some units of an order. */
export function requestAfterSale(request: AfterSaleRequest): Promise<AfterSaleView> {
  return call('order', 'refund', request);
}

/** Withdraws the order's open case (before the money is on its way). */
export function withdrawAfterSale(orderId: string): Promise<AfterSaleView> {
  return call('order', 'refund.withdraw', { orderId });
}

/** The return parcel of an approved 退货退款: carrier and tracking number. */
export function sendReturn(orderId: string, carrier: string, trackingNo: string): Promise<AfterSaleView> {
  return call('order', 'refund.return', { orderId, carrier, trackingNo });
}

export function fetchAfterSales(cursor?: string, pageSize = 10): Promise<Page<AfterSaleView>> {
  return call('order', 'afterSales.list', { pageSize, ...(cursor ? { cursor } : {}) });
}

export function fetchAfterSale(caseId: string): Promise<AfterSaleView> {
  return call('order', 'afterSales.detail', { caseId });
}

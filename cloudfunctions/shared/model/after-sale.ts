import type { AfterSaleKind, AfterSaleLineView, AfterSaleStatus } from '../../../typings/order-after-sale.js';
import type { Actor, RefundableStatus } from './order.js';

/**
 * After-sale cases (售后): one document per request, `_id` `<orderId>S<n>`, which is also the refund number WeChat Pay
 * knows the case's refund by. The lifecycle is rules/after-sale-transitions.ts; workflows/after-sales.ts applies it
 * together with the order's own transition, in one transaction.
 */

export const AFTER_SALES = 'after_sales';

export const AFTER_SALE_EVENTS = [
  'request',
  'approve',
  'reject',
  'withdraw',
  'ship_return',
  'receive',
  'refund_succeeded',
  'close',
] as const;
export type AfterSaleEvent = (typeof AFTER_SALE_EVENTS)[number];

/** One order line of a case: its position in the order's `lines`, a snapshot of the line, the units and their share. */
export type AfterSaleLine = AfterSaleLineView;

export interface AfterSaleHistoryEntry {
  event: AfterSaleEvent;
  from: AfterSaleStatus | null;
  to: AfterSaleStatus;
  actor: Actor;
  at: Date;
}

export interface AfterSaleDoc {
  _id: string;
  orderId: string;
  openid: string;
  kind: AfterSaleKind;
  status: AfterSaleStatus;
  lines: AfterSaleLine[];
  /** Sum of the lines' shares, plus the freight when the whole order is refunded before shipping. */
  refundFee: number;
  /** Goods only (freight excluded): what points and commission follow. */
  goodsFee: number;
  /** The order's status when the case was opened; the goods were never shipped when it is `paid`. */
  requestedFrom: RefundableStatus;
  reason: string;
  photos: string[];
  createdAt: Date;
  history: AfterSaleHistoryEntry[];
  rejectReason?: string;
  returnShipping?: { carrier: string; trackingNo: string; shippedAt: Date };
  /** Units put back in stock and units the merchant marked unsellable, per order line, at receipt. */
  received?: { at: Date; restocked: AfterSaleLine[]; unsellable: AfterSaleLine[] };
  refundIssuedAt?: Date;
  refundedAt?: Date;
}

/** What the order records of its after-sale cases, written with each case's change. */
export interface OrderRefunds {
  /** Fen paid back by cases so far (freight included), and of it the goods' part. */
  fee: number;
  goodsFee: number;
  /** Units refunded per order line, same positions as `lines`. */
  units: number[];
  /** Cases opened so far: the next case is `<orderId>S<cases + 1>`. */
  cases: number;
}

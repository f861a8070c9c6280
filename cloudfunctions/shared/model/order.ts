import type { Amounts, OrderStatus, PricedLine } from '../../../typings/order.js';
import type { AfterSaleDoc, OrderRefunds } from './after-sale.js';

/**
 * The stored order: its document, statuses, lifecycle events and actors. The transition table is
 * rules/order-transitions.ts; store/order-records.ts shows an order to shoppers.
 */

/**
 * What an order created by a promotion records of it. The order itself stays an ordinary `orders` document, so pay,
 * cancel, the jobs timer, order lists and the admin work on it unchanged.
 */
export type OrderPromotion =
  | { kind: 'flash_sale'; flashSaleId: string; unitPrice: number; quantity: number }
  | { kind: 'group_buy'; activityId: string; groupId: string; leader: boolean; unitPrice: number; quantity: number };

/** A price difference paid back while the order stays paid (a group that closed at a cheaper tier). */
export interface PriceRefund {
  outRefundNo: string;
  refundFee: number;
  reason: 'group_tier';
  status: 'pending' | 'done';
  issuedAt: Date;
  refundedAt?: Date;
  /** WeChat Pay's refusal of the last attempt (the groupbuy timer tries again). */
  error?: string;
}

export interface OrderDoc {
  _id: string;
  openid: string;
  idempotencyKey: string;
  /** What the placing request asked for (`requestFingerprint`); absent on orders placed before it was recorded. */
  requestFingerprint?: string;
  status: OrderStatus;
  lines: PricedLine[];
  amounts: Amounts;
  /** A snapshot of the address; phone and street stay encrypted as in the address book. */
  address: { name: string; phone: string; province: string; city: string; district: string; detail: string };
  remark: string;
  createdAt: Date;
  expiresAt: Date;
  /** Every status change, oldest first; the first entry is the order's creation (`create`, from null). */
  history: OrderHistoryEntry[];
  // Written as the order moves on: payment (pay function), shipping (merchant), receipt and after-sale.
  paidAt?: Date;
  /** The first `pay.create`: from then on WeChat Pay may hold a payment for the order (close it before cancelling). */
  payStartedAt?: Date;
  payment?: PaymentRecord;
  /**
   * Paid after it was cancelled, or paid another amount than `amounts.payable` (`paymentMismatch`): the full refund is
   * issued and not yet confirmed by the refund callback.
   */
  lateRefundPending?: boolean;
  /**
   * A payment WeChat Pay confirmed for another amount than the order's: the order was cancelled (or stayed cancelled)
   * and the payment refunded in full under its own refund number (`<orderId>R3`); shown to the merchant.
   */
  paymentMismatch?: { totalFee: number; transactionId: string; at: Date };
  /** After the cancel, WeChat Pay confirmed that the order's trade can no longer be paid: the jobs timer stops asking. */
  payClosedAt?: Date;
  refundedAt?: Date;
  shippedAt?: Date;
  shipping?: { carrier: string; trackingNo: string };
  completedAt?: Date;
  cancelledAt?: Date;
  refundRequestedFrom?: OrderStatus;
  refundRequestedAt?: Date;
  refundReason?: string;
  /** The merchant approved the refund (`refund_approved`); the reconcile timer looks again 5 minutes later. */
  refundApprovedAt?: Date;
  /**
   * The refund's last problem: WeChat Pay refused to issue it (the jobs timer issues it again every minute), or ended it
   * unpaid (status CHANGE or REFUNDCLOSE: the merchant must act, the timer stops). Cleared once the refund is done.
   */
  refundError?: RefundError;
  /** The latest after-sale case (`<orderId>S<n>`); open while the order is `refunding` or `refund_approved` by it. */
  afterSaleId?: string;
  /** What after-sale cases paid back so far. */
  refunds?: OrderRefunds;
  /** The refund in flight for `refund_approved` (the reconcile timer reissues exactly it); absent: the whole payment, R1. */
  openRefund?: { outRefundNo: string; refundFee: number };
  /** Set on orders a promotion created (flashsale, groupbuy). */
  promotion?: OrderPromotion;
  /** A group-buy member's refund of the difference to the closing tier; the order stays paid. */
  priceRefund?: PriceRefund;
}

export interface RefundError {
  outRefundNo: string;
  /** WeChat Pay's refund status, or its refusal when the refund could not be issued. */
  status: string;
  at: Date;
}

export const ORDERS = 'orders';

/** One entry of an order's history: what happened, from which status to which, by whom and when. */
export interface OrderHistoryEntry {
  event: OrderEvent;
  from: OrderStatus | null;
  to: OrderStatus;
  actor: Actor;
  at: Date;
}

export interface PaymentRecord {
  transactionId: string;
  totalFee: number;
  timeEnd: string;
}

export const ORDER_EVENTS = [
  'create',
  'pay',
  'cancel',
  'timeout',
  'late_payment',
  'payment_mismatch',
  'ship',
  'confirm_receipt',
  'auto_confirm',
  'request_refund',
  'withdraw_refund',
  'approve_refund',
  'reject_refund',
  'refund_succeeded',
  'partial_refund',
  'group_failed',
  'group_refund',
] as const;

export type OrderEvent = (typeof ORDER_EVENTS)[number];

export const ACTORS = ['shopper', 'merchant', 'system'] as const;

export type Actor = (typeof ACTORS)[number];

/** The states a refund can be requested from, and so the states a withdrawn or rejected request returns to. */
export type RefundableStatus = 'paid' | 'shipped' | 'completed';

/** One status change of an order, as every order effect sees it inside the change's transaction. */
export interface OrderChange {
  event: OrderEvent;
  /** The order as read inside the transaction, and as it is written. */
  before: OrderDoc;
  after: OrderDoc;
  now: Date;
  /** The after-sale case behind a refund event (`refund_succeeded`, `partial_refund`), as it is written. */
  afterSale?: AfterSaleDoc;
}

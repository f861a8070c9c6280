import type { Amounts, OrderView, PricedLine } from '../../typings/order.js';
import { decryptField, maskDetail, maskPhone } from './crypto.js';
import { db } from './db.js';
import type { AddressDoc } from './addresses.js';
import { ORDER_STATUS_LABELS, type OrderStatus } from './order-state.js';

/** The stored order and how shoppers see it. */
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
  status: OrderStatus;
  lines: PricedLine[];
  amounts: Amounts;
  /** A snapshot of the address; phone and street stay encrypted as in the address book. */
  address: { name: string; phone: string; province: string; city: string; district: string; detail: string };
  remark: string;
  createdAt: Date;
  expiresAt: Date;
  history: Array<{ event: string; from: string | null; to: string; actor: string; at: Date }>;
  // Written as the order moves on: payment (pay function), shipping (merchant), receipt and after-sale.
  paidAt?: Date;
  /** The first `pay.create`: from then on WeChat Pay may hold a payment for the order (close it before cancelling). */
  payStartedAt?: Date;
  payment?: PaymentRecord;
  /** Paid after it was cancelled: the full refund is issued and not yet confirmed by the refund callback. */
  lateRefundPending?: boolean;
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

export interface PaymentRecord {
  transactionId: string;
  totalFee: number;
  timeEnd: string;
}

export function toOrderView(order: OrderDoc): OrderView {
  return {
    orderId: order._id,
    status: order.status,
    statusLabel: ORDER_STATUS_LABELS[order.status],
    lines: order.lines,
    amounts: order.amounts,
    address: {
      name: order.address.name,
      phone: maskPhone(decryptField(order.address.phone)),
      region: `${order.address.province} ${order.address.city} ${order.address.district}`,
      detail: maskDetail(decryptField(order.address.detail)),
    },
    remark: order.remark,
    createdAt: new Date(order.createdAt).toISOString(),
    ...(order.status === 'pending_payment' ? { expiresAt: new Date(order.expiresAt).toISOString() } : {}),
  };
}

/** Order numbers double as WeChat Pay's outTradeNo: ≤ 32 characters of [0-9A-Za-z]. Time first, so they sort. */
export function newOrderId(now: Date, random: () => number = Math.random): string {
  const t = new Date(now.getTime() + 8 * 3_600_000).toISOString().replace(/\D/g, '').slice(0, 14);
  return `${t}${String(Math.floor(random() * 1e8)).padStart(8, '0')}`;
}

/** How long an order waits for payment before the timer cancels it (`ORDER_PAYMENT_MINUTES`, default 30). */
export const PAYMENT_MINUTES = Number(process.env.ORDER_PAYMENT_MINUTES ?? 30);

/**
 * A new order waiting for payment, however it was bought (cart checkout, flash sale, group-buy): the priced lines, the
 * address snapshot exactly as the address book stores it (phone and street stay encrypted), and its first history entry.
 */
export function pendingOrder(o: {
  orderId: string;
  openid: string;
  idempotencyKey: string;
  priced: { lines: PricedLine[]; amounts: Amounts };
  address: Pick<AddressDoc, 'name' | 'phone' | 'province' | 'city' | 'district' | 'detail'>;
  remark?: string;
  now: Date;
  /** Default: PAYMENT_MINUTES from now. */
  expiresAt?: Date;
}): OrderDoc {
  const { address, now } = o;
  return {
    _id: o.orderId,
    openid: o.openid,
    idempotencyKey: o.idempotencyKey,
    status: 'pending_payment',
    lines: o.priced.lines,
    amounts: o.priced.amounts,
    address: { name: address.name, phone: address.phone, province: address.province, city: address.city, district: address.district, detail: address.detail },
    remark: o.remark ?? '',
    createdAt: now,
    expiresAt: o.expiresAt ?? new Date(now.getTime() + PAYMENT_MINUTES * 60_000),
    history: [{ event: 'create', from: null, to: 'pending_payment', actor: 'shopper', at: now }],
  };
}

/** The shopper's order made with this idempotency key, if any: a retried create answers it instead of a new one. */
export async function existingOrder(openid: string, idempotencyKey: string): Promise<OrderDoc | undefined> {
  return (await db.collection<OrderDoc>('orders').where({ openid, idempotencyKey }).limit(1).get()).data[0];
}

import type { AdminOrderDetail, AdminOrderView } from '../../typings/admin.js';
import { type AfterSaleDoc } from '../shared/model/after-sale.js';
import { type OrderDoc } from '../shared/model/order.js';
import { toAfterSaleView } from '../shared/store/after-sale-records.js';
import { orderAddressBinding, readField } from '../shared/platform/field-crypto.js';
import { toOrderView } from '../shared/store/order-records.js';

/** What the back office adds to an order (on top of OrderDoc's `refundApprovedAt`, `refundError`): a refused refund request. */
export interface AdminOrderDoc extends OrderDoc {
  refundRejectedAt?: Date;
  refundRejectReason?: string;
}

const iso = (date: Date | string | undefined | null) =>
  date === undefined || date === null ? undefined : new Date(date).toISOString();

/** Drops the keys whose value is undefined, so absent facts are absent keys. */
function present<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** The order for lists and action answers: the shopper's view (address masked) plus what the merchant acts on. */
export function toAdminOrderView(order: AdminOrderDoc): AdminOrderView {
  const refund = present({
    caseId: order.afterSaleId,
    requestedFrom: order.refundRequestedFrom,
    reason: order.refundReason,
    requestedAt: iso(order.refundRequestedAt),
    approvedAt: iso(order.refundApprovedAt),
    error: order.refundError?.status,
    rejectedAt: iso(order.refundRejectedAt),
    rejectReason: order.refundRejectReason,
    refundedAt: iso(order.refundedAt),
  });
  return present({
    ...toOrderView(order),
    openid: order.openid,
    paidAt: iso(order.paidAt),
    payment: order.payment ? { transactionId: order.payment.transactionId, totalFee: order.payment.totalFee } : undefined,
    shippedAt: iso(order.shippedAt),
    shipping: order.shipping ? { carrier: order.shipping.carrier, trackingNo: order.shipping.trackingNo } : undefined,
    completedAt: iso(order.completedAt),
    cancelledAt: iso(order.cancelledAt),
    paymentMismatch: order.paymentMismatch
      ? {
          totalFee: order.paymentMismatch.totalFee,
          transactionId: order.paymentMismatch.transactionId,
          at: new Date(order.paymentMismatch.at).toISOString(),
          refunded: !order.lateRefundPending,
        }
      : undefined,
    refund: Object.keys(refund).length ? refund : undefined,
  });
}

/**
 * The order with its history; the address in full when `reveal` (the one place it is decrypted in full: the merchant
 * needs it to ship), else masked as in lists.
 */
export function toAdminOrderDetail(order: AdminOrderDoc, reveal: boolean, afterSales: AfterSaleDoc[]): AdminOrderDetail {
  const view = toAdminOrderView(order);
  const { name, province, city, district } = order.address;
  return {
    ...view,
    addressRevealed: reveal,
    afterSales: afterSales.map(toAfterSaleView),
    address: reveal
      ? {
          name,
          phone: readField(order.address.phone, orderAddressBinding(order._id, 'phone')),
          region: `${province} ${city} ${district}`,
          detail: readField(order.address.detail, orderAddressBinding(order._id, 'detail')),
        }
      : view.address,
    history: order.history.map((h) => ({
      event: h.event,
      from: h.from,
      to: h.to,
      actor: h.actor,
      at: new Date(h.at).toISOString(),
    })),
  };
}

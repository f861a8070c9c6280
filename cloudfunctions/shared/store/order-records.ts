import type { OrderView } from '../../../typings/order.js';
import { ORDERS, OrderDoc } from '../model/order.js';
import { orderAddressBinding, readField } from '../platform/field-crypto.js';
import { maskDetail, maskPhone } from '../rules/masks.js';
import { ORDER_STATUS_LABELS } from '../rules/order-transitions.js';
import { _, db } from './db.js';
import { pageNewestFirst } from './pagination.js';

/** Orders as shoppers see them, the lookup that answers a retried order placement, and order lists a page at a time. */

/** The order for the shopper: its status label, and the address snapshot decrypted and masked (unreadable: a placeholder). */
export function toOrderView(order: OrderDoc): OrderView {
  return {
    orderId: order._id,
    status: order.status,
    statusLabel: ORDER_STATUS_LABELS[order.status],
    lines: order.lines,
    amounts: order.amounts,
    address: {
      name: order.address.name,
      phone: readField(order.address.phone, orderAddressBinding(order._id, 'phone'), maskPhone),
      region: `${order.address.province} ${order.address.city} ${order.address.district}`,
      detail: readField(order.address.detail, orderAddressBinding(order._id, 'detail'), maskDetail),
    },
    remark: order.remark,
    createdAt: new Date(order.createdAt).toISOString(),
    ...(order.status === 'pending_payment' ? { expiresAt: new Date(order.expiresAt).toISOString() } : {}),
    ...(order.afterSaleId ? { afterSaleId: order.afterSaleId } : {}),
    ...(order.shipping && order.shippedAt
      ? { shipping: order.shipping, shippedAt: new Date(order.shippedAt).toISOString() }
      : {}),
    ...(order.refunds?.units.some((n) => n > 0) ? { refunded: { fee: order.refunds.fee, units: order.refunds.units } } : {}),
  };
}

/** The shopper's order made with this idempotency key, if any: a retried create answers it instead of a new one. */
export async function existingOrder(openid: string, idempotencyKey: string): Promise<OrderDoc | undefined> {
  return (await db.collection<OrderDoc>('orders').where({ openid, idempotencyKey }).limit(1).get()).data[0];
}

/**
 * One page of the orders matching `conditions` (all orders when none), newest first, `_id` breaking ties, after the
 * keyset `cursor` of the previous page (indexes on `createdAt`, alone or after the filtered fields).
 */
export function pageOfOrders<T extends OrderDoc = OrderDoc>(
  conditions: Array<Record<string, unknown>>,
  page: { cursor?: string; pageSize: number },
): Promise<{ items: T[]; nextCursor?: string }> {
  return pageNewestFirst<T>(ORDERS, conditions, page);
}

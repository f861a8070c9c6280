import type { OrderView } from '../../../typings/order.js';
import { OrderDoc } from '../model/order.js';
import { decryptField } from '../platform/field-crypto.js';
import { maskDetail, maskPhone } from '../rules/masks.js';
import { ORDER_STATUS_LABELS } from '../rules/order-transitions.js';
import { _, db } from './db.js';
import { afterCursor, pageOf } from './pagination.js';

/** Orders as shoppers see them, the lookup that answers a retried order placement, and order lists a page at a time. */

/** The order for the shopper: its status label, and the address snapshot decrypted and masked. */
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

/** The shopper's order made with this idempotency key, if any: a retried create answers it instead of a new one. */
export async function existingOrder(openid: string, idempotencyKey: string): Promise<OrderDoc | undefined> {
  return (await db.collection<OrderDoc>('orders').where({ openid, idempotencyKey }).limit(1).get()).data[0];
}

/**
 * One page of the orders matching `conditions` (all orders when none), newest first, `_id` breaking ties, after the
 * keyset `cursor` of the previous page (indexes on `createdAt`, alone or after the filtered fields).
 */
export async function pageOfOrders<T extends OrderDoc = OrderDoc>(
  conditions: Array<Record<string, unknown>>,
  page: { cursor?: string; pageSize: number },
): Promise<{ items: T[]; nextCursor?: string }> {
  const all = [...conditions, ...(page.cursor ? afterCursor('createdAt', 'desc', page.cursor, true) : [])];
  const orders = db.collection<T>('orders');
  const query = all.length ? orders.where(_.and(all)) : orders;
  const docs = (
    await query
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'asc')
      .limit(page.pageSize + 1)
      .get()
  ).data;
  return pageOf(docs, page.pageSize, (o) => new Date(o.createdAt).getTime());
}

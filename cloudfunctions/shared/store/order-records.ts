import type { OrderView } from '../../../typings/order.js';
import { OrderDoc } from '../model/order.js';
import { decryptField } from '../platform/field-crypto.js';
import { maskDetail, maskPhone } from '../rules/masks.js';
import { ORDER_STATUS_LABELS } from '../rules/order-transitions.js';
import { db } from './db.js';

/** Orders as shoppers see them, and the lookup that answers a retried order placement. */

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

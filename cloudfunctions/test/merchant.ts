import { nextState, type OrderStatus } from '../shared/order-state.js';
import type { startShop } from './shop.js';

type Shop = Awaited<ReturnType<typeof startShop>>;

export interface Shipment {
  carrier: string;
  trackingNo: string;
  /** When it shipped (default now); a past date makes an order due for automatic confirmation. */
  at?: Date;
}

/**
 * The merchant's "ship" step, written straight to the database (node-sdk) — it stands in for the admin function's
 * shipping route until that exists. It follows the same rules: the transition table decides, and the update applies
 * only if the order is still in the state that was read.
 */
export async function shipOrder(shop: Shop, orderId: string, { carrier, trackingNo, at = new Date() }: Shipment): Promise<void> {
  const order = (await shop.db.collection('orders').doc(orderId).get()).data[0] as { status: OrderStatus } | undefined;
  if (!order) throw new Error(`shipOrder: no order ${orderId}`);
  const to = nextState(order.status, 'ship', 'merchant');
  const entry = { event: 'ship', from: order.status, to, actor: 'merchant', at };
  const res = await shop.db
    .collection('orders')
    .where({ _id: orderId, status: order.status })
    .update({ status: to, shippedAt: at, shipping: { carrier, trackingNo }, history: shop.db.command.push(entry) });
  if (res.updated !== 1) throw new Error(`shipOrder: order ${orderId} changed while shipping`);
}

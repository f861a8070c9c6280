import type { OrderDoc } from './orders.js';
import { clip, orderTitle } from './payments.js';

/**
 * Subscribe messages about an order beyond payment (the 'paid' one sits with the payment code in payments.ts). Each
 * keyword respects WeChat's length limit for its type, or the whole send is refused (errcode 47003).
 */

/** The "order shipped" subscribe message (template keywords: order number, carrier, tracking number, items). */
export function shippedMessage(order: Pick<OrderDoc, '_id' | 'openid' | 'lines'> & { shipping: { carrier: string; trackingNo: string } }) {
  return {
    touser: order.openid,
    templateId: process.env.TEMPLATE_ORDER_SHIPPED || 'TPL_ORDER_SHIPPED',
    page: `pages/order/detail/index?orderId=${order._id}`,
    data: {
      character_string1: { value: order._id },
      thing2: { value: clip(order.shipping.carrier, 20) },
      character_string3: { value: clip(order.shipping.trackingNo, 32) },
      thing4: { value: clip(orderTitle(order), 20) },
    },
    miniprogramState: 'developer',
  };
}

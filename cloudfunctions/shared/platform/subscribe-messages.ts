import type { MessageTemplates } from '../../../typings/user.js';
import type { UserCouponDoc } from '../model/coupon.js';
import { type OrderDoc } from '../model/order.js';
import { ruleSummary } from '../rules/coupon-quotes.js';
import { beijingTime } from '../rules/csv.js';
import { clip, orderTitle, yuan } from '../rules/money.js';
import { cloud } from './cloud.js';

/**
 * The subscribe messages about an order, and sending them through the open API. Each keyword respects WeChat's
 * length limit for its type, or the whole send is refused (errcode 47003). Template ids come from the environment
 * (`TEMPLATE_*`).
 */

/** The template id of each message kind (placeholders until the function's variables name the real ones). */
export function messageTemplates(): MessageTemplates {
  return {
    order_paid: process.env.TEMPLATE_ORDER_PAID || 'TPL_ORDER_PAID',
    order_shipped: process.env.TEMPLATE_ORDER_SHIPPED || 'TPL_ORDER_SHIPPED',
    coupon_issued: process.env.TEMPLATE_COUPON_ISSUED || 'TPL_COUPON_ISSUED',
  };
}

/**
 * Which version of the mini-program a message opens: `formal` (the released one) unless `MINIPROGRAM_STATE` says
 * `developer` or `trial` (a test environment's DevTools or trial builds).
 */
function miniprogramState(): 'formal' | 'developer' | 'trial' {
  const state = process.env.MINIPROGRAM_STATE;
  return state === 'developer' || state === 'trial' ? state : 'formal';
}

/** The "order shipped" subscribe message (template keywords: order number, carrier, tracking number, items). */
export function shippedMessage(
  order: Pick<OrderDoc, '_id' | 'openid' | 'lines'> & { shipping: { carrier: string; trackingNo: string } },
) {
  return {
    touser: order.openid,
    templateId: messageTemplates().order_shipped,
    page: `pages/order/detail/index?orderId=${order._id}`,
    data: {
      character_string1: { value: order._id },
      thing2: { value: clip(order.shipping.carrier, 20) },
      character_string3: { value: clip(order.shipping.trackingNo, 32) },
      thing4: { value: clip(orderTitle(order), 20) },
    },
    miniprogramState: miniprogramState(),
  };
}

/** The "order paid" subscribe message (template keywords: order number, amount, items). */
export function paidMessage(order: Pick<OrderDoc, '_id' | 'openid' | 'lines' | 'amounts'>) {
  return {
    touser: order.openid,
    templateId: messageTemplates().order_paid,
    page: `pages/order/detail/index?orderId=${order._id}`,
    data: {
      character_string1: { value: order._id },
      amount2: { value: yuan(order.amounts.payable) },
      thing3: { value: clip(orderTitle(order), 20) },
    },
    miniprogramState: miniprogramState(),
  };
}

/**
 * The "coupon received" subscribe message of a win-back campaign (template keywords: coupon name, what it takes off,
 * valid until, a note); it opens the shopper's coupons.
 */
export function couponIssuedMessage(coupon: Pick<UserCouponDoc, 'openid' | 'name' | 'rule' | 'validUntil'>) {
  return {
    touser: coupon.openid,
    templateId: messageTemplates().coupon_issued,
    page: 'pages/coupon/mine/index',
    data: {
      thing1: { value: clip(coupon.name, 20) },
      thing2: { value: clip(ruleSummary(coupon.rule), 20) },
      time3: { value: beijingTime(coupon.validUntil).slice(0, 16) },
      thing4: { value: '好久不见，送您一张券，欢迎回来逛逛' },
    },
    miniprogramState: miniprogramState(),
  };
}

/** A subscribe message as `subscribeMessage.send` takes it: keywords by name, each with its value. */
export interface SubscribeMessage {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'formal' | 'developer' | 'trial';
}

/** wx-server-sdk's typings do not describe `openapi`; this is the one call the shop makes. */
interface OpenApi {
  subscribeMessage: { send(message: SubscribeMessage): Promise<unknown> };
}

/** Sends a subscribe message through the cloud call (`subscribeMessage.send`, permission in config.json). */
export async function sendSubscribeMessage(message: SubscribeMessage): Promise<void> {
  await (cloud as unknown as { openapi: OpenApi }).openapi.subscribeMessage.send(message);
}

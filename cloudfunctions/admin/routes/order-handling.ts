import {
  AdminOrderDetailInput,
  AdminOrdersListInput,
  AdminRoutes,
  ShipInput,
  type AdminOrderDetail,
  type AdminOrderPage,
  type AdminOrderView,
} from '../../../typings/admin.js';
import { sendSubscribeMessage, shippedMessage } from '../../shared/platform/subscribe-messages.js';
import { notFound } from '../../shared/rules/errors.js';
import { afterSalesOfOrder } from '../../shared/store/after-sale-records.js';
import { _, db } from '../../shared/store/db.js';
import { refuseUnfinishedGroup } from '../../shared/store/group-seats.js';
import { pageOfOrders } from '../../shared/store/order-records.js';
import { transitionOrder } from '../../shared/workflows/order-lifecycle.js';
import { audited, auditPersonalDataRead } from '../audit.js';
import { toAdminOrderDetail, toAdminOrderView, type AdminOrderDoc } from '../order-views.js';
import { adminRoute, requirePermission, requireVerification } from '../rbac.js';

/** Every shopper's orders, newest first, by status or all (indexes `{status, createdAt}` and `{createdAt}`). */
export const list = adminRoute('orders.read', AdminOrdersListInput, async (input): Promise<AdminOrderPage> => {
  const page = await pageOfOrders<AdminOrderDoc>(input.status === 'all' ? [] : [{ status: input.status }], input);
  return { items: page.items.map(toAdminOrderView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

export const detail = adminRoute(
  'orders.read',
  AdminOrderDetailInput,
  async ({ orderId, reveal }, ctx): Promise<AdminOrderDetail> => {
    if (reveal) {
      requirePermission(ctx.merchant, 'personal_data.read');
      requireVerification(ctx);
    }
    const order = (await db.collection<AdminOrderDoc>('orders').doc(orderId).get()).data;
    if (!order) throw notFound('订单');
    if (reveal) await auditPersonalDataRead(ctx, orderId, ['phone', 'detail']);
    return toAdminOrderDetail(order, reveal, await afterSalesOfOrder(orderId));
  },
);

/**
 * Ships a paid order, then tells the shopper (a message that cannot be sent is logged; the order has shipped). A
 * group-buy order ships only once its group succeeded (checked in the shipping transaction).
 */
export const ship = adminRoute(
  'orders.ship',
  ShipInput,
  async ({ orderId, carrier, trackingNo }, ctx): Promise<AdminOrderView> => {
    const audit = audited(ctx, AdminRoutes.ordersShip, { carrier, trackingNo });
    const order = await transitionOrder({
      orderId,
      event: 'ship',
      actor: 'merchant',
      now: ctx.now,
      fields: () => ({ shippedAt: ctx.now, shipping: { carrier, trackingNo } }),
      alongside: async (tx, change) => {
        await refuseUnfinishedGroup(tx, change.before);
        await audit(tx, change);
      },
    });
    try {
      await sendSubscribeMessage(shippedMessage({ ...order, shipping: { carrier, trackingNo } }));
    } catch (err) {
      // The shopper may not have subscribed; the order has shipped either way.
      console.warn(`shipped message for order ${orderId} not sent`, err);
    }
    return toAdminOrderView(order);
  },
);

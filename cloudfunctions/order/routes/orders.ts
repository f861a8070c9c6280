import { ListInput, OrderIdInput, type OrderPage, type OrderView } from '../../../typings/order.js';
import { afterCursor, pageOf } from '../../shared/cursor.js';
import { _, db } from '../../shared/db.js';
import { notFound } from '../../shared/errors.js';
import { nextState, releasesHoldings } from '../../shared/order-state.js';
import { type OrderDoc, toOrderView } from '../../shared/orders.js';
import { route } from '../../shared/route.js';
import { withRetries } from '../../shared/transactions.js';

export const list = route(ListInput, async (input, ctx): Promise<OrderPage> => {
  const conditions: Array<Record<string, unknown>> = [{ openid: ctx.openid }];
  if (input.status !== 'all') conditions.push({ status: input.status });
  if (input.cursor) conditions.push(...afterCursor('createdAt', 'desc', input.cursor, true));
  const docs = (await db.collection<OrderDoc>('orders').where(_.and(conditions)).orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(input.pageSize + 1).get()).data;
  const page = pageOf(docs, input.pageSize, (o) => new Date(o.createdAt).getTime());
  return { items: page.items.map(toOrderView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
});

/** Another shopper's order answers NOT_FOUND, exactly like one that does not exist. */
async function ownOrder(orderId: string, openid: string): Promise<OrderDoc> {
  const order = (await db.collection<OrderDoc>('orders').where({ _id: orderId, openid }).limit(1).get()).data[0];
  if (!order) throw notFound('订单');
  return order;
}

export const detail = route(OrderIdInput, async ({ orderId }, ctx): Promise<OrderView> => toOrderView(await ownOrder(orderId, ctx.openid)));

/** Cancels an unpaid order and, in the same transaction, returns its stock. */
export const cancel = route(OrderIdInput, async ({ orderId }, ctx): Promise<OrderView> => {
  await ownOrder(orderId, ctx.openid);
  const order = await withRetries(db, async (tx) => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    const to = nextState(current.status, 'cancel', 'shopper');
    if (releasesHoldings('cancel')) {
      for (const line of current.lines) await tx.collection('skus').doc(line.skuId).update({ data: { stock: _.inc(line.quantity) } });
    }
    const entry = { event: 'cancel', from: current.status, to, actor: 'shopper', at: ctx.now };
    await tx.collection('orders').doc(orderId).update({ data: { status: to, history: _.push(entry) } });
    return { ...current, status: to, history: [...current.history, entry] };
  });
  return toOrderView(order);
});

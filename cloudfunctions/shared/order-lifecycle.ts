import { _, db } from './db.js';
import { notFound } from './errors.js';
import { type Actor, type OrderEvent, type OrderStatus, type TransitionContext, nextState, releasesHoldings } from './order-state.js';
import type { OrderDoc } from './orders.js';
import { withRetries } from './transactions.js';


export interface TransitionRequest {
  orderId: string;
  event: OrderEvent;
  actor: Actor;
  now: Date;
  /** Set for a shopper: another shopper's order answers NOT_FOUND, exactly like one that does not exist. */
  openid?: string;
  /** Fields written together with the new status. */
  fields?: (current: OrderDoc, to: OrderStatus) => Record<string, unknown>;
}

/**
 * Applies one lifecycle event to one order in one transaction: the order is read inside it, `nextState` decides
 * (INVALID_STATE otherwise), the history gains an entry, and events that release holdings return the stock in the
 * same transaction. Concurrent events on one order therefore cannot both apply.
 */
export async function transitionOrder(request: TransitionRequest): Promise<OrderDoc> {
  const { orderId, event, actor, now } = request;
  return withRetries(db, async (tx) => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    if (!current || (request.openid !== undefined && current.openid !== request.openid)) throw notFound('订单');
    const context: TransitionContext = current.refundRequestedFrom === 'paid' || current.refundRequestedFrom === 'shipped' ? { refundRequestedFrom: current.refundRequestedFrom } : {};
    const to = nextState(current.status, event, actor, context);
    if (releasesHoldings(event)) {
      for (const line of current.lines) await tx.collection('skus').doc(line.skuId).update({ data: { stock: _.inc(line.quantity) } });
    }
    const fields = request.fields?.(current, to) ?? {};
    const entry = { event, from: current.status, to, actor, at: now };
    await tx.collection('orders').doc(orderId).update({ data: { ...fields, status: to, history: _.push(entry) } });
    return { ...current, ...fields, status: to, history: [...current.history, entry] } as OrderDoc;
  });
}

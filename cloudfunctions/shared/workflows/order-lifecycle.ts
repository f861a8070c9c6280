import type { OrderStatus } from '../../../typings/order.js';
import { type AfterSaleDoc } from '../model/after-sale.js';
import { type Actor, type OrderDoc, type OrderEvent } from '../model/order.js';
import { notFound } from '../rules/errors.js';
import { type TransitionContext, nextState } from '../rules/order-transitions.js';
import { type Transaction, _, db } from '../store/db.js';
import { withRetries } from '../store/transactions.js';
import { applyOrderEffects } from './order-effects.js';

/** An order's status changed by a lifecycle event: one transaction per event, its effects included. */

export interface TransitionRequest {
  orderId: string;
  event: OrderEvent;
  actor: Actor;
  now: Date;
  /** Set for a shopper: another shopper's order answers NOT_FOUND, exactly like one that does not exist. */
  openid?: string;
  /** Fields written together with the new status. */
  fields?: (current: OrderDoc, to: OrderStatus) => Record<string, unknown>;
  /**
   * Further writes that must land with the transition or not at all (the admin function's audit entry): run in the same
   * transaction once the order is updated. Throwing aborts the transaction, the order's update included.
   */
  alongside?: (tx: Transaction, change: { before: OrderDoc; after: OrderDoc }) => Promise<void>;
}

/**
 * Applies one lifecycle event to one order in one transaction: the order is read inside it, `nextState` decides
 * (INVALID_STATE otherwise), the history gains an entry, and the event's effects (order-effects.ts: stock returned on
 * cancel, ...) are written, all in the same transaction as the request's `alongside` writes. Concurrent events on one
 * order therefore cannot both apply.
 */
export async function transitionOrder(request: TransitionRequest): Promise<OrderDoc> {
  const { orderId, event, actor, now } = request;
  return withRetries(db, async (tx) => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    if (!current || (request.openid !== undefined && current.openid !== request.openid)) throw notFound('订单');
    const after = await moveOrder(tx, current, { event, actor, now, fields: (to) => request.fields?.(current, to) ?? {} });
    await request.alongside?.(tx, { before: current, after });
    return after;
  });
}

export interface OrderMove {
  event: OrderEvent;
  actor: Actor;
  now: Date;
  /** Fields written with the new status. */
  fields?: (to: OrderStatus) => Record<string, unknown>;
  /** Fields removed with it. */
  remove?: ReadonlyArray<keyof OrderDoc>;
  /** The after-sale case behind the event, for the effects (order-effects.ts). */
  afterSale?: AfterSaleDoc;
}

/**
 * One lifecycle event on an order already read inside `tx`: `nextState` decides (INVALID_STATE otherwise), the status,
 * fields and history entry are written, and the event's effects run, all in `tx`. Answers the order as written.
 */
export async function moveOrder(tx: Transaction, current: OrderDoc, move: OrderMove): Promise<OrderDoc> {
  const { event, actor, now } = move;
  const from = current.refundRequestedFrom;
  const context: TransitionContext =
    from === 'paid' || from === 'shipped' || from === 'completed' ? { refundRequestedFrom: from } : {};
  const to = nextState(current.status, event, actor, context);
  const fields = move.fields?.(to) ?? {};
  const entry = { event, from: current.status, to, actor, at: now };
  const removed = Object.fromEntries((move.remove ?? []).map((key) => [key, _.remove()]));
  await tx
    .collection('orders')
    .doc(current._id)
    .update({ data: { ...fields, ...removed, status: to, history: _.push(entry) } });
  const after: OrderDoc = { ...current, ...fields, status: to, history: [...current.history, entry] };
  for (const key of move.remove ?? []) delete after[key];
  await applyOrderEffects(tx, { event, before: current, after, now, ...(move.afterSale ? { afterSale: move.afterSale } : {}) });
  return after;
}

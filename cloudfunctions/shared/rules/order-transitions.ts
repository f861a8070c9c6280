import { ErrorCode } from '../../../typings/common.js';
import { ACTOR_LABELS as ACTOR_NAMES, ORDER_EVENT_LABELS as EVENT_LABELS } from '../../../typings/labels.js';
import type { OrderStatus } from '../../../typings/order.js';
import type { Actor, OrderEvent, RefundableStatus } from '../model/order.js';
import { ShopError } from './errors.js';

/**
 * The order lifecycle as a table: which event, by which actor, moves an order from which status to which, and the
 * labels shoppers see. Pure: workflows/order-lifecycle.ts and workflows/payment-settlement.ts apply it.
 */

export interface Transition {
  /** null: the order does not exist yet (it is being created). */
  readonly from: OrderStatus | null;
  readonly event: OrderEvent;
  readonly to: OrderStatus;
  readonly by: readonly Actor[];
}

/**
 * The whole order lifecycle. `refunding` is one state; on `request_refund` the order records the state it left in
 * `refundRequestedFrom`, and a withdrawn or rejected request goes back there: the table lists both ways back, and
 * `nextState` picks the one named by `refundRequestedFrom`, so no status is ever computed outside this table.
 */
export const transitions: readonly Transition[] = [
  // Every order starts here, however it is bought; `pendingOrder` (new-orders.ts) writes this first history entry.
  { from: null, event: 'create', to: 'pending_payment', by: ['shopper'] },
  { from: 'pending_payment', event: 'pay', to: 'paid', by: ['system'] },
  { from: 'pending_payment', event: 'cancel', to: 'cancelled', by: ['shopper', 'merchant'] },
  { from: 'pending_payment', event: 'timeout', to: 'cancelled', by: ['system'] },
  // The money arrived after the order was closed: the order stays cancelled and the payment is refunded automatically.
  { from: 'cancelled', event: 'late_payment', to: 'cancelled', by: ['system'] },
  // WeChat Pay confirmed a payment of another amount than the order's: the order closes (holdings back) and the money
  // goes back in full (workflows/payment-settlement.ts).
  { from: 'pending_payment', event: 'payment_mismatch', to: 'cancelled', by: ['system'] },
  { from: 'paid', event: 'ship', to: 'shipped', by: ['merchant'] },
  { from: 'shipped', event: 'confirm_receipt', to: 'completed', by: ['shopper'] },
  { from: 'shipped', event: 'auto_confirm', to: 'completed', by: ['system'] },
  { from: 'paid', event: 'request_refund', to: 'refunding', by: ['shopper'] },
  { from: 'shipped', event: 'request_refund', to: 'refunding', by: ['shopper'] },
  // After-sale (售后): within the refund window after completion (the request route checks the window).
  { from: 'completed', event: 'request_refund', to: 'refunding', by: ['shopper'] },
  { from: 'refunding', event: 'withdraw_refund', to: 'paid', by: ['shopper'] },
  { from: 'refunding', event: 'withdraw_refund', to: 'shipped', by: ['shopper'] },
  { from: 'refunding', event: 'withdraw_refund', to: 'completed', by: ['shopper'] },
  { from: 'refunding', event: 'reject_refund', to: 'paid', by: ['merchant'] },
  { from: 'refunding', event: 'reject_refund', to: 'shipped', by: ['merchant'] },
  { from: 'refunding', event: 'reject_refund', to: 'completed', by: ['merchant'] },
  { from: 'refunding', event: 'approve_refund', to: 'refund_approved', by: ['merchant'] },
  { from: 'refund_approved', event: 'refund_succeeded', to: 'refunded', by: ['system'] },
  // An after-sale case refunded some units: the order goes back to where it was, with the rest still bought.
  { from: 'refund_approved', event: 'partial_refund', to: 'paid', by: ['system'] },
  { from: 'refund_approved', event: 'partial_refund', to: 'shipped', by: ['system'] },
  { from: 'refund_approved', event: 'partial_refund', to: 'completed', by: ['system'] },
  // A group-buy whose time ran out before it reached its target: unpaid seats are closed, paid ones refunded in full
  // without a merchant's decision (the refund callback then completes them with refund_succeeded).
  { from: 'pending_payment', event: 'group_failed', to: 'cancelled', by: ['system'] },
  { from: 'paid', event: 'group_refund', to: 'refund_approved', by: ['system'] },
  { from: 'refunding', event: 'group_refund', to: 'refund_approved', by: ['system'] },
];

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '待收货',
  completed: '已完成',
  cancelled: '已取消',
  refunding: '退款中',
  refund_approved: '退款处理中',
  refunded: '已退款',
};

// Typed here so a new event or actor without a label does not compile.
export const ORDER_EVENT_LABELS: Readonly<Record<OrderEvent, string>> = EVENT_LABELS;
const ACTOR_LABELS: Readonly<Record<Actor, string>> = ACTOR_NAMES;

export interface TransitionContext {
  /** Recorded on the order by `request_refund`; needed to leave `refunding` without a refund. */
  refundRequestedFrom?: RefundableStatus;
}

/** Applies `event` by `actor` to an order in `state`, or refuses with INVALID_STATE. */
export function nextState(state: OrderStatus, event: OrderEvent, actor: Actor, context: TransitionContext = {}): OrderStatus {
  const rows = transitions.filter((t) => t.from === state && t.event === event);
  if (rows.length === 0) {
    throw new ShopError(ErrorCode.INVALID_STATE, `订单${ORDER_STATUS_LABELS[state]}，不能${ORDER_EVENT_LABELS[event]}`);
  }
  const allowed = rows.filter((t) => t.by.includes(actor));
  if (allowed.length === 0) {
    throw new ShopError(ErrorCode.INVALID_STATE, `${ACTOR_LABELS[actor]}不能${ORDER_EVENT_LABELS[event]}`);
  }
  if (allowed.length === 1) return allowed[0]!.to;
  const back = allowed.find((t) => t.to === context.refundRequestedFrom);
  if (!back) throw new ShopError(ErrorCode.INVALID_STATE, '订单缺少申请退款前的状态，不能' + ORDER_EVENT_LABELS[event]);
  return back.to;
}

export function canTransition(state: OrderStatus, event: OrderEvent, actor: Actor, context: TransitionContext = {}): boolean {
  try {
    nextState(state, event, actor, context);
    return true;
  } catch (error) {
    if (error instanceof ShopError) return false;
    throw error;
  }
}

/** The events after which the order gives back the stock, coupons and points it holds. */
export function releasesHoldings(event: OrderEvent): boolean {
  return (
    event === 'cancel' ||
    event === 'timeout' ||
    event === 'group_failed' ||
    event === 'refund_succeeded' ||
    event === 'payment_mismatch'
  );
}

/** The events after which the payment must be returned without a merchant's decision. */
export function refundsAutomatically(event: OrderEvent): boolean {
  return event === 'late_payment' || event === 'payment_mismatch';
}

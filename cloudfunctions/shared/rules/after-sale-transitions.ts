import { ErrorCode } from '../../../typings/common.js';
import { AFTER_SALE_STATUS_LABELS } from '../../../typings/labels.js';
import type { AfterSaleKind, AfterSaleStatus } from '../../../typings/order-after-sale.js';
import type { AfterSaleEvent } from '../model/after-sale.js';
import type { Actor, OrderEvent } from '../model/order.js';
import { ShopError } from './errors.js';

/**
 * The after-sale case (售后) lifecycle as a table, next to the order's (order-transitions.ts): which event, by which
 * actor, moves a case of which kind from which status to which, and what it does to the order. Pure:
 * workflows/after-sales.ts applies both in one transaction.
 */

export interface AfterSaleTransition {
  readonly from: AfterSaleStatus | null;
  readonly event: AfterSaleEvent;
  readonly to: AfterSaleStatus;
  readonly by: readonly Actor[];
  /** Absent: either kind. */
  readonly kind?: AfterSaleKind;
  /** The order's event in the same transaction; absent: the order does not move. */
  readonly order?: OrderEvent;
}

export const afterSaleTransitions: readonly AfterSaleTransition[] = [
  { from: null, event: 'request', to: 'requested', by: ['shopper'], order: 'request_refund' },
  { from: 'requested', event: 'withdraw', to: 'withdrawn', by: ['shopper'], order: 'withdraw_refund' },
  { from: 'requested', event: 'reject', to: 'rejected', by: ['merchant'], order: 'reject_refund' },
  // Refund only: the money goes back at once (the goods stay with the shopper, or never left the shop).
  { from: 'requested', event: 'approve', to: 'refunding', by: ['merchant'], kind: 'refund_only', order: 'approve_refund' },
  // Return and refund: first the goods come back.
  { from: 'requested', event: 'approve', to: 'awaiting_return', by: ['merchant'], kind: 'return_refund' },
  { from: 'awaiting_return', event: 'withdraw', to: 'withdrawn', by: ['shopper'], order: 'withdraw_refund' },
  { from: 'awaiting_return', event: 'ship_return', to: 'returning', by: ['shopper'] },
  // Only a receipt restocks, and the money follows it.
  { from: 'returning', event: 'receive', to: 'refunding', by: ['merchant'], order: 'approve_refund' },
  // The parcel came back empty or not as described.
  { from: 'returning', event: 'reject', to: 'rejected', by: ['merchant'], order: 'reject_refund' },
  // The order's event is `refund_succeeded` when no unit is left, `partial_refund` otherwise (workflows decide).
  { from: 'refunding', event: 'refund_succeeded', to: 'refunded', by: ['system'] },
  // The order is refunded in full another way (its group-buy failed) while the request waits: nothing left to decide.
  { from: 'requested', event: 'close', to: 'closed', by: ['system'] },
];

export const AFTER_SALE_EVENT_LABELS: Record<AfterSaleEvent, string> = {
  request: '申请售后',
  approve: '同意申请',
  reject: '拒绝申请',
  withdraw: '撤销申请',
  ship_return: '寄回商品',
  receive: '确认收到退货',
  refund_succeeded: '完成退款',
  close: '关闭申请',
};

/** Statuses in which a case is still open: the order takes no other case meanwhile. */
export function isOpenCase(status: AfterSaleStatus): boolean {
  return status !== 'refunded' && status !== 'rejected' && status !== 'withdrawn' && status !== 'closed';
}

/** The row for `event` by `actor` on a case of `kind` in `status`, or INVALID_STATE with a reason the user can read. */
export function afterSaleStep(
  status: AfterSaleStatus | null,
  event: AfterSaleEvent,
  actor: Actor,
  kind: AfterSaleKind,
): AfterSaleTransition {
  const rows = afterSaleTransitions.filter((t) => t.from === status && t.event === event && (!t.kind || t.kind === kind));
  const where = status ? `售后${AFTER_SALE_STATUS_LABELS[status]}` : '售后';
  if (rows.length === 0) throw new ShopError(ErrorCode.INVALID_STATE, `${where}，不能${AFTER_SALE_EVENT_LABELS[event]}`);
  const row = rows.find((t) => t.by.includes(actor));
  if (!row)
    throw new ShopError(
      ErrorCode.INVALID_STATE,
      `${where}，${actor === 'shopper' ? '买家' : '商家'}不能${AFTER_SALE_EVENT_LABELS[event]}`,
    );
  return row;
}

import type { TdTagProps } from 'tdesign-vue-next';
import type { AfterSaleStatus } from '../../../../typings/order-after-sale';
import type { OrderStatus, PricedLine } from '../../../../typings/order';

/**
 * How the order pages name statuses and events. The API answers the shopper's wording (`statusLabel`: 待收货); the
 * merchant reads the same status from the shop's side (已发货). The lists mirror typings/order.ts and
 * typings/order-after-sale.ts (the page may import only types from there).
 */
type TagTheme = NonNullable<TdTagProps['theme']>;

export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: '待付款',
  paid: '待发货',
  shipped: '已发货',
  completed: '已完成',
  cancelled: '已取消',
  refunding: '售后中',
  refund_approved: '退款处理中',
  refunded: '已退款',
};

export const ORDER_STATUSES = Object.keys(ORDER_STATUS_LABELS) as OrderStatus[];

export const ORDER_STATUS_THEMES: Record<OrderStatus, TagTheme> = {
  pending_payment: 'warning',
  paid: 'primary',
  shipped: 'primary',
  completed: 'success',
  cancelled: 'default',
  refunding: 'danger',
  refund_approved: 'warning',
  refunded: 'default',
};

/** The order's history events (cloudfunctions/shared/rules/order-transitions.ts). */
export const ORDER_EVENT_LABELS: Record<string, string> = {
  create: '下单',
  pay: '支付',
  cancel: '取消订单',
  timeout: '超时关闭',
  late_payment: '处理超时到账的支付',
  payment_mismatch: '支付金额不符，关闭并退款',
  ship: '发货',
  confirm_receipt: '确认收货',
  auto_confirm: '自动确认收货',
  request_refund: '申请退款',
  withdraw_refund: '撤销退款申请',
  approve_refund: '同意退款',
  reject_refund: '拒绝退款',
  refund_succeeded: '完成退款',
  partial_refund: '完成部分退款',
  group_failed: '拼团失败关闭',
  group_refund: '拼团失败退款',
};

export const ACTOR_LABELS: Record<string, string> = { shopper: '买家', merchant: '商家', system: '系统' };

export const AFTER_SALE_STATUS_LABELS: Record<AfterSaleStatus, string> = {
  requested: '待商家处理',
  awaiting_return: '待买家退货',
  returning: '退货中',
  refunding: '退款中',
  refunded: '已退款',
  rejected: '已拒绝',
  withdrawn: '已撤销',
  closed: '已关闭',
};

export const AFTER_SALE_STATUSES = Object.keys(AFTER_SALE_STATUS_LABELS) as AfterSaleStatus[];

export const AFTER_SALE_STATUS_THEMES: Record<AfterSaleStatus, TagTheme> = {
  requested: 'danger',
  awaiting_return: 'warning',
  returning: 'danger',
  refunding: 'warning',
  refunded: 'success',
  rejected: 'default',
  withdrawn: 'default',
  closed: 'default',
};

/** "颜色:黑色 / 尺码:M" → "黑色 / M". */
export const specText = (specValues: Record<string, string>): string => Object.values(specValues).join(' / ');

/** "纯棉圆领T恤 ×2 等 3 件": the first line's title and the order's unit count. */
export function linesSummary(lines: readonly Pick<PricedLine, 'title' | 'quantity'>[]): string {
  const first = lines[0];
  if (!first) return '—';
  const units = lines.reduce((n, l) => n + l.quantity, 0);
  return lines.length === 1 ? `${first.title} ×${first.quantity}` : `${first.title} 等 ${units} 件`;
}

import type { TdTagProps } from 'tdesign-vue-next';
import {
  ACTOR_LABELS as ACTOR_NAMES,
  type AfterSaleStatus,
  ORDER_EVENT_LABELS as EVENT_LABELS,
} from '../../../../typings/labels';
import type { OrderStatus, PricedLine } from '../../../../typings/order';

/**
 * How the order pages name statuses and events. The API answers the shopper's wording (`statusLabel`: 待收货); the
 * merchant reads the same status from the shop's side (已发货). Plain label lists come from
 * typings/labels.ts, the only module of typings/ besides admin-roles.ts the page imports values from.
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

export { AFTER_SALE_STATUS_LABELS, AFTER_SALE_STATUSES } from '../../../../typings/labels';

/** The history's event and actor names, the words the functions use; read by any string a history entry holds. */
export const ORDER_EVENT_LABELS: Readonly<Record<string, string>> = EVENT_LABELS;
export const ACTOR_LABELS: Readonly<Record<string, string>> = ACTOR_NAMES;

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

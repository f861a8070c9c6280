import type { CartLine } from '../../typings/cart.js';
import type { OrderView, PricedLine } from '../../typings/order.js';
import type { AfterSaleStatus } from '../../typings/order-after-sale.js';

/** The tabs of the order list and the `order.list` filter of each (售后: orders with an open case). */
export const ORDER_TABS = [
  { key: 'all', label: '全部' },
  { key: 'pending_payment', label: '待付款' },
  { key: 'paid', label: '待发货' },
  { key: 'shipped', label: '待收货' },
  { key: 'completed', label: '已完成' },
  { key: 'refunding', label: '售后' },
] as const;
export type OrderTab = (typeof ORDER_TABS)[number]['key'];

/** The tab a `?status=` query opens (unknown: 全部). */
export function orderTab(status: string | undefined): OrderTab {
  return ORDER_TABS.find((t) => t.key === status)?.key ?? 'all';
}

/** `黑色 / M` from `{ 颜色: '黑色', 尺码: 'M' }`. */
export function specText(specValues: Record<string, string> | undefined): string {
  return Object.values(specValues ?? {}).join(' / ');
}

/** What the shopper can do with an order, in the order the buttons show (the last one is the main action). */
export type OrderAction = 'cancel' | 'pay' | 'confirm' | 'review' | 'afterSale';

export const ORDER_ACTION_LABELS: Record<OrderAction, string> = {
  cancel: '取消订单',
  pay: '去支付',
  confirm: '确认收货',
  review: '评价',
  afterSale: '查看售后',
};

export function orderActions(order: Pick<OrderView, 'status' | 'afterSaleId'>): OrderAction[] {
  switch (order.status) {
    case 'pending_payment':
      return ['cancel', 'pay'];
    case 'shipped':
      return ['confirm'];
    case 'completed':
      return ['review'];
    case 'refunding':
    case 'refund_approved':
      return order.afterSaleId ? ['afterSale'] : [];
    default:
      return [];
  }
}

/** A sentence under the status of an order's page. */
export function statusHint(status: OrderView['status']): string {
  const hints: Record<OrderView['status'], string> = {
    pending_payment: '请尽快完成支付，超时订单将自动取消',
    paid: '商家正在备货，请耐心等待发货',
    shipped: '商品已发出，请注意查收',
    completed: '交易完成，欢迎评价',
    cancelled: '订单已取消',
    refunding: '售后处理中',
    refund_approved: '商家已同意退款，款项原路退回中',
    refunded: '退款已完成',
  };
  return hints[status];
}

/** Units of a line not refunded yet (what an after-sale request may still name). */
export function refundableUnits(order: Pick<OrderView, 'lines' | 'refunded'>, index: number): number {
  const line = order.lines[index];
  if (!line) return 0;
  return Math.max(0, line.quantity - (order.refunded?.units[index] ?? 0));
}

/** Orders that can take an after-sale request (a completed one within the shop's window, which the route checks). */
export function acceptsAfterSale(order: Pick<OrderView, 'status'>): boolean {
  return order.status === 'paid' || order.status === 'shipped' || order.status === 'completed';
}

/** 退货退款 needs the goods to have left the shop. */
export function acceptsReturn(order: Pick<OrderView, 'status'>): boolean {
  return order.status === 'shipped' || order.status === 'completed';
}

/** Cases the shopper may still withdraw. */
export function canWithdraw(status: AfterSaleStatus): boolean {
  return status === 'requested' || status === 'awaiting_return';
}

/** What the shopper should know or do next in an after-sale case. */
export function afterSaleHint(status: AfterSaleStatus): string {
  const hints: Record<AfterSaleStatus, string> = {
    requested: '已提交申请，等待商家处理',
    awaiting_return: '商家已同意退货，请寄回商品并填写退货物流',
    returning: '退货寄回中，商家收到后将为你退款',
    refunding: '商家已同意退款，款项原路退回中',
    refunded: '退款已完成，款项已原路退回',
    rejected: '商家拒绝了申请',
    withdrawn: '你已撤销申请',
    closed: '订单已全额退款，申请已关闭',
  };
  return hints[status];
}

/** A line as order pages draw it (order-lines component). */
export interface LineView {
  key: string;
  title: string;
  image: string;
  specText: string;
  unitPrice: number;
  quantity: number;
  /** e.g. 已退 1 件. */
  note: string;
  actions: Array<{ key: string; label: string }>;
}

export function lineView(
  line: Pick<PricedLine, 'skuId' | 'title' | 'image' | 'specValues' | 'unitPrice' | 'quantity'>,
  i = 0,
): LineView {
  return {
    key: `${line.skuId}-${i}`,
    title: line.title,
    image: line.image,
    specText: specText(line.specValues),
    unitPrice: line.unitPrice,
    quantity: line.quantity,
    note: '',
    actions: [],
  };
}

/** A cart line's notice: why it cannot be checked out as it is. */
export function cartLineNotice(line: Pick<CartLine, 'state' | 'stock'>): string {
  switch (line.state) {
    case 'low_stock':
      return `库存仅剩 ${line.stock} 件`;
    case 'sold_out':
      return '已售罄';
    case 'off_shelf':
      return '已下架';
    case 'removed':
      return '商品已失效';
    default:
      return '';
  }
}

/** `2026-12-05 14:03` in the phone's time zone, from an ISO time. */
export function formatTime(iso: string | undefined): string {
  const at = iso ? new Date(iso) : undefined;
  if (!at || Number.isNaN(at.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

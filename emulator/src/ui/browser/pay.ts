import { api, optional } from './api.js';
import {
  DELIVERY,
  REFUND_STATUS,
  TRADE_STATE,
  card,
  compact,
  empty,
  h,
  messageOf,
  num,
  pick,
  row,
  table,
  time,
  yuan,
} from './dom.js';
import { refresh, show } from './page.js';
import type { Delivery, PayOrder, PayRefund } from './types.js';

/** 支付沙箱: orders waiting for the shopper (pay or fail them here), the others, refunds, and every delivery attempt. */
async function payAction(outTradeNo: string, what: 'pay' | 'fail'): Promise<void> {
  try {
    await api('POST', '/__emulator/pay/orders/' + encodeURIComponent(outTradeNo) + '/' + what);
  } catch (err) {
    alert((what === 'pay' ? '支付失败：' : '操作失败：') + messageOf(err));
  }
  await refresh();
}

function deliveryRows(kind: string, ref: string, deliveries: Delivery[]): HTMLTableRowElement[] {
  return deliveries.map((d) =>
    row([
      time(d.at),
      kind,
      h('span', { class: 'mono' }, ref),
      num(d.attempt),
      num(d.copy),
      pick(DELIVERY, d.outcome),
      d.retryInMs === undefined ? '—' : Math.round(d.retryInMs / 1000) + ' 秒后重试',
      h('span', { class: 'cell mono', title: d.error || compact(d.result) }, d.error || compact(d.result) || '—'),
    ]),
  );
}

export async function renderPay(view: HTMLElement): Promise<void> {
  const [orders, refunds] = await Promise.all([
    optional<{ orders: PayOrder[] }>('/__emulator/pay/orders'),
    optional<{ refunds: PayRefund[] }>('/__emulator/pay/refunds'),
  ]);
  show(view, [orders, refunds], () => {
    if (!orders) return card(null, empty('未启用支付沙箱'));
    const pending = orders.orders.filter((o) => o.state === 'NOTPAY');
    const others = orders.orders.filter((o) => o.state !== 'NOTPAY');
    const refundList = refunds ? refunds.refunds : [];
    const deliveries = [
      ...orders.orders.flatMap((o) => deliveryRows('支付通知', o.outTradeNo, o.deliveries)),
      ...refundList.flatMap((r) => deliveryRows('退款通知', r.outRefundNo, r.deliveries)),
    ].sort((a, b) => (b.firstChild?.textContent ?? '').localeCompare(a.firstChild?.textContent ?? ''));
    return [
      card(
        '待支付订单',
        table(
          ['下单时间', '商户订单号', '商品', '#金额', '付款人 openid', '通知函数', '#失败次数', '操作'],
          pending.map((o) =>
            row(
              [
                time(o.createdAt),
                h('span', { class: 'mono' }, o.outTradeNo),
                o.body,
                num(yuan(o.totalFee)),
                h('span', { class: 'mono' }, o.openid || '—'),
                h('code', {}, o.functionName),
                num(o.paymentFailures),
                h(
                  'span',
                  { class: 'row', style: 'margin:0' },
                  h(
                    'button',
                    { class: 'btn primary', 'data-pay': o.outTradeNo, onclick: () => void payAction(o.outTradeNo, 'pay') },
                    '支付',
                  ),
                  h(
                    'button',
                    { class: 'btn danger', 'data-fail': o.outTradeNo, onclick: () => void payAction(o.outTradeNo, 'fail') },
                    '失败',
                  ),
                ),
              ],
              { 'data-order': o.outTradeNo },
            ),
          ),
          '没有待支付的订单',
        ),
      ),
      card(
        '其他订单',
        table(
          ['下单时间', '商户订单号', '商品', '#金额', '状态', '支付时间', '微信支付单号', '#已退款'],
          others.map((o) =>
            row(
              [
                time(o.createdAt),
                h('span', { class: 'mono' }, o.outTradeNo),
                o.body,
                num(yuan(o.totalFee)),
                pick(TRADE_STATE, o.state),
                time(o.paidAt || o.closedAt),
                h('span', { class: 'mono' }, o.transactionId || '—'),
                num(yuan(o.refundedFee)),
              ],
              { 'data-order': o.outTradeNo },
            ),
          ),
          '暂无订单',
        ),
      ),
      card(
        '退款',
        table(
          ['申请时间', '商户退款单号', '商户订单号', '#退款金额', '#订单金额', '状态', '完成时间'],
          refundList.map((r) =>
            row([
              time(r.createdAt),
              h('span', { class: 'mono' }, r.outRefundNo),
              h('span', { class: 'mono' }, r.outTradeNo),
              num(yuan(r.refundFee)),
              num(yuan(r.totalFee)),
              pick(REFUND_STATUS, r.status),
              time(r.successTime),
            ]),
          ),
          '暂无退款',
        ),
      ),
      card(
        '通知投递记录',
        table(['时间', '类型', '单号', '#第几次', '#副本', '结果', '重试', '详情'], deliveries, '暂无通知投递'),
      ),
    ];
  });
}

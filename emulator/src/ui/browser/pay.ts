import { api, optional } from './api.js';
import {
  DELIVERY,
  REFUND_STATUS,
  TRADE_STATE,
  byId,
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
import type { Delivery, PayFaults, PayOrder, PayRefund } from './types.js';

/**
 * 支付沙箱: orders waiting for the shopper (pay or fail them here), the others, refunds, every delivery attempt, and
 * the sandbox's fault injection (`GET`/`POST /__emulator/pay/faults`).
 */
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

const NUMBER_FAULTS = [
  ['duplicateNotifications', '每条通知额外重复投递', '份'],
  ['delayMs', '每次投递前延迟', '毫秒'],
  ['refuseCalls', '接下来拒绝投递', '次（不调用函数，按失败重试）'],
] as const;
const BOOLEAN_FAULTS = [
  ['holdRefunds', '退款保持“退款中”，取消后才完成'],
  ['deliverAfterRefund', '退款成功后再投递一次支付通知（迟到的重复通知）'],
] as const;
const PAY_APIS = [
  ['unifiedOrder', '统一下单'],
  ['queryOrder', '查询订单'],
  ['closeOrder', '关闭订单'],
  ['refund', '申请退款'],
  ['queryRefund', '查询退款'],
] as const;

/** Edited since last shown or applied: the refresh then leaves the form alone. */
let faultsDirty = false;
let faultsShown = '';

function faultsMessage(text: string, ok: boolean): void {
  const el = byId('faults-msg');
  el.textContent = text;
  el.className = 'msg ' + (ok ? 'ok' : 'err');
}

function fillFaults(faults: PayFaults): void {
  for (const [key] of NUMBER_FAULTS) byId<HTMLInputElement>('fault-' + key).value = String(faults[key] ?? 0);
  for (const [key] of BOOLEAN_FAULTS) byId<HTMLInputElement>('fault-' + key).checked = faults[key] === true;
  for (const box of document.querySelectorAll<HTMLInputElement>('input[data-failing]'))
    box.checked = (faults.failingCalls ?? []).includes(box.dataset.failing!);
  faultsShown = JSON.stringify(faults);
  faultsDirty = false;
}

function readFaults(): PayFaults | string {
  const faults: PayFaults = {};
  for (const [key, label] of NUMBER_FAULTS) {
    const text = byId<HTMLInputElement>('fault-' + key).value.trim();
    const n = text === '' ? 0 : Number(text);
    if (!Number.isInteger(n) || n < 0) return label + '必须是非负整数';
    if (n > 0) faults[key] = n;
  }
  for (const [key] of BOOLEAN_FAULTS) if (byId<HTMLInputElement>('fault-' + key).checked) faults[key] = true;
  const failing = [...document.querySelectorAll<HTMLInputElement>('input[data-failing]:checked')].map((b) => b.dataset.failing!);
  if (failing.length) faults.failingCalls = failing;
  return faults;
}

async function applyFaults(faults: PayFaults | string, done: string): Promise<void> {
  if (typeof faults === 'string') return faultsMessage(faults, false);
  try {
    fillFaults(await api<PayFaults>('POST', '/__emulator/pay/faults', faults));
    faultsMessage(done, true);
  } catch (err) {
    faultsMessage('设置失败：' + messageOf(err), false);
  }
}

function faultsCard(): HTMLElement {
  const dirty = () => {
    faultsDirty = true;
  };
  return h(
    'section',
    { class: 'card', id: 'pay-faults', oninput: dirty, onchange: dirty },
    h('h2', {}, '故障注入'),
    h(
      'div',
      { class: 'row' },
      NUMBER_FAULTS.map(([key, label, unit]) =>
        h(
          'label',
          { class: 'field' },
          label + '（' + unit + '）',
          h('input', { class: 'num', type: 'number', min: '0', step: '1', id: 'fault-' + key, value: '0' }),
        ),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      BOOLEAN_FAULTS.map(([key, label]) =>
        h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'fault-' + key }), label),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'muted' }, '这些 cloudPay 接口返回系统错误（SYSTEMERROR，不做任何处理）：'),
      PAY_APIS.map(([name, label]) =>
        h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-failing': name }), label + ' ', h('code', {}, name)),
      ),
    ),
    h(
      'div',
      { class: 'row', style: 'margin:0' },
      h('button', { class: 'btn primary', id: 'faults-apply', onclick: () => void applyFaults(readFaults(), '已应用') }, '应用'),
      h('button', { class: 'btn', id: 'faults-clear', onclick: () => void applyFaults({}, '已清除所有故障') }, '全部清除'),
      h('span', { class: 'msg', id: 'faults-msg' }),
    ),
  );
}

export async function renderPay(view: HTMLElement): Promise<void> {
  if (!document.getElementById('pay-data')) view.replaceChildren(h('div', { id: 'pay-data' }), faultsCard());
  const [orders, refunds, faults] = await Promise.all([
    optional<{ orders: PayOrder[] }>('/__emulator/pay/orders'),
    optional<{ refunds: PayRefund[] }>('/__emulator/pay/refunds'),
    optional<PayFaults>('/__emulator/pay/faults'),
  ]);
  byId('pay-faults').hidden = !faults;
  // Someone else (a test, a script) may change the faults too: show theirs unless the form is being edited.
  if (faults && !faultsDirty && JSON.stringify(faults) !== faultsShown) fillFaults(faults);
  show(byId('pay-data'), [orders, refunds], () => {
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
            row(
              [
                time(r.createdAt),
                h('span', { class: 'mono' }, r.outRefundNo),
                h('span', { class: 'mono' }, r.outTradeNo),
                num(yuan(r.refundFee)),
                num(yuan(r.totalFee)),
                pick(REFUND_STATUS, r.status),
                time(r.successTime),
              ],
              { 'data-refund': r.outRefundNo },
            ),
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

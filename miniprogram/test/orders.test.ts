import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf } from '../../testkit/shop.js';
import type { OrderPage, OrderView } from '../../typings/order.js';
import { formatFen } from '../utils/money.js';
import { formatTime } from '../utils/order-status.js';

// 我的订单 and 订单详情 on the real order, pay and review functions: the tabs show what order.list answers for each
// status, and every action (cancel, pay, confirm receipt) is read back from the database.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['order', 'pay', 'user', 'review', 'admin', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

const newShopper = (): string => mp.newShopper('o-orders');

/** Orders of the shopper in each status the list filters by, oldest first. */
async function ordersInEveryStatus(openid: string): Promise<Record<'pending' | 'paid' | 'shipped' | 'completed', OrderView>> {
  const pending = await mp.shop.orderFor(openid, 'spu-006-01');
  const paid = await mp.shop.orderFor(openid, 'spu-008-01');
  await mp.shop.payFor(openid, paid.orderId);
  const shipped = await mp.shop.orderFor(openid, 'spu-009-01');
  await mp.shop.payFor(openid, shipped.orderId);
  await shipOrder(mp.shop, shipped.orderId, { carrier: '顺丰速运', trackingNo: 'SF1000000001' });
  const completed = await mp.shop.orderFor(openid, 'spu-010-01');
  await mp.shop.payFor(openid, completed.orderId);
  await shipOrder(mp.shop, completed.orderId, { carrier: '中通快递', trackingNo: 'ZT1000000002' });
  dataOf(await mp.shop.call('order', 'confirmReceipt', { orderId: completed.orderId }, openid));
  // Newest first in the list: the one created last is the completed one; pending is the oldest.
  return { pending, paid, shipped, completed };
}

const openList = (query: Record<string, string> = {}): Promise<RenderedPage> => mp.renderLoaded('pages/order/list/index', query);

const openDetail = (orderId: string): Promise<RenderedPage> => mp.renderLoaded('pages/order/detail/index', { orderId });

const idsOn = (page: RenderedPage) => page.data.orders.map((o: OrderView) => o.orderId);

test.serial('the tabs show the orders order.list answers for each status, with the actions each allows', async (t) => {
  const openid = newShopper();
  const orders = await ordersInEveryStatus(openid);
  const page = await openList();
  t.deepEqual(page.findAll('.tab').map(text), ['全部', '待付款', '待发货', '待收货', '已完成', '售后']);
  const all = dataOf(await mp.shop.call<OrderPage>('order', 'list', { pageSize: 10 }, openid));
  t.deepEqual(
    idsOn(page),
    all.items.map((o) => o.orderId),
  );
  t.deepEqual(page.findAll('.orders__item >>> .card__status').map(text), ['已完成', '待收货', '待发货', '待付款']);
  t.deepEqual(
    page.findAll('.orders__item >>> .card__actions').map(text),
    ['评价', '确认收货', '取消订单去支付'],
    'the paid order has no action',
  );
  const first = page.find('.orders__item >>> .card__total');
  t.is(text(first), `共 1 件，实付${formatFen(orders.completed.amounts.payable)}`);

  for (const [label, order] of [
    ['待付款', orders.pending],
    ['待发货', orders.paid],
    ['待收货', orders.shipped],
    ['已完成', orders.completed],
  ] as const) {
    await tap(page.findAll('.tab').find((n) => text(n) === label)!);
    await waitFor(`the ${label} tab`, () => page.data.status === 'ready' && idsOn(page).length === 1);
    t.deepEqual(idsOn(page), [order.orderId], label);
  }
  await tap(page.findAll('.tab').find((n) => text(n) === '售后')!);
  await waitFor('the 售后 tab', () => page.data.status === 'ready' && page.data.tab === 'refunding');
  t.is(text(page.find('.state--empty')), '暂无相关订单');
  await tap(page.find('.aftersales-link'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/order/aftersale-list/index' });

  page.detach();

  const shippedTab = await openList({ status: 'shipped' });
  t.is(shippedTab.data.tab, 'shipped');
  t.deepEqual(idsOn(shippedTab), [orders.shipped.orderId]);
  await tap(shippedTab.find('.orders__item >>> .card__body'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${orders.shipped.orderId}` });
  shippedTab.detach();
});

test.serial('the list goes on page by page as the shopper scrolls, until 没有更多了', async (t) => {
  const openid = newShopper();
  const placed: string[] = [];
  for (let i = 0; i < 12; i++) placed.push((await mp.shop.orderFor(openid, 'spu-011-01')).orderId);
  const page = await openList();
  t.is(page.data.orders.length, 10);
  t.is(page.data.more, 'idle');
  page.reachBottom();
  await waitFor('the next page', () => page.data.more !== 'loading');
  t.deepEqual(idsOn(page), [...placed].reverse());
  t.is(text(page.find('.more')), '没有更多了');
  page.detach();
});

test.serial(
  'card actions: cancel gives the stock back, pay pays, confirm receipt completes, review opens the line',
  async (t) => {
    const openid = newShopper();
    const orders = await ordersInEveryStatus(openid);
    const stock = await mp.shop.inspect.stockOf('spu-006-01');
    const page = await openList();
    const card = (orderId: string) => page.findAll('.orders__item').findIndex((_, i) => idsOn(page)[i] === orderId);

    mp.answerModals(false);
    await tap(page.findAll('.orders__item')[card(orders.pending.orderId)]!.querySelector('.card__action--cancel')!);
    t.is(mp.modals.at(-1)!.title, '取消订单');
    t.is((await mp.shop.inspect.order(orders.pending.orderId)).status, 'pending_payment', 'not confirmed: still there');
    mp.answerModals(true);
    await tap(page.findAll('.orders__item')[card(orders.pending.orderId)]!.querySelector('.card__action--cancel')!);
    await waitFor('the cancel', async () => (await mp.shop.inspect.order(orders.pending.orderId)).status === 'cancelled');
    t.is(await mp.shop.inspect.stockOf('spu-006-01'), stock + 1, 'its unit is back in stock');
    await waitFor(
      'the list as it is now',
      () => page.data.orders.find((o: OrderView) => o.orderId === orders.pending.orderId)?.status === 'cancelled',
    );

    await tap(page.findAll('.orders__item')[card(orders.shipped.orderId)]!.querySelector('.card__action--confirm')!);
    await waitFor('the receipt', async () => (await mp.shop.inspect.order(orders.shipped.orderId)).status === 'completed');

    await waitFor('the list as it is now', () => !page.data.acting);
    await tap(page.findAll('.orders__item')[card(orders.completed.orderId)]!.querySelector('.card__action--review')!);
    t.deepEqual(mp.lastNavigation(), {
      method: 'navigateTo',
      url: `/pages/order/review/index?orderId=${orders.completed.orderId}&index=0`,
    });

    const unpaid = await mp.shop.orderFor(openid, 'spu-012-01');
    await page.pullDownRefresh();
    await waitFor('the new order', () => idsOn(page)[0] === unpaid.orderId);
    await tap(page.find('.orders__item >>> .card__action--pay'));
    await waitFor('the payment', async () => (await mp.shop.inspect.order(unpaid.orderId)).status === 'paid');
    await waitFor('the list as it is now', () => page.data.orders[0].status === 'paid');
    t.false(page.findAll('.orders__item')[0]!.querySelectorAll('.card__action').length > 0);
    page.detach();
  },
);

test.serial('an unpaid order: status, time left to pay, address, lines, amounts; cancel after a confirmation', async (t) => {
  const openid = newShopper();
  const order = await mp.shop.placeOrder(openid, [
    { skuId: 'spu-006-01', quantity: 2 },
    { skuId: 'spu-008-02', quantity: 1 },
  ]);
  const stock = await mp.shop.inspect.stockOf('spu-006-01');
  const page = await openDetail(order.orderId);
  t.is(text(page.find('.head__status')), '待付款');
  t.regex(text(page.find('.head__expiry')), /^剩余支付时间 ?00:(29|30):\d\d$/);
  t.is(text(page.find('.address__who')), `李四${order.address.phone}`);
  t.is(order.address.phone, '139****5678');
  t.deepEqual(
    page.findAll('.lines >>> .line__title').map(text),
    order.lines.map((l) => l.title),
  );
  t.is(text(page.find('.amounts >>> .amounts__payable')), formatFen(order.amounts.payable));
  t.is(text(page.find('.amounts >>> .amounts__row--payable .amounts__label')), '应付款');
  t.is(text(page.find('.order-id')), order.orderId);
  t.is(text(page.find('.created')), formatTime(order.createdAt));
  t.false(page.has('.lines >>> .line__action'), 'no after-sale before it is paid');

  // The clipboard is privacy-sensitive: the page's popup asks first.
  mp.needPrivacyAuthorization(true);
  await tap(page.find('.info__row .copy'));
  await waitFor('the privacy popup', () => page.has('.privacy-popup >>> .privacy'));
  page.find('.privacy-popup >>> .privacy__agree').dispatchEvent('agreeprivacyauthorization');
  await waitFor('the copy', () => mp.clipboard.at(-1) === order.orderId);
  t.false(mp.privacyNeeded);

  mp.answerModals(false);
  await tap(page.find('.bar__cancel'));
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'pending_payment');
  mp.answerModals(true);
  await tap(page.find('.bar__cancel'));
  await waitFor('the cancelled order', () => page.data.order.status === 'cancelled');
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'cancelled');
  t.is(await mp.shop.inspect.stockOf('spu-006-01'), stock + 2);
  t.is(text(page.find('.head__status')), '已取消');
  t.false(page.has('.bar'));
  page.detach();
});

test.serial('立即支付 pays through WeChat’s sheet; a cancelled sheet leaves the order unpaid', async (t) => {
  const openid = newShopper();
  const order = await mp.shop.orderFor(openid, 'spu-007-01');
  const page = await openDetail(order.orderId);
  mp.payment = 'cancel';
  try {
    await tap(page.find('.bar__pay'));
    await waitFor('the sheet to close', () => !page.data.acting);
  } finally {
    mp.payment = 'pay';
  }
  t.is(mp.toasts.at(-1), '已取消支付');
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'pending_payment');

  await tap(page.find('.bar__pay'));
  await waitFor('the paid order', () => page.data.order.status === 'paid');
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'paid');
  t.is(text(page.find('.head__status')), '待发货');
  // Paid: each line can ask for an after-sale, for its units.
  await tap(page.find('.lines >>> .line__action--afterSale'));
  t.deepEqual(mp.lastNavigation(), {
    method: 'navigateTo',
    url: `/pages/order/aftersale-apply/index?orderId=${order.orderId}&index=0`,
  });
  page.detach();
});

test.serial('a shipped order: 确认收货 completes it, then each line offers 评价 until it is reviewed', async (t) => {
  const openid = newShopper();
  const order = await mp.shop.placeOrder(openid, [
    { skuId: 'spu-006-01', quantity: 1 },
    { skuId: 'spu-008-01', quantity: 1 },
  ]);
  await mp.shop.payFor(openid, order.orderId);
  await shipOrder(mp.shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF2000000003' });
  const page = await openDetail(order.orderId);
  t.is(text(page.find('.head__status')), '待收货');
  // The parcel: carrier and tracking number as the merchant entered them, copied with one tap.
  t.true(text(page.find('.shipping')).includes('顺丰速运'));
  t.true(text(page.find('.shipping')).includes('运单号 SF2000000003'));
  await tap(page.find('.shipping__copy'));
  t.is(mp.clipboard.at(-1), 'SF2000000003');
  t.deepEqual(page.findAll('.lines >>> .line__actions').map(text), ['申请售后', '申请售后']);
  await tap(page.find('.bar__confirm'));
  t.is(mp.modals.at(-1)!.title, '确认收货');
  await waitFor('the completed order', () => page.data.order.status === 'completed');
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'completed');
  t.deepEqual(page.findAll('.lines >>> .line__actions').map(text), ['申请售后评价', '申请售后评价']);
  await tap(page.findAll('.lines >>> .line__action--review')[1]!);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/review/index?orderId=${order.orderId}&index=1` });

  // Reviewed (elsewhere): back on the page, the line says so.
  dataOf(await mp.shop.call('review', 'reviews.create', { orderId: order.orderId, index: 1, rating: 5 }, openid));
  page.hide();
  page.show();
  await waitFor('the reviewed line', () => page.data.reviewed.includes(1));
  t.deepEqual(page.findAll('.lines >>> .line__actions').map(text), ['申请售后评价', '申请售后已评价']);
  page.detach();
});

test.serial('an order that is not the shopper’s, or a list the function cannot read, shows the route’s message', async (t) => {
  const owner = newShopper();
  const order = await mp.shop.orderFor(owner, 'spu-006-01');
  newShopper();
  const refusal = await mp.shop.call('order', 'detail', { orderId: order.orderId }, mp.openid);
  t.false(refusal.ok);
  const page = await openDetail(order.orderId);
  t.is(page.data.status, 'error');
  t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  mp.signInAs(owner);
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the order', () => page.data.status === 'ready');
  page.detach();

  // An order document written half-way (no address) for this shopper: order.list cannot draw it.
  const openid = newShopper();
  await mp.shop.db
    .collection('orders')
    .add({ _id: `broken-${openid}`, openid, status: 'paid', createdAt: new Date(), lines: [] });
  try {
    const broken = await mp.shop.call('order', 'list', {}, openid);
    t.false(broken.ok);
    const list = await openList();
    t.is(list.data.status, 'error');
    t.is(text(list.find('.state--error')), `${broken.ok ? '' : broken.message}重新加载`);
    await mp.shop.db.collection('orders').doc(`broken-${openid}`).remove();
    await tap(list.find('.state__retry >>> .t-button'));
    await waitFor('the list', () => list.data.status === 'ready');
    t.is(text(list.find('.state--empty')), '暂无相关订单');
    list.detach();
  } finally {
    await mp.shop.db.collection('orders').doc(`broken-${openid}`).remove();
  }
});

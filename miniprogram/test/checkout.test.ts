import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { CartView } from '../../typings/cart.js';
import type { ForCartResult } from '../../typings/coupon.js';
import type { Preview } from '../../typings/order.js';
import { formatFen } from '../utils/money.js';

// 确认订单 and the result page on the real cart, order, pay, user and coupon functions: what the page shows is what
// order.preview prices, and what it submits is read back from the database (the order, its idempotency key, the
// coupon locked, the payment, the subscriptions).

type Rec = Record<string, any>;

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['cart', 'order', 'pay', 'user', 'coupon', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

/** A new shopper with a default address, signed in. */
async function newShopper(withAddress = true): Promise<string> {
  const openid = mp.newShopper('o-checkout');
  if (withAddress) await mp.shop.addressFor(openid);
  return openid;
}

const openConfirm = (query: Record<string, string>): Promise<RenderedPage> => mp.renderLoaded('pages/order/confirm/index', query);

async function ordersOf(openid: string): Promise<Rec[]> {
  return (await mp.shop.db.collection('orders').where({ openid }).get()).data as Rec[];
}

/** The url of the last navigation's page, and its query. */
function lastPage(): { method: string; path: string; query: Record<string, string> } {
  const { method, url } = mp.lastNavigation();
  const [path = '', search = ''] = url.split('?');
  return { method, path, query: Object.fromEntries(new URLSearchParams(search)) };
}

async function submitted(page: RenderedPage): Promise<void> {
  await tap(page.find('.bar__submit'));
  await waitFor('the checkout to finish', () => !page.data.submitting);
}

test.serial(
  '立即购买: the default address, the line, the best coupon preselected and the breakdown of order.preview',
  async (t) => {
    const openid = await newShopper();
    dataOf(await mp.shop.call('coupon', 'claim', { templateId: 'ct-free-5' }, openid));
    dataOf(await mp.shop.call('coupon', 'claim', { templateId: 'ct-all-99-10' }, openid));
    const lines = [{ skuId: 'spu-006-01', quantity: 2 }];
    const preview = dataOf(await mp.shop.call<Preview>('order', 'preview', { lines }, openid));
    const forCart = dataOf(await mp.shop.call<ForCartResult>('coupon', 'forCart', { lines }, openid));

    const page = await openConfirm({ skuId: 'spu-006-01', quantity: '2' });
    t.is(page.data.status, 'ready');
    t.is(text(page.find('.address__who')), '李四13912345678');
    t.true(text(page.find('.address')).includes('浙江省 杭州市 西湖区 文三路 1 号'));
    const [line] = preview.lines;
    t.is(text(page.find('.lines >>> .line__title')), line!.title);
    t.is(text(page.find('.lines >>> .line__quantity')), '×2');

    // The best coupon is the one coupon.forCart puts first, and the preview applies it.
    t.truthy(forCart.bestCouponId);
    t.is(preview.amounts.coupon?.couponId, forCart.bestCouponId);
    t.is(
      text(page.find('.option--coupon .option__value')),
      `${preview.amounts.coupon!.name} -${formatFen(preview.amounts.coupon!.discount)}`,
    );
    t.is(text(page.find('.amounts >>> .amounts__payable')), formatFen(preview.amounts.payable));
    t.is(text(page.find('.bar__payable')), formatFen(preview.amounts.payable));
    t.is(text(page.find('.amounts >>> .amounts__row--subtotal')), `商品金额${formatFen(preview.amounts.subtotal)}`);
    t.true(text(page.find('.amounts >>> .amounts__row--coupon')).endsWith(`-${formatFen(preview.amounts.discounts!.coupon)}`));

    // The picker lists the shopper's coupons; choosing none prices without one.
    await tap(page.find('.option--coupon'));
    t.deepEqual(
      page.findAll('.coupon__name').map(text),
      forCart.coupons.map((c) => c.name),
    );
    await tap(page.find('.picker__none'));
    await waitFor('the preview without a coupon', () => !page.data.previewing && !page.data.preview.amounts.coupon);
    const bare = dataOf(await mp.shop.call<Preview>('order', 'preview', { lines, couponId: null }, openid));
    t.is(text(page.find('.bar__payable')), formatFen(bare.amounts.payable));
    t.true(text(page.find('.option--coupon')).includes('2 张可用，未使用'));

    // And the other coupon, picked by hand.
    const other = forCart.coupons.find((c) => c.couponId !== forCart.bestCouponId && c.applicable)!;
    await tap(page.find('.option--coupon'));
    const option = page.findAll('.coupon').find((n) => n.dom?.getAttribute('data-coupon-id') === other.couponId)!;
    await tap(option);
    await waitFor(
      'the chosen coupon',
      () => !page.data.previewing && page.data.preview.amounts.coupon?.couponId === other.couponId,
    );
    t.false(page.data.pickerShown);
    page.detach();
  },
);

test.serial(
  'submit asks for the order messages in the tap, places the order with its key, locks the coupon, pays and shows 支付成功',
  async (t) => {
    const openid = await newShopper();
    const coupon = dataOf(await mp.shop.call<Rec>('coupon', 'claim', { templateId: 'ct-free-5' }, openid));
    const page = await openConfirm({ skuId: 'spu-006-01', quantity: '1' });
    await waitFor('the message templates', () => page.data.templates);
    page.find('.remark').dispatchEvent('input', { detail: { value: '  请放快递柜  ' } });
    const subscriptionsBefore = mp.subscriptions.length;

    await submitted(page);
    t.deepEqual(mp.subscriptions.slice(subscriptionsBefore), [['TPL_ORDER_PAID', 'TPL_ORDER_SHIPPED']]);
    const consents = (await mp.shop.db.collection('message_consents').where({ openid }).get()).data as Rec[];
    t.deepEqual(consents.map((c) => c.kind).sort(), ['order_paid', 'order_shipped']);

    const [order, ...more] = await ordersOf(openid);
    t.is(more.length, 0);
    t.regex(order!.idempotencyKey, /^co-[a-z0-9]+-[a-z0-9]{16}$/);
    t.is(mp.callsOf('order', 'create').at(-1)!.params.idempotencyKey, order!.idempotencyKey);
    t.is(order!.remark, '请放快递柜');
    t.is(order!.amounts.coupon.couponId, coupon.couponId);
    // Paid in the sandbox: the notification marked it paid, which spends the coupon.
    t.is(order!.status, 'paid');
    const held = (await mp.shop.db.collection('user_coupons').doc(coupon.couponId).get()).data[0] as Rec;
    t.is(held.orderId, order!._id);
    t.is(held.status, 'used');
    t.deepEqual(lastPage(), {
      method: 'redirectTo',
      path: '/pages/order/result/index',
      query: { orderId: order!._id, paid: '1' },
    });
    t.is(mp.storage.get('checkout:idempotency'), undefined, 'the next checkout gets a new key');
    page.detach();

    const result = mp.renderPage('pages/order/result/index', { orderId: order!._id, paid: '1' });
    await waitFor('the result', () => result.data.status !== 'loading');
    t.is(text(result.find('.outcome__title')), '支付成功');
    t.is(text(result.find('.outcome__amount')), `实付 ${formatFen(order!.amounts.payable)}`);
    await tap(result.find('.outcome__order >>> .t-button'));
    t.deepEqual(mp.lastNavigation(), { method: 'redirectTo', url: `/pages/order/detail/index?orderId=${order!._id}` });
    await tap(result.find('.outcome__home >>> .t-button'));
    t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/home/index' });
    result.detach();
  },
);

test.serial(
  'from the cart: the selected lines only; bought lines leave the cart; a cancelled payment leaves the order to pay',
  async (t) => {
    const openid = await newShopper();
    for (const skuId of ['spu-001-01', 'spu-006-01', 'spu-008-01']) {
      dataOf(await mp.shop.call('cart', 'add', { skuId, quantity: 1 }, openid));
    }
    dataOf(await mp.shop.call('cart', 'select', { skuIds: ['spu-008-01'], selected: false }, openid));
    const page = await openConfirm({ from: 'cart' });
    t.deepEqual(
      page.data.requested.map((l: Rec) => l.skuId),
      ['spu-006-01', 'spu-001-01'],
    );
    t.is(page.findAll('.lines >>> .line').length, 2);

    mp.payment = 'cancel';
    try {
      await submitted(page);
    } finally {
      mp.payment = 'pay';
    }
    const [order] = await ordersOf(openid);
    t.is(order!.status, 'pending_payment');
    t.deepEqual(lastPage(), { method: 'redirectTo', path: '/pages/order/result/index', query: { orderId: order!._id } });
    await waitFor('the bought lines to leave the cart', async () => {
      const cart = dataOf(await mp.shop.call<CartView>('cart', 'list', {}, openid));
      return cart.lines.length === 1 && cart.lines[0]!.skuId === 'spu-008-01';
    });
    page.detach();

    // The result page: not paid, the time left, 去支付 pays it.
    const result = mp.renderPage('pages/order/result/index', { orderId: order!._id });
    await waitFor('the result', () => result.data.status !== 'loading');
    t.is(text(result.find('.outcome__title')), '订单待支付');
    t.regex(text(result.find('.outcome__expiry')), /^请在 ?(00:)?(29|30):\d\d ?内完成支付，超时订单将自动取消$/);
    await tap(result.find('.outcome__pay >>> .t-button'));
    await waitFor('the payment', () => result.data.status === 'paid');
    t.is(text(result.find('.outcome__title')), '支付成功');
    t.is((await mp.shop.inspect.order(order!._id)).status, 'paid');
    result.detach();
  },
);

test.serial('a create whose answer is lost is retried with the same idempotency key and gets the same order back', async (t) => {
  const openid = await newShopper();
  const page = await openConfirm({ skuId: 'spu-010-01', quantity: '1' });
  // The request reaches the order function (the order is placed), but its answer never comes back to the phone.
  mp.loseNextAnswer('order', 'create');
  await submitted(page);
  t.is(mp.toasts.at(-1), '网络不给力，请再次提交（不会重复下单）');
  const [placed, ...none] = await ordersOf(openid);
  t.is(none.length, 0);
  t.is(placed!.status, 'pending_payment', 'placed, but the page never heard of it');
  t.is(page.data.status, 'ready');
  const stored = mp.storage.get('checkout:idempotency') as Rec;
  t.is(stored.key, placed!.idempotencyKey);
  t.true(stored.uncertain);

  await submitted(page);
  const creates = mp.callsOf('order', 'create').slice(-2);
  t.is(creates[0]!.params.idempotencyKey, creates[1]!.params.idempotencyKey);
  const orders = await ordersOf(openid);
  t.is(orders.length, 1, 'the same order, not a second one');
  t.is(orders[0]!._id, placed!._id);
  t.is(orders[0]!.status, 'paid');
  t.deepEqual(lastPage().query, { orderId: placed!._id, paid: '1' });
  page.detach();
});

test.serial('after a lost answer, a retry with other choices learns the order exists and is sent to pay it', async (t) => {
  const openid = await newShopper();
  dataOf(await mp.shop.call('coupon', 'claim', { templateId: 'ct-free-5' }, openid));
  const page = await openConfirm({ skuId: 'spu-010-02', quantity: '1' });
  mp.loseNextAnswer('order', 'create', 'cloud.callFunction:fail request:fail');
  await submitted(page);
  // The shopper drops the coupon and submits again: the key belongs to the order placed with it.
  await tap(page.find('.option--coupon'));
  await tap(page.find('.picker__none'));
  await waitFor('the preview without a coupon', () => !page.data.previewing && !page.data.preview.amounts.coupon);
  await submitted(page);
  t.deepEqual(mp.modals.at(-1), { title: '订单已提交', content: '刚才的订单已提交成功，请在「待付款」订单中完成支付' });
  t.deepEqual(mp.lastNavigation(), { method: 'redirectTo', url: '/pages/order/list/index?status=pending_payment' });
  const orders = await ordersOf(openid);
  t.is(orders.length, 1);
  t.is(orders[0]!.status, 'pending_payment');
  t.is(mp.storage.get('checkout:idempotency'), undefined);
  page.detach();
});

test.serial('without an address: 选择地址 opens the address book, whose choice comes back through storage', async (t) => {
  const openid = await newShopper(false);
  const page = await openConfirm({ skuId: 'spu-006-01', quantity: '1' });
  t.is(text(page.find('.address')), '请选择收货地址');
  await tap(page.find('.bar__submit'));
  t.is(mp.toasts.at(-1), '请选择收货地址');
  t.is(mp.callsOf('order', 'create').filter((c) => c.params.lines[0].skuId === 'spu-006-01' && !c.params.addressId).length, 0);

  await tap(page.find('.address'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/mine/addresses/index?select=1' });
  // The address book (another page) saves an address, leaves its id and goes back.
  const addressId = await mp.shop.addressFor(openid);
  mp.storage.set('checkout:addressId', addressId);
  page.show();
  await waitFor('the chosen address', () => page.data.address?.addressId === addressId && !page.data.previewing);
  t.false(mp.storage.has('checkout:addressId'), 'read and cleared');
  await tap(page.find('.address'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/mine/addresses/index?select=1&addressId=${addressId}` });
  t.true(text(page.find('.address')).includes('李四'));

  await submitted(page);
  const [order] = await ordersOf(openid);
  t.is(order!.address.name, '李四');
  t.is(order!.status, 'paid');
  page.detach();
});

test.serial('points: the switch spends what the shop allows on this order, and the order spends them', async (t) => {
  const openid = await newShopper();
  await mp.shop.giveMember(openid, { points: 1000 });
  const lines = [{ skuId: 'spu-006-01', quantity: 1 }];
  const preview = dataOf(await mp.shop.call<Preview>('order', 'preview', { lines, couponId: null }, openid));
  const page = await openConfirm({ skuId: 'spu-006-01', quantity: '1' });
  t.is(
    text(page.find('.option--points .option__value')),
    `共 1000 积分，可用 ${preview.points!.maxUsable} 积分抵扣 ${formatFen(preview.points!.maxValue)}`,
  );
  await tap(page.find('.option--points'));
  await waitFor('the points applied', () => !page.data.previewing && page.data.usePoints);
  const used = page.data.preview.amounts.pointsUsed as number;
  t.is(used, preview.points!.maxUsable);
  t.true(text(page.find('.amounts >>> .amounts__row--points')).includes(`${used} 积分`));

  await submitted(page);
  const [order] = await ordersOf(openid);
  t.is(order!.amounts.pointsUsed, used);
  const user = (await mp.shop.db.collection('users').doc(openid).get()).data[0] as Rec;
  t.is(user.points, 1000 - used);
  page.detach();
});

test.serial('lines that cannot be bought are listed; with nothing left to buy the order cannot be submitted', async (t) => {
  await newShopper();
  const stock = (await mp.shop.db.collection('skus').doc('spu-006-02').get()).data[0].stock as number;
  const page = await openConfirm({ skuId: 'spu-006-02', quantity: String(stock + 1) });
  t.is(page.data.status, 'ready');
  t.true(text(page.find('.problems')).startsWith('以下商品无法购买，将不会下单'));
  t.is(page.findAll('.lines >>> .line').length, 0);
  await tap(page.find('.bar__submit'));
  t.is(mp.toasts.at(-1), '没有可以购买的商品');
  page.detach();
});

test.serial(
  'a payment WeChat says is paid but not yet notified shows 支付确认中 and 刷新; a cancelled order shows it is closed',
  async (t) => {
    const openid = await newShopper();
    const order = await mp.shop.orderFor(openid, 'spu-012-01');
    // The sheet said paid, but no notification marked the order paid (it is still awaiting payment).
    const page = mp.renderPage('pages/order/result/index', { orderId: order.orderId, paid: '1' });
    await waitFor('the wait for the notification', () => page.data.status !== 'loading', 15_000);
    t.is(page.data.status, 'confirming');
    t.is(text(page.find('.outcome__title')), '支付确认中');
    t.is(text(page.find('.outcome__hint')), '如已完成支付，请稍后刷新查看，请勿重复支付');
    t.false(page.has('.outcome__pay'), 'no second payment offered');
    await mp.shop.payFor(openid, order.orderId);
    await tap(page.find('.outcome__refresh >>> .t-button'));
    await waitFor('the paid order', () => page.data.status === 'paid');
    t.is(mp.titles.at(-1), '支付成功');
    page.detach();

    const other = await mp.shop.orderFor(openid, 'spu-012-01');
    dataOf(await mp.shop.call('order', 'cancel', { orderId: other.orderId }, openid));
    const closed = mp.renderPage('pages/order/result/index', { orderId: other.orderId });
    await waitFor('the result', () => closed.data.status !== 'loading');
    t.is(text(closed.find('.outcome__title')), '订单已关闭');
    t.is(text(closed.find('.outcome__hint')), '订单未支付已取消，商品和优惠已退回');
    closed.detach();
  },
);

test.serial('a wrong entry, an empty cart selection and a refused preview show their states', async (t) => {
  await newShopper();
  const wrong = await openConfirm({ skuId: 'not a sku', quantity: '1' });
  t.is(wrong.data.status, 'error');
  t.is(text(wrong.find('.state--error')), '订单商品信息有误，请重新选择重新加载');
  wrong.detach();

  const empty = await openConfirm({ from: 'cart' });
  t.is(empty.data.status, 'empty');
  await tap(empty.find('.state__cart >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/cart/index' });
  empty.detach();

  // A SKU whose price is broken in the database: the real preview fails, and says so.
  const skus = mp.shop.db.collection('skus');
  const price = (await skus.doc('spu-011-01').get()).data[0].price as number;
  await skus.doc('spu-011-01').update({ price: 'broken' });
  try {
    const refusal = await mp.shop.call('order', 'preview', { lines: [{ skuId: 'spu-011-01', quantity: 1 }] }, mp.openid);
    t.false(refusal.ok);
    const page = await openConfirm({ skuId: 'spu-011-01', quantity: '1' });
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    await skus.doc('spu-011-01').update({ price });
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('checkout', () => page.data.status === 'ready');
    t.is(page.findAll('.lines >>> .line').length, 1);
    page.detach();
  } finally {
    await skus.doc('spu-011-01').update({ price });
  }
});

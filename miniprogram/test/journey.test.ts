import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';

// A shopper's first purchase through the app's own pages, each opened where the previous one navigated: home → a
// product → the SKU picker → 加入购物车 → the cart → 确认订单 → 提交订单 and pay (WeChat's payment sheet played by the
// harness in the pay sandbox) → the result → the order, 待发货. Every answer comes from the real functions; the order
// is read back from the database at the end.

type Rec = Record<string, any>;
let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({
    only: ['product', 'flashsale', 'groupbuy', 'track', 'cart', 'order', 'pay', 'user', 'coupon', 'member', 'review'],
    openid: 'o-mp-journey',
  });
  await mp.shop.addressFor('o-mp-journey');
});
test.after.always(() => mp.close());

/** Opens the page the last navigation went to, with its query, and waits for it to load. */
async function follow(): Promise<RenderedPage> {
  const { url } = mp.lastNavigation();
  const [route = '', search = ''] = url.replace(/^\//, '').split('?');
  const page = mp.renderPage(route, Object.fromEntries(new URLSearchParams(search)));
  await waitFor(`${route} to load`, () => page.data.status !== 'loading');
  return page;
}

test('home → product → SKU picker → cart → checkout → pay → the order is 待发货', async (t) => {
  const home = mp.renderPage('pages/home/index');
  await waitFor('the home page', () => home.data.status === 'ready');
  const [card] = home.findAll('.products__item >>> .card');
  await tap(card!);
  const spuId = new URLSearchParams(mp.lastNavigation().url.split('?')[1]).get('spuId')!;
  home.detach();

  const detail = await follow();
  t.is(detail.data.status, 'ready');
  const skus = (await mp.shop.db.collection('skus').where({ spuId }).get()).data as Rec[];
  const chosen = skus.filter((s) => s.stock >= 2).sort((a, b) => a._id.localeCompare(b._id))[0]!;
  await tap(detail.find('.cell--specs'));
  for (const [dim, value] of Object.entries(chosen.specValues as Record<string, string>)) {
    const node = detail
      .findAll('.picker >>> .sku__value')
      .find((n) => n.dom!.getAttribute('data-dim') === dim && n.dom!.getAttribute('data-value') === value);
    if (!node!.dom!.classList.contains('sku__value--selected')) await tap(node!);
  }
  await tap(detail.find('.picker >>> .picker__stepper >>> .t-stepper__plus'));
  const cartAction = detail.findAll('.picker >>> .picker__action').find((n) => n.dom!.getAttribute('data-key') === 'cart')!;
  await tap(cartAction);
  await waitFor('the cart add', () => !detail.data.busy && !detail.data.picker.visible);
  t.is(mp.toasts.at(-1), '已加入购物车');
  detail.detach();

  const cart = mp.renderPage('pages/cart/index');
  await waitFor('the cart', () => cart.data.status === 'ready');
  t.true(text(cart.root).includes(chosen.specValues[Object.keys(chosen.specValues)[0]!]), 'the chosen SKU is in the cart');
  await tap(cart.find('.bar__checkout'));
  cart.detach();

  const confirm = await follow();
  t.is(confirm.data.status, 'ready');
  const payable = (confirm.data.preview as Rec).amounts.payable as number;
  await tap(confirm.find('.bar__submit'));
  await waitFor('the checkout to finish', () => !confirm.data.submitting && mp.lastNavigation().url.includes('/result/'));
  confirm.detach();

  const result = await follow();
  t.regex(text(result.root), /支付成功/);
  const orderId = new URLSearchParams(mp.lastNavigation().url.split('?')[1]).get('orderId')!;
  result.detach();

  const order = mp.renderPage('pages/order/detail/index', { orderId });
  await waitFor('the order', () => order.data.status === 'ready');
  t.is(text(order.find('.head__status')), '待发货');
  order.detach();

  const stored = await mp.shop.inspect.order(orderId);
  t.is(stored.status, 'paid');
  t.deepEqual(
    stored.lines.map((l: Rec) => [l.skuId, l.quantity]),
    [[chosen._id, 2]],
  );
  t.is(stored.amounts.payable, payable, 'paid what the checkout showed');
  t.like(await mp.shop.inspect.payOrder(orderId), { state: 'SUCCESS', totalFee: payable }, 'WeChat Pay took exactly that');
});

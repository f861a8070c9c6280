import test from 'ava';
import {
  type MiniProgram,
  type Node,
  type RenderedPage,
  startMiniProgram,
  tap,
  text,
  waitFor,
} from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { CartView } from '../../typings/cart.js';
import type { ActivityDetail } from '../../typings/groupbuy.js';
import type { ShareData } from '../../typings/member.js';
import type { ProductDetail } from '../../typings/product.js';
import type { ReviewSummary } from '../../typings/review.js';
import type { KeptProductPage } from '../../typings/user.js';
import { formatFen } from '../utils/money.js';

// 商品详情 on the demo shop, every call answered by the real functions: the product, its promotions, reviews, favorites,
// the cart, the share, and the orders a flash-sale buy or a group seat places, read back from the database.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({
    only: ['product', 'flashsale', 'groupbuy', 'review', 'user', 'member', 'cart', 'track', 'pay'],
  });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
type Sku = { _id: string; spuId: string; specValues: Record<string, string>; price: number; stock: number };

/** A shopper of their own per test: carts, favorites and quotas do not leak between tests. */
const newShopper = (): string => mp.newShopper('o-detail');

const openDetail = (spuId: string, query: Record<string, string> = {}): Promise<RenderedPage> =>
  mp.renderLoaded('pages/product/detail/index', { spuId, ...query });

async function skusOf(spuId: string): Promise<Sku[]> {
  const { data } = await mp.shop.db.collection('skus').where({ spuId }).limit(1000).get();
  return (data as Sku[]).sort((a, b) => a._id.localeCompare(b._id));
}

/** Sets SKU stock in the database (what the merchant's stock edit does); answers a function that puts it back. */
async function setStock(stock: Record<string, number>): Promise<() => Promise<void>> {
  const before: Record<string, number> = {};
  for (const [skuId, value] of Object.entries(stock)) {
    before[skuId] = await mp.shop.inspect.stockOf(skuId);
    await mp.shop.db.collection('skus').doc(skuId).update({ stock: value });
  }
  return async () => {
    for (const [skuId, value] of Object.entries(before)) await mp.shop.db.collection('skus').doc(skuId).update({ stock: value });
  };
}

const picker = (page: RenderedPage) => page.find('.picker');
const pickerIsOpen = (page: RenderedPage) => page.data.picker.visible === true && page.has('.picker >>> .picker__actions');

/** The picker's values as `dimension:value`, of those disabled. */
function disabledValues(page: RenderedPage): string[] {
  return page
    .findAll('.picker >>> .sku__value--disabled')
    .map((n) => `${n.dom!.getAttribute('data-dim')}:${n.dom!.getAttribute('data-value')}`);
}

function valueNode(page: RenderedPage, dim: string, value: string): Node {
  const node = page
    .findAll('.picker >>> .sku__value')
    .find((n) => n.dom!.getAttribute('data-dim') === dim && n.dom!.getAttribute('data-value') === value);
  if (!node) throw new Error(`no value ${dim}:${value}`);
  return node;
}

async function action(page: RenderedPage, key: string): Promise<void> {
  const node = page.findAll('.picker >>> .picker__action').find((n) => n.dom!.getAttribute('data-key') === key);
  if (!node) throw new Error(`no action ${key}`);
  await tap(node);
}

test.serial('draws the product with its range, specs and attributes; everything else is asked alongside, at once', async (t) => {
  newShopper();
  const before = mp.calls.length;
  const page = mp.renderPage('pages/product/detail/index', { spuId: 'spu-001' });
  t.is(text(page.find('.state--loading')), '加载中…');
  // Every call goes out before the product answers: none waits for another.
  const asked = mp.calls.slice(before).map((c) => `${c.name}.${c.route}`);
  t.deepEqual([...asked].sort(), [
    'cart.list',
    'flashsale.list',
    'groupbuy.list',
    'member.referral.share',
    'product.detail',
    'review.reviews.summary',
    'user.favorites.has',
  ]);
  await waitFor('the product', () => page.data.status !== 'loading');
  await waitFor('the review summary', () => page.data.summary);

  const product = dataOf(await mp.shop.call<ProductDetail>('product', 'detail', { spuId: 'spu-001' }));
  const spu = (await mp.shop.db.collection('spus').doc('spu-001').get()).data[0] as Rec;
  t.is(text(page.find('.info__title')), spu.title);
  t.is(text(page.find('.info__subtitle')), spu.subtitle);
  t.is(text(page.find('.info__amount')), `${formatFen(spu.minPrice)}起`);
  t.true(spu.maxPrice > spu.minPrice);
  t.deepEqual(
    page.findAll('.gallery__picture').map((n) => n.data.src),
    spu.images,
  );
  t.is(text(page.find('.cell--specs')), '选择请选择 颜色 尺码');
  t.deepEqual(
    page.findAll('.attribute').map(text),
    spu.attributes.map((a: Rec) => `${a.name}${a.value}`),
  );
  t.is(mp.titles.at(-1), spu.title);
  t.is(product.skus.length, 12);

  // The review summary, as the route answers it.
  const summary = dataOf(await mp.shop.call<ReviewSummary>('review', 'reviews.summary', { spuId: 'spu-001' }));
  const head = text(page.find('.reviews >>> .summary__head'));
  t.true(head.includes(`商品评价(${summary.count})`), head);
  t.true(head.includes(`好评率 ${summary.goodRate}% · ${summary.average.toFixed(1)} 分`), head);
  t.deepEqual(
    page.findAll('.reviews >>> .summary__tag').map(text),
    summary.topTags.map((tag) => `${tag.label} ${tag.count}`),
  );
  t.true(summary.samples.length > 0);
  const samples = page.findAll('.reviews >>> .summary__sample >>> .review__text').map(text);
  t.deepEqual(
    samples,
    summary.samples.slice(0, 2).map((s) => s.text),
  );
  t.true(page.findAll('.reviews >>> .summary__sample >>> .review__photo').length > 0, 'a sample with photos');
  await tap(page.find('.reviews >>> .summary'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/product/reviews/index?spuId=spu-001' });

  // No promotion on this product: the ordinary buttons.
  t.deepEqual(page.findAll('.bar__button').map(text), ['加入购物车', '立即购买']);
  t.false(page.has('.flash-bar'));
  t.false(page.has('.groupbuy'));
  t.is(text(page.find('.bar__icon--favorite')), '收藏');
  page.detach();
});

test.serial('the SKU picker disables exactly the out-of-stock combinations and adds the chosen SKU to the cart', async (t) => {
  const openid = newShopper();
  const skus = await skusOf('spu-001');
  const id = (color: string, size: string) =>
    skus.find((s) => s.specValues['颜色'] === color && s.specValues['尺码'] === size)!._id;
  // 黑色 is left only in M (3 units); 白色 has no S; 雾霾蓝 has none at all.
  const stock: Record<string, number> = {};
  for (const s of skus) {
    if (s.specValues['颜色'] === '黑色') stock[s._id] = s.specValues['尺码'] === 'M' ? 3 : 0;
    if (s.specValues['颜色'] === '雾霾蓝') stock[s._id] = 0;
  }
  stock[id('白色', 'S')] = 0;
  const restore = await setStock(stock);
  try {
    const page = await openDetail('spu-001');
    await tap(page.find('.bar__button--cart'));
    await waitFor('the picker', () => pickerIsOpen(page));
    t.deepEqual(page.findAll('.picker >>> .picker__action').map(text), ['加入购物车']);

    // Nothing chosen: 雾霾蓝 leads to no stock at all, nor does S (no colour has it).
    t.deepEqual(disabledValues(page), ['颜色:雾霾蓝', '尺码:S']);
    await tap(valueNode(page, '颜色', '雾霾蓝'));
    await tap(valueNode(page, '尺码', 'S'));
    t.is(page.findAll('.picker >>> .sku__value--selected').length, 0, 'a disabled value cannot be chosen');

    // 黑色: every size but M is out of stock with it.
    await tap(valueNode(page, '颜色', '黑色'));
    t.deepEqual(disabledValues(page), ['颜色:雾霾蓝', '尺码:S', '尺码:L', '尺码:XL']);
    t.is(text(picker(page).querySelector('.picker__chosen')), '请选择 尺码');
    await tap(valueNode(page, '颜色', '黑色'));
    // L: 黑色 and 雾霾蓝 are out of stock with it.
    await tap(valueNode(page, '尺码', 'L'));
    t.deepEqual(disabledValues(page), ['颜色:黑色', '颜色:雾霾蓝', '尺码:S']);
    await tap(valueNode(page, '尺码', 'L'));

    // The expected matrix, from the database, for every single choice of a color.
    const now = await skusOf('spu-001');
    for (const color of ['白色', '黑色']) {
      await tap(valueNode(page, '颜色', color));
      const expected = ['S', 'M', 'L', 'XL'].filter(
        (size) => !now.some((s) => s.specValues['颜色'] === color && s.specValues['尺码'] === size && s.stock > 0),
      );
      t.deepEqual(
        disabledValues(page).filter((v) => v.startsWith('尺码:')),
        expected.map((size) => `尺码:${size}`),
        color,
      );
      await tap(valueNode(page, '颜色', color));
    }

    await tap(valueNode(page, '颜色', '黑色'));
    await tap(valueNode(page, '尺码', 'M'));
    const chosen = now.find((s) => s._id === id('黑色', 'M'))!;
    t.is(text(picker(page).querySelector('.picker__chosen')), '已选：黑色 / M');
    t.is(text(page.find('.picker >>> .picker__price')), formatFen(chosen.price));
    t.is(text(picker(page).querySelector('.picker__stock')), '库存 3 件');
    t.is(text(page.find('.cell--specs')), '已选黑色 / M', 'the page shows the choice');

    // The stepper stops at the stock.
    const plus = page.find('.picker >>> .picker__stepper >>> .t-stepper__plus');
    for (let i = 0; i < 5; i++) await tap(plus);
    t.is(page.find('.picker').instance.data.quantity, 3);
    await tap(page.find('.picker >>> .picker__stepper >>> .t-stepper__minus'));
    t.is(page.find('.picker').instance.data.quantity, 2);

    await action(page, 'cart');
    await waitFor('the cart add', () => !page.data.busy && !page.data.picker.visible);
    t.is(mp.toasts.at(-1), '已加入购物车');
    const cart = dataOf(await mp.shop.call<CartView>('cart', 'list', {}, openid));
    t.deepEqual(
      cart.lines.map((l) => [l.skuId, l.quantity]),
      [[chosen._id, 2]],
    );
    t.is(page.data.cartCount, cart.count);
    t.is(text(page.find('.bar__badge')), '1');
    t.deepEqual(mp.callsOf('cart', 'add').at(-1)!.params, { skuId: chosen._id, quantity: 2 });
    page.detach();
  } finally {
    await restore();
  }
});

test.serial('a cart add the route refuses (the SKU sold out meanwhile) shows its message and adds nothing', async (t) => {
  const openid = newShopper();
  const page = await openDetail('spu-006');
  await tap(page.find('.bar__button--cart'));
  await waitFor('the picker', () => pickerIsOpen(page));
  const sku = (await skusOf('spu-006'))[0]!;
  for (const [dim, value] of Object.entries(sku.specValues)) await tap(valueNode(page, dim, value));
  // Another shopper bought the last units while the picker was open.
  const restore = await setStock({ [sku._id]: 0 });
  try {
    const refusal = await mp.shop.call('cart', 'add', { skuId: sku._id, quantity: 1 }, openid);
    t.false(refusal.ok);
    await action(page, 'cart');
    await waitFor('the refusal', () => !page.data.busy);
    t.is(mp.toasts.at(-1), refusal.ok ? '' : refusal.message);
    t.deepEqual(dataOf(await mp.shop.call<CartView>('cart', 'list', {}, openid)).lines, []);
    t.true(page.data.picker.visible, 'the picker stays open to choose another');
    page.detach();
  } finally {
    await restore();
  }
});

test.serial('立即购买 opens the order-confirm page with the chosen SKU and quantity', async (t) => {
  newShopper();
  const page = await openDetail('spu-009');
  await tap(page.find('.bar__button--buy'));
  await waitFor('the picker', () => pickerIsOpen(page));
  t.deepEqual(page.findAll('.picker >>> .picker__action').map(text), ['立即购买']);
  // Without a choice, the picker asks for one.
  await action(page, 'buy');
  t.is(mp.toasts.at(-1), '请选择 规格');
  const sku = (await skusOf('spu-009'))[1]!;
  await tap(valueNode(page, '规格', sku.specValues['规格']!));
  await tap(page.find('.picker >>> .picker__stepper >>> .t-stepper__plus'));
  await action(page, 'buy');
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/confirm/index?skuId=${sku._id}&quantity=2` });
  t.false(page.data.picker.visible);

  // The 已选 cell opens the picker with both actions, the choice kept.
  await tap(page.find('.cell--specs'));
  await waitFor('the picker', () => pickerIsOpen(page));
  t.deepEqual(page.findAll('.picker >>> .picker__action').map(text), ['加入购物车', '立即购买']);
  t.is(text(picker(page).querySelector('.picker__chosen')), `已选：${sku.specValues['规格']}`);
  page.detach();
});

test.serial('收藏 toggles the product in the shopper’s favorites', async (t) => {
  const openid = newShopper();
  const favorites = async () =>
    dataOf(await mp.shop.call<KeptProductPage>('user', 'favorites.list', {}, openid)).items.map((i) => i.spuId);
  const page = await openDetail('spu-002');
  await waitFor('favorites.has', () => mp.callsOf('user', 'favorites.has').length > 0 && !page.data.favoriteBusy);
  t.false(page.data.favorite);

  await tap(page.find('.bar__icon--favorite'));
  await waitFor('favorited', () => page.data.favorite && !page.data.favoriteBusy);
  t.is(mp.toasts.at(-1), '已收藏');
  t.deepEqual(await favorites(), ['spu-002']);
  t.is(text(page.find('.bar__icon--favorite')), '已收藏');
  page.detach();

  // Seen again: it is a favorite.
  const again = await openDetail('spu-002');
  await waitFor('favorites.has', () => again.data.favorite);
  await tap(again.find('.bar__icon--favorite'));
  await waitFor('unfavorited', () => !again.data.favorite && !again.data.favoriteBusy);
  t.is(mp.toasts.at(-1), '已取消收藏');
  t.deepEqual(await favorites(), []);
  again.detach();
});

test.serial('the share carries the invite code from referral.share; the view reaches the footprints', async (t) => {
  const openid = newShopper();
  const page = await openDetail('spu-003');
  await waitFor('the share', () => page.data.share);
  const expected = dataOf(await mp.shop.call<ShareData>('member', 'referral.share', { spuId: 'spu-003' }, openid));
  const shared = page.share();
  t.deepEqual(shared, { title: expected.title, path: expected.path, imageUrl: page.data.product.images[0] });
  t.true(shared.path.includes(`inviteCode=${expected.inviteCode}`));

  page.hide();
  await waitFor('the footprint', async () => {
    const footprints = dataOf(await mp.shop.call<KeptProductPage>('user', 'footprints.list', {}, openid));
    return footprints.items.some((i) => i.spuId === 'spu-003');
  });
  const sent = mp.callsOf('track', 'events').flatMap((c) => c.params.events as Rec[]);
  t.true(sent.some((e) => e.type === 'product_view' && e.spuId === 'spu-003' && e.page === 'pages/product/detail/index'));
  t.true(sent.some((e) => e.type === 'share' && e.spuId === 'spu-003'));
  page.detach();
});

test.serial('a page opened from a share binds the shopper to the sharer’s invite code', async (t) => {
  const sharer = newShopper();
  const { inviteCode } = dataOf(await mp.shop.call<ShareData>('member', 'referral.share', { spuId: 'spu-003' }, sharer));
  const friend = newShopper();
  const page = await openDetail('spu-003', { inviteCode });
  await waitFor(
    'the binding',
    async () => ((await mp.shop.db.collection('users').doc(friend).get()).data[0] as Rec | undefined)?.inviterOpenid,
  );
  t.is(((await mp.shop.db.collection('users').doc(friend).get()).data[0] as Rec).inviterOpenid, sharer);
  page.detach();
});

test.serial('a product off the shelf, or unknown, says it is gone; a broken one shows the error and a retry', async (t) => {
  newShopper();
  await mp.shop.db.collection('spus').doc('spu-012').update({ status: 'off_shelf' });
  try {
    const refusal = await mp.shop.call('product', 'detail', { spuId: 'spu-012' });
    t.like(refusal, { ok: false, code: 'NOT_FOUND' });
    const page = await openDetail('spu-012');
    t.is(page.data.status, 'gone');
    t.is(text(page.find('.state--gone')), `${refusal.ok ? '' : refusal.message}该商品可能已下架，去看看其他好物吧去首页逛逛`);
    t.false(page.has('.bar'));
    await tap(page.find('.state__home >>> .t-button'));
    t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/home/index' });
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-012').update({ status: 'on_shelf' });
  }
  const unknown = await openDetail('spu-nope');
  t.is(unknown.data.status, 'gone');
  unknown.detach();
  const none = mp.renderPage('pages/product/detail/index', {});
  t.is(none.data.status, 'gone');
  none.detach();

  // A product written half-way (no images) fails for real: 系统繁忙, and a retry once it is mended.
  const spu = (await mp.shop.db.collection('spus').doc('spu-011').get()).data[0] as Rec;
  await mp.shop.db.collection('spus').doc('spu-011').update({ images: mp.shop.db.command.remove() });
  try {
    const refusal = await mp.shop.call('product', 'detail', { spuId: 'spu-011' });
    t.like(refusal, { ok: false, code: 'INTERNAL' });
    const page = await openDetail('spu-011');
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    await mp.shop.db.collection('spus').doc('spu-011').update({ images: spu.images });
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the product', () => page.data.status === 'ready');
    t.is(text(page.find('.info__title')), spu.title);
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-011').update({ images: spu.images });
  }
});

test.serial('a product with no stock left shows 已售罄 instead of the buttons', async (t) => {
  newShopper();
  const skus = await skusOf('spu-010');
  const restore = await setStock(Object.fromEntries(skus.map((s) => [s._id, 0])));
  try {
    const page = await openDetail('spu-010');
    t.deepEqual(page.findAll('.bar__button').map(text), ['已售罄']);
    await tap(page.find('.cell--specs'));
    await waitFor('the picker', () => pickerIsOpen(page));
    t.is(disabledValues(page).length, skus.length, 'every value disabled');
    t.deepEqual(page.findAll('.picker >>> .picker__action').map(text), ['已售罄', '已售罄']);
    page.detach();
  } finally {
    await restore();
  }
});

test.serial(
  'flash sale: the preview counts down to the start; running, 立即抢购 places an order at the flash price',
  async (t) => {
    const openid = newShopper();
    const sale = (await mp.shop.db.collection('flash_sales').doc('fs-earphone-199').get()).data[0] as Rec;

    // Upcoming: a preview with its price and a countdown to the start; the product sells as usual meanwhile.
    const preview = await openDetail('spu-004');
    await waitFor('the preview', () => preview.data.flash);
    t.regex(
      text(preview.find('.notice--flash')),
      new RegExp(`^秒杀预告${formatFen(sale.price).replace('.', '\\.')}距开始00:5\\d:\\d\\d$`),
    );
    t.deepEqual(preview.findAll('.bar__button').map(text), ['加入购物车', '立即购买']);
    preview.detach();

    const now = Date.now();
    await mp.shop.db
      .collection('flash_sales')
      .doc('fs-earphone-199')
      .update({ startAt: new Date(now - 60_000), endAt: new Date(now + 600_000) });
    const page = await openDetail('spu-004');
    await waitFor('the running sale', () => page.data.flash?.running);
    const bar = text(page.find('.flash-bar'));
    t.true(bar.startsWith(`秒杀价${formatFen(sale.price)}${formatFen(39900)}`), bar);
    t.regex(bar, /距结束00:(09:5\d|10:00)$/);
    t.deepEqual(page.findAll('.bar__button').map(text), ['单独购买', '立即抢购']);

    // No address yet: the shopper is asked to add one first.
    await tap(page.find('.bar__button--flash'));
    await waitFor('the picker', () => pickerIsOpen(page));
    t.is(text(picker(page).querySelector('.picker__label')), '秒杀价');
    t.is(text(page.find('.picker >>> .picker__price')), formatFen(sale.price));
    t.is(text(picker(page).querySelector('.picker__chosen')), '已选：曜石黑', 'the sale’s SKU is chosen');
    t.deepEqual(disabledValues(page), ['颜色:珍珠白'], 'only the sale’s SKU can be bought at the flash price');
    t.is(text(picker(page).querySelector('.picker__limit')), `限购 ${sale.perUser} 件`);
    mp.answerModals(true);
    await action(page, 'flash');
    await waitFor('the address prompt', () => !page.data.busy);
    t.is(mp.modals.at(-1)!.title, '请先添加收货地址');
    t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/mine/address-edit/index' });
    t.is(mp.callsOf('flashsale', 'buy').length, 0);

    // With an address: the order at the flash price, then its page to pay it.
    await mp.shop.addressFor(openid);
    await action(page, 'flash');
    await waitFor('the order', () => !page.data.busy && mp.lastNavigation().url.startsWith('/pages/order/detail/'));
    const orders = (await mp.shop.db.collection('orders').where({ openid }).get()).data as Rec[];
    t.is(orders.length, 1);
    const order = orders[0]!;
    t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${order._id}` });
    t.like(order, {
      status: 'pending_payment',
      promotion: { kind: 'flash_sale', flashSaleId: 'fs-earphone-199', unitPrice: sale.price, quantity: 1 },
    });
    t.is(order.lines[0].skuId, sale.skuId);
    t.is(order.amounts.subtotal - order.amounts.discountTotal, sale.price);
    t.is(
      ((await mp.shop.db.collection('flash_sales').doc('fs-earphone-199').get()).data[0] as Rec).remaining,
      sale.remaining - 1,
    );

    // The limit is reached: the button says so and buys nothing more.
    await waitFor('the sale read again', () => page.data.flash?.limitReached);
    t.is(text(page.find('.bar__button--flash')), '已达限购');
    const buys = mp.callsOf('flashsale', 'buy').length;
    await tap(page.find('.bar__button--flash'));
    t.is(mp.callsOf('flashsale', 'buy').length, buys);
    t.is(mp.toasts.at(-1), `每人限购 ${sale.perUser} 件，您已抢购`);
    page.detach();

    // Another shopper when the sale is sold out: the route's refusal is shown, nothing is ordered.
    const late = newShopper();
    await mp.shop.addressFor(late);
    const open = await openDetail('spu-004');
    await waitFor('the running sale', () => open.data.flash?.running);
    await tap(open.find('.bar__button--flash'));
    await waitFor('the picker', () => pickerIsOpen(open));
    await mp.shop.db.collection('flash_sales').doc('fs-earphone-199').update({ remaining: 0 });
    await action(open, 'flash');
    await waitFor('the refusal', () => !open.data.busy && !open.data.picker.visible);
    t.is(mp.toasts.at(-1), '已抢光');
    t.is((await mp.shop.db.collection('orders').where({ openid: late }).count()).total, 0);
    await waitFor('the sale read again', () => open.data.flash?.soldOut);
    t.true(text(open.find('.flash-bar')).endsWith('已抢光'));
    t.deepEqual(open.findAll('.bar__button').map(text), ['加入购物车', '立即购买']);
    open.detach();
  },
);

test.serial('group-buy: the tiers show; 发起拼团 opens a group at the first tier; another shopper joins it', async (t) => {
  const leader = newShopper();
  const activity = (await mp.shop.db.collection('group_buy_activities').doc('gb-nuts').get()).data[0] as Rec;
  const page = await openDetail('spu-007');
  await waitFor('the group-buy', () => page.data.group);
  t.deepEqual(page.findAll('.tier').map(text), ['2人团¥59.00', '3人团¥49.00']);
  t.true(text(page.find('.notice--group')).includes('3人拼团拼团价¥49.00起'));
  t.deepEqual(page.findAll('.bar__button').map(text), ['单独购买', '发起拼团']);

  await mp.shop.addressFor(leader);
  await tap(page.find('.bar__button--group'));
  await waitFor('the picker', () => pickerIsOpen(page));
  t.is(text(picker(page).querySelector('.picker__label')), '拼团价');
  t.is(text(page.find('.picker >>> .picker__price')), formatFen(5900));
  t.is(text(picker(page).querySelector('.picker__limit')), `限购 ${activity.maxQuantity} 件`);
  const sku = (await skusOf('spu-007'))[1]!;
  await tap(valueNode(page, '规格', sku.specValues['规格']!));
  await action(page, 'group_open');
  await waitFor('the group order', () => !page.data.busy && mp.lastNavigation().url.startsWith('/pages/order/detail/'));
  const [order] = (await mp.shop.db.collection('orders').where({ openid: leader }).get()).data as Rec[];
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${order!._id}` });
  t.like(order, { status: 'pending_payment', promotion: { kind: 'group_buy', leader: true, unitPrice: 5900, quantity: 1 } });
  t.is(order!.lines[0].skuId, sku._id);
  page.detach();

  // The leader pays; another shopper sees the group and joins it at the price of two members.
  await mp.shop.payFor(leader, order!._id);
  const friend = newShopper();
  await mp.shop.addressFor(friend);
  const other = await openDetail('spu-007');
  await waitFor('the open groups', () => other.data.openGroups.length > 0);
  const groups = dataOf(await mp.shop.call<ActivityDetail>('groupbuy', 'activity', { activityId: 'gb-nuts' }, friend)).openGroups;
  const group = groups.find((g) => g.groupId === order!.promotion.groupId)!;
  const at = other.findAll('.open-group__join').findIndex((n) => n.dom!.getAttribute('data-id') === group.groupId);
  t.true(at >= 0);
  const row = text(other.findAll('.open-group')[at]);
  t.true(row.startsWith(`${group.leader.displayName}的团还差 ${group.seatsLeft} 人剩余`), row);
  await tap(other.findAll('.open-group__join')[at]!);
  await waitFor('the picker', () => pickerIsOpen(other));
  t.deepEqual(other.findAll('.picker >>> .picker__action').map(text), ['参与拼团']);
  t.is(text(other.find('.picker >>> .picker__price')), formatFen(5900));
  await tap(valueNode(other, '规格', sku.specValues['规格']!));
  await action(other, 'group_join');
  await waitFor('the seat', () => !other.data.busy && mp.lastNavigation().url.startsWith('/pages/order/detail/'));
  const [joined] = (await mp.shop.db.collection('orders').where({ openid: friend }).get()).data as Rec[];
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${joined!._id}` });
  t.like(joined, { promotion: { kind: 'group_buy', groupId: group.groupId, unitPrice: 5900 } });
  other.detach();
});

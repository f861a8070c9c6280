import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { CartView } from '../../typings/cart.js';
import { formatFen } from '../utils/money.js';

// 购物车 on the real cart function: lines with their live state, selection, quantities, removal, totals, checkout.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['cart', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

/** A new shopper for each test (carts are per shopper), signed in. */
const newShopper = (): string => mp.newShopper('o-cart');

async function add(openid: string, skuId: string, quantity: number): Promise<void> {
  dataOf(await mp.shop.call('cart', 'add', { skuId, quantity }, openid));
}

async function cartOf(openid: string): Promise<CartView> {
  return dataOf(await mp.shop.call<CartView>('cart', 'list', {}, openid));
}

const openCart = (): Promise<RenderedPage> => mp.renderLoaded('pages/cart/index');

/** Waits until the page shows the cart as the function holds it. */
async function settled(page: RenderedPage, openid: string, what: (cart: CartView) => boolean): Promise<CartView> {
  let cart = await cartOf(openid);
  await waitFor('the cart change', async () => {
    cart = await cartOf(openid);
    return what(cart) && page.data.totals.amount === cart.totals.amount && page.data.count === cart.count;
  });
  return cart;
}

test.serial('an empty cart says so and leads home', async (t) => {
  newShopper();
  const page = await openCart();
  t.is(text(page.find('.state--empty')).replace('去逛逛', '').trim(), '购物车还是空的，去挑点喜欢的吧');
  t.false(page.has('.line'));
  t.false(page.has('.bar'));
  await tap(page.find('.state__shop >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/home/index' });
  page.detach();
});

test.serial(
  'lines show their live state: low stock, sold out and off the shelf apart, totals of the selected ok lines',
  async (t) => {
    const openid = newShopper();
    await add(openid, 'spu-001-01', 2);
    await add(openid, 'spu-002-01', 3);
    await add(openid, 'spu-003-01', 1);
    await add(openid, 'spu-005-01', 1);
    const skus = mp.shop.db.collection('skus');
    const before = {
      two: (await skus.doc('spu-002-01').get()).data[0].stock as number,
      three: (await skus.doc('spu-003-01').get()).data[0].stock as number,
    };
    // After they were added: one SKU is down to 1 unit, another sold out, a product taken off the shelf.
    await skus.doc('spu-002-01').update({ stock: 1 });
    await skus.doc('spu-003-01').update({ stock: 0 });
    await mp.shop.db.collection('spus').doc('spu-005').update({ status: 'off_shelf' });
    try {
      const page = await openCart();
      const cart = await cartOf(openid);
      t.is(page.data.status, 'ready');
      t.is(text(page.find('.toolbar__count')), '共 4 种商品');

      const active = page.findAll('.line--active');
      t.is(active.length, 2, 'the ok and the low-stock line');
      const titles = page.findAll('.line__title').map(text);
      t.deepEqual(
        titles,
        cart.lines
          .filter((l) => l.state === 'ok' || l.state === 'low_stock')
          .map((l) => l.title)
          .concat(cart.lines.filter((l) => l.state !== 'ok' && l.state !== 'low_stock').map((l) => l.title)),
      );
      const low = cart.lines.find((l) => l.skuId === 'spu-002-01')!;
      t.is(low.state, 'low_stock');
      t.true(text(page.find('.line--unbuyable')).includes('库存仅剩 1 件改为 1 件'));
      const invalid = text(page.find('.group--invalid'));
      t.true(invalid.includes('失效商品 2 件'), invalid);
      t.true(invalid.includes('已售罄'), invalid);
      t.true(invalid.includes('已下架'), invalid);

      // Only the ok line counts: ¥price × 2.
      const ok = cart.lines.find((l) => l.skuId === 'spu-001-01')!;
      t.is(cart.totals.amount, ok.price * 2);
      t.is(text(page.find('.bar__total')), `合计：${formatFen(cart.totals.amount)}`);
      t.is(text(page.find('.bar__checkout')), '去结算(2)');

      // 改为 1 件: the low-stock line holds what is left, and counts again.
      await tap(page.find('.line__fit'));
      const fitted = await settled(page, openid, (c) => c.lines.find((l) => l.skuId === 'spu-002-01')!.state === 'ok');
      t.is(fitted.lines.find((l) => l.skuId === 'spu-002-01')!.quantity, 1);
      t.is(fitted.totals.lines, 2);
      t.is(text(page.find('.bar__checkout')), '去结算(3)');
      t.false(page.has('.line--unbuyable'));
      page.detach();
    } finally {
      await skus.doc('spu-002-01').update({ stock: before.two });
      await skus.doc('spu-003-01').update({ stock: before.three });
      await mp.shop.db.collection('spus').doc('spu-005').update({ status: 'on_shelf' });
    }
  },
);

test.serial('selecting one line and all lines is saved in the cart, and the totals follow', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-001-01', 1);
  await add(openid, 'spu-006-01', 2);
  const page = await openCart();
  t.true(page.data.allSelected);

  // The newest line is first: spu-006-01.
  await tap(page.findAll('.line__check')[0]!);
  let cart = await settled(page, openid, (c) => !c.lines.find((l) => l.skuId === 'spu-006-01')!.selected);
  t.false(cart.allSelected);
  t.is(cart.totals.lines, 1);
  t.is(text(page.find('.bar__total')), `合计：${formatFen(cart.totals.amount)}`);
  t.false(page.data.allSelected);

  await tap(page.find('.bar__all'));
  cart = await settled(page, openid, (c) => c.allSelected);
  t.is(cart.totals.lines, 2);
  await tap(page.find('.bar__all'));
  cart = await settled(page, openid, (c) => c.lines.every((l) => !l.selected));
  t.is(cart.totals.amount, 0);
  t.is(text(page.find('.bar__checkout')), '去结算(0)');
  await tap(page.find('.bar__checkout'));
  t.is(mp.toasts.at(-1), '请选择要结算的商品');
  page.detach();
});

test.serial('the stepper sets the quantity in the cart, capped at the stock with a notice', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-001-02', 1);
  const skus = mp.shop.db.collection('skus');
  const stock = (await skus.doc('spu-001-02').get()).data[0].stock as number;
  const page = await openCart();
  await tap(page.find('.line__stepper >>> .t-stepper__plus'));
  let cart = await settled(page, openid, (c) => c.lines[0]!.quantity === 2);
  t.is(cart.totals.quantity, 2);
  t.is(text(page.find('.bar__checkout')), '去结算(2)');

  // Typed in the stepper's own field: at most the stock.
  page.find('.line__stepper >>> .t-stepper__input').dispatchEvent('blur', { detail: { value: String(stock + 5) } });
  cart = await settled(page, openid, (c) => c.lines[0]!.quantity === stock);
  t.is(page.data.lines[0].quantity, stock);
  await tap(page.find('.line__stepper >>> .t-stepper__plus'));
  t.is(mp.toasts.at(-1), '库存不足，不能再多了');

  // Sold meanwhile down to 3: one more than shown is more than the stock, and the cart holds 3.
  page.find('.line__stepper >>> .t-stepper__input').dispatchEvent('blur', { detail: { value: '2' } });
  await settled(page, openid, (c) => c.lines[0]!.quantity === 2);
  await skus.doc('spu-001-02').update({ stock: 3 });
  try {
    page.find('.line__stepper >>> .t-stepper__input').dispatchEvent('blur', { detail: { value: '4' } });
    cart = await settled(page, openid, (c) => c.lines[0]!.quantity === 3);
    await waitFor('the capped notice', () => mp.toasts.includes('库存不足，已调整为 3 件'));
    t.is(page.data.lines[0].max, 3);
  } finally {
    await skus.doc('spu-001-02').update({ stock });
  }
  page.detach();
});

test.serial('管理 removes the marked lines after a confirmation; 清空失效商品 removes the invalid ones', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-001-01', 1);
  await add(openid, 'spu-006-01', 1);
  await add(openid, 'spu-008-01', 1);
  const page = await openCart();
  await tap(page.find('.toolbar__edit'));
  t.is(text(page.find('.toolbar__edit')), '完成');
  t.is(text(page.find('.bar__remove')), '删除(0)');
  await tap(page.findAll('.line__check')[1]!); // spu-006-01
  t.is(text(page.find('.bar__remove')), '删除(1)');

  mp.answerModals(false);
  await tap(page.find('.bar__remove'));
  t.is((await cartOf(openid)).count, 3, 'cancelled: nothing removed');
  mp.answerModals(true);
  await tap(page.find('.bar__remove'));
  const cart = await settled(page, openid, (c) => c.count === 2);
  t.deepEqual(
    cart.lines.map((l) => l.skuId),
    ['spu-008-01', 'spu-001-01'],
  );
  t.is(mp.modals.at(-1)!.content, '确定从购物车删除这 1 种商品吗？');
  t.is(page.findAll('.line').length, 2);

  // A product goes off the shelf: its line is invalid, and can be cleared.
  await tap(page.find('.toolbar__edit'));
  await mp.shop.db.collection('spus').doc('spu-008').update({ status: 'off_shelf' });
  try {
    page.show();
    await waitFor('the invalid line', () => page.data.invalid.length === 1);
    await tap(page.find('.group__clear'));
    const left = await settled(page, openid, (c) => c.count === 1);
    t.deepEqual(
      left.lines.map((l) => l.skuId),
      ['spu-001-01'],
    );
    t.false(page.has('.group--invalid'));
  } finally {
    await mp.shop.db.collection('spus').doc('spu-008').update({ status: 'on_shelf' });
  }
  page.detach();
});

test.serial('去结算 opens checkout for the cart’s selection; a tap on a line opens its product', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-006-01', 1);
  const page = await openCart();
  await tap(page.find('.bar__checkout'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/order/confirm/index?from=cart' });
  await tap(page.find('.line__title'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/product/detail/index?spuId=spu-006' });
  t.truthy(openid);
  page.detach();
});

test.serial('a change refused by the function shows its message and the cart as it is', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-001-01', 1);
  await add(openid, 'spu-006-01', 1);
  const page = await openCart();
  // Removed meanwhile (another device): the stepper's update answers NOT_FOUND.
  dataOf(await mp.shop.call('cart', 'remove', { skuIds: ['spu-006-01'] }, openid));
  const refusal = await mp.shop.call('cart', 'update', { skuId: 'spu-006-01', quantity: 2 }, openid);
  t.false(refusal.ok);
  await tap(page.findAll('.line__stepper')[0]!.querySelector('.t-stepper__plus')!);
  await waitFor('the refusal', () => !refusal.ok && mp.toasts.includes(refusal.message));
  await waitFor('the cart as it is', () => page.data.count === 1);
  t.deepEqual(
    page.data.lines.map((l: { skuId: string }) => l.skuId),
    ['spu-001-01'],
  );
  page.detach();
});

test.serial('a cart the function cannot read shows the route’s message and loads again once mended', async (t) => {
  const openid = newShopper();
  await add(openid, 'spu-009-01', 1);
  // A product written half-way (no images) next to a SKU without its own image: the cart cannot be drawn.
  const skus = mp.shop.db.collection('skus');
  const image = (await skus.doc('spu-009-01').get()).data[0].image as string;
  await skus.doc('spu-009-01').update({ image: '' });
  await mp.shop.db.collection('spus').doc('spu-009').update({ images: null });
  try {
    const refusal = await mp.shop.call('cart', 'list', {}, openid);
    t.false(refusal.ok);
    const page = await openCart();
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);

    await mp.shop.db
      .collection('spus')
      .doc('spu-009')
      .update({ images: [image] });
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the cart', () => page.data.status === 'ready');
    t.is(page.findAll('.line').length, 1);
    page.detach();
  } finally {
    await skus.doc('spu-009-01').update({ image });
    await mp.shop.db
      .collection('spus')
      .doc('spu-009')
      .update({ images: [image] });
  }
});

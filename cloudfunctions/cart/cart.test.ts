import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { CartView } from '../../typings/cart.js';

/** The cart through the gateway on the seeded demo shop. Each test is its own shopper, since tests run concurrently. */
const shop = await startShop();
test.after.always(() => shop.close());

type Added = CartView & { capped: boolean };
const cart = <T = CartView>(route: string, params: Record<string, unknown>, openid: string) =>
  shop.call<T>('cart', route, params, openid);

async function storedLines(openid: string) {
  const { data } = (await shop.db.collection('carts').where({ openid }).get()) as {
    data: Array<{ skuId: string; quantity: number; selected: boolean }>;
  };
  return data.sort((a, b) => a.skuId.localeCompare(b.skuId));
}

test('add: a new line, then the same SKU again merges into it; prices and totals in fen', async (t) => {
  const me = 'o-cart-add';
  dataOf(await cart('add', { skuId: 'spu-001-01', quantity: 2 }, me));
  const merged = dataOf(await cart<Added>('add', { skuId: 'spu-001-01', quantity: 3 }, me));
  t.is(merged.count, 1, 'one line per SKU');
  t.like(merged.lines[0], {
    skuId: 'spu-001-01',
    spuId: 'spu-001',
    title: '纯棉圆领T恤',
    price: 5900,
    quantity: 5,
    subtotal: 29500,
    state: 'ok',
    selected: true,
  });
  t.deepEqual(merged.lines[0]!.specValues, { 颜色: '白色', 尺码: 'S' });
  t.false(merged.capped);
  dataOf(await cart('add', { skuId: 'spu-004-01', quantity: 1 }, me));
  const view = dataOf(await cart('list', {}, me));
  t.deepEqual(
    view.lines.map((l) => l.skuId),
    ['spu-004-01', 'spu-001-01'],
    'newest first',
  );
  t.deepEqual(view.totals, { amount: 5 * 5900 + 39900, quantity: 6, lines: 2 });
  t.true(view.allSelected);
  t.deepEqual(
    (await storedLines(me)).map((l) => [l.skuId, l.quantity]),
    [
      ['spu-001-01', 5],
      ['spu-004-01', 1],
    ],
  );
});

test("add: the price shown is the SKU's current price, not the price when added", async (t) => {
  const me = 'o-cart-live-price';
  dataOf(await cart('add', { skuId: 'spu-006-01', quantity: 2 }, me));
  await shop.db.collection('skus').doc('spu-006-01').update({ price: 9900 });
  const view = dataOf(await cart('list', {}, me));
  t.like(view.lines[0], { price: 9900, subtotal: 19800 });
  t.is(view.totals.amount, 19800);
  await shop.db.collection('skus').doc('spu-006-01').update({ price: 12900 });
});

test('add: the quantity is capped at the stock, and says so', async (t) => {
  const me = 'o-cart-cap';
  const stock = dataOf(await cart<Added>('add', { skuId: 'spu-004-02', quantity: 50 }, me)).lines[0]!.stock;
  t.is(stock, 54);
  const capped = dataOf(await cart<Added>('add', { skuId: 'spu-004-02', quantity: 10 }, me));
  t.true(capped.capped);
  t.like(capped.lines[0], { quantity: 54, state: 'ok' });
  const again = dataOf(await cart<Added>('add', { skuId: 'spu-004-02', quantity: 1 }, me));
  t.true(again.capped);
  t.is((await storedLines(me))[0]!.quantity, 54);
});

test('add: concurrent adds of one SKU never lose an increment', async (t) => {
  const me = 'o-cart-concurrent';
  const answers = await Promise.all(Array.from({ length: 20 }, () => cart('add', { skuId: 'spu-005-01', quantity: 1 }, me)));
  t.true(answers.every((a) => a.ok));
  t.deepEqual(
    (await storedLines(me)).map((l) => l.quantity),
    [20],
  );
});

test('add: an unknown SKU is NOT_FOUND and writes nothing', async (t) => {
  const me = 'o-cart-unknown';
  t.like(await cart('add', { skuId: 'spu-999-01', quantity: 1 }, me), { ok: false, code: 'NOT_FOUND' });
  t.is((await storedLines(me)).length, 0);
});

test('update: sets the quantity, capped at stock; a line not in the cart is NOT_FOUND', async (t) => {
  const me = 'o-cart-update';
  dataOf(await cart('add', { skuId: 'spu-001-02', quantity: 1 }, me));
  t.like(dataOf(await cart<Added>('update', { skuId: 'spu-001-02', quantity: 7 }, me)).lines[0], {
    quantity: 7,
    subtotal: 7 * 6000,
  });
  const capped = dataOf(await cart<Added>('update', { skuId: 'spu-001-02', quantity: 999 }, me));
  t.true(capped.capped);
  t.is(capped.lines[0]!.quantity, 33);
  t.like(await cart('update', { skuId: 'spu-001-03', quantity: 1 }, me), { ok: false, code: 'NOT_FOUND' });
  t.like(
    await cart('update', { skuId: 'spu-001-02', quantity: 0 }, me),
    { ok: false, code: 'VALIDATION' },
    'use remove to take a line out',
  );
  t.deepEqual(
    (await storedLines(me)).map((l) => l.quantity),
    [33],
  );
});

test('remove: takes out the given lines; nothing of them in the cart is NOT_FOUND', async (t) => {
  const me = 'o-cart-remove';
  for (const skuId of ['spu-002-01', 'spu-002-02', 'spu-002-03']) dataOf(await cart('add', { skuId, quantity: 1 }, me));
  const left = dataOf(await cart('remove', { skuIds: ['spu-002-01', 'spu-002-03', 'spu-002-03'] }, me));
  t.deepEqual(
    left.lines.map((l) => l.skuId),
    ['spu-002-02'],
  );
  t.like(await cart('remove', { skuIds: ['spu-002-01'] }, me), { ok: false, code: 'NOT_FOUND' });
  t.deepEqual(
    (await storedLines(me)).map((l) => l.skuId),
    ['spu-002-02'],
  );
});

test('select: some lines or all of them; totals count only the selected', async (t) => {
  const me = 'o-cart-select';
  dataOf(await cart('add', { skuId: 'spu-003-01', quantity: 1 }, me));
  dataOf(await cart('add', { skuId: 'spu-003-02', quantity: 2 }, me));
  const one = dataOf(await cart('select', { skuIds: ['spu-003-02'], selected: false }, me));
  t.deepEqual(one.totals, { amount: 15900, quantity: 1, lines: 1 });
  t.false(one.allSelected);
  const none = dataOf(await cart('select', { all: true, selected: false }, me));
  t.deepEqual(none.totals, { amount: 0, quantity: 0, lines: 0 });
  t.true((await storedLines(me)).every((l) => !l.selected));
  const all = dataOf(await cart('select', { all: true, selected: true }, me));
  t.deepEqual(all.totals, { amount: 15900 + 2 * 16000, quantity: 3, lines: 2 });
  t.true(all.allSelected);
  t.like(await cart('select', { skuIds: ['spu-003-03'], selected: true }, me), { ok: false, code: 'NOT_FOUND' });
  t.like(await cart('select', { all: false, selected: true }, me), { ok: false, code: 'VALIDATION' });
});

test('states: sold out, off shelf, low stock and removed SKUs are shown as such and left out of the totals', async (t) => {
  const me = 'o-cart-states';
  const skus = shop.db.collection('skus');
  for (const skuId of ['spu-007-01', 'spu-008-01', 'spu-009-01', 'spu-010-01', 'spu-012-01'])
    dataOf(await cart('add', { skuId, quantity: 2 }, me));
  const removedSku = ((await skus.doc('spu-010-01').get()) as { data: Array<Record<string, unknown>> }).data[0]!;
  await skus.doc('spu-007-01').update({ stock: 0 });
  await shop.db.collection('spus').doc('spu-008').update({ status: 'off_shelf' });
  await skus.doc('spu-009-01').update({ stock: 1 });
  await skus.doc('spu-010-01').remove();
  try {
    const view = dataOf(await cart('list', {}, me));
    const state = Object.fromEntries(view.lines.map((l) => [l.skuId, l.state]));
    t.deepEqual(state, {
      'spu-007-01': 'sold_out',
      'spu-008-01': 'off_shelf',
      'spu-009-01': 'low_stock',
      'spu-010-01': 'removed',
      'spu-012-01': 'ok',
    });
    t.like(
      view.lines.find((l) => l.skuId === 'spu-009-01'),
      { stock: 1, quantity: 2 },
    );
    t.like(
      view.lines.find((l) => l.skuId === 'spu-010-01'),
      { title: '', price: 0, stock: 0, quantity: 2 },
    );
    t.deepEqual(view.totals, { amount: 2 * 3900, quantity: 2, lines: 1 }, 'only the ok line counts');
    t.is(view.count, 5);
    t.like(await cart('add', { skuId: 'spu-007-01', quantity: 1 }, me), { ok: false, code: 'OUT_OF_STOCK' });
    t.like(await cart('add', { skuId: 'spu-008-01', quantity: 1 }, me), { ok: false, code: 'NOT_FOUND' });
    t.like(await cart('update', { skuId: 'spu-007-01', quantity: 1 }, me), { ok: false, code: 'OUT_OF_STOCK' });
    t.like(
      dataOf(await cart('update', { skuId: 'spu-009-01', quantity: 1 }, me)).lines.find((l) => l.skuId === 'spu-009-01'),
      { state: 'ok' },
    );
  } finally {
    await skus.doc('spu-007-01').update({ stock: 69 });
    await shop.db.collection('spus').doc('spu-008').update({ status: 'on_shelf' });
    await skus.doc('spu-009-01').update({ stock: 76 });
    await skus.add(removedSku);
  }
});

test('a cart holds at most 100 lines: the 101st is a CONFLICT', async (t) => {
  const me = 'o-cart-full';
  const addedAt = new Date();
  await shop.db
    .collection('carts')
    .add(Array.from({ length: 100 }, (_v, i) => ({ openid: me, skuId: `gone-${i}`, quantity: 1, selected: true, addedAt })));
  t.like(await cart('add', { skuId: 'spu-001-04', quantity: 1 }, me), { ok: false, code: 'CONFLICT' });
  t.is((await storedLines(me)).length, 100);
  const view = dataOf(await cart('list', {}, me));
  t.is(view.count, 100);
  t.true(view.lines.every((l) => l.state === 'removed'));
});

test("ownership: another shopper cannot see, change, select or remove someone's lines", async (t) => {
  const owner = 'o-cart-owner';
  const other = 'o-cart-intruder';
  dataOf(await cart('add', { skuId: 'spu-011-01', quantity: 3 }, owner));
  dataOf(await cart('select', { skuIds: ['spu-011-01'], selected: false }, owner));
  const before = await storedLines(owner);
  t.is(dataOf(await cart('list', {}, other)).count, 0);
  t.like(await cart('update', { skuId: 'spu-011-01', quantity: 1 }, other), { ok: false, code: 'NOT_FOUND' });
  t.like(await cart('remove', { skuIds: ['spu-011-01'] }, other), { ok: false, code: 'NOT_FOUND' });
  t.like(await cart('select', { skuIds: ['spu-011-01'], selected: true }, other), { ok: false, code: 'NOT_FOUND' });
  dataOf(await cart('select', { all: true, selected: true }, other));
  t.like(
    await cart('list', { openid: owner }, other),
    { ok: false, code: 'VALIDATION' },
    'identity never comes from the parameters',
  );
  t.deepEqual(await storedLines(owner), before);
  t.deepEqual(await storedLines(other), []);
});

const malformed: Array<[string, string, Record<string, unknown>]> = [
  ['unknown key', 'add', { skuId: 'spu-001-01', quantity: 1, price: 1 }],
  ['negative quantity', 'add', { skuId: 'spu-001-01', quantity: -1 }],
  ['fractional quantity', 'add', { skuId: 'spu-001-01', quantity: 1.5 }],
  ['zero quantity', 'add', { skuId: 'spu-001-01', quantity: 0 }],
  ['huge quantity', 'add', { skuId: 'spu-001-01', quantity: 1e9 }],
  ['quantity as a string', 'add', { skuId: 'spu-001-01', quantity: '2' }],
  ['sku id with an operator', 'add', { skuId: { $ne: null }, quantity: 1 }],
  ['10,000-character sku id', 'add', { skuId: 'x'.repeat(10_000), quantity: 1 }],
  ['missing quantity', 'update', { skuId: 'spu-001-01' }],
  ['empty sku list', 'remove', { skuIds: [] }],
  ['101 sku ids', 'remove', { skuIds: Array.from({ length: 101 }, (_v, i) => `s-${i}`) }],
  ['sku ids not an array', 'remove', { skuIds: 'spu-001-01' }],
  ['selected not a boolean', 'select', { skuIds: ['spu-001-01'], selected: 'yes' }],
  ['both skuIds and all', 'select', { skuIds: ['spu-001-01'], all: true, selected: true }],
  ['unknown key on list', 'list', { openid: 'o-someone' }],
];
for (const [title, route, params] of malformed) {
  test(`malformed input is refused with VALIDATION and writes nothing: ${title}`, async (t) => {
    const me = `o-cart-bad-${title.replace(/[^a-z0-9]+/gi, '-')}`;
    t.like(await cart(route, params, me), { ok: false, code: 'VALIDATION' });
    t.is((await storedLines(me)).length, 0);
  });
}

import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { HomeData, ListData, ProductDetail } from '../../typings/product.js';

/** The catalog through the gateway, as the mini-program calls it, on the seeded demo shop. */
const shop = await startShop();
test.after.always(() => shop.close());

test('home: banners, the category tree and recommended products in one call', async (t) => {
  const home = dataOf(await shop.call<HomeData>('product', 'home'));
  t.is(home.banners.length, 3);
  t.regex(home.banners[0]!.link, /^\/pages\/product\/detail\/index\?spuId=spu-\d{3}$/);
  t.deepEqual(
    home.categories.map((c) => c.name),
    ['服饰', '数码', '食品', '家居'],
  );
  t.deepEqual(
    home.categories[0]!.children.map((c) => c.name),
    ['T恤', '卫衣'],
  );
  t.is(home.recommended.length, 10);
  const sales = home.recommended.map((p) => p.sales);
  t.deepEqual(
    sales,
    [...sales].sort((a, b) => b - a),
    'best sellers first',
  );
});

test('home: the flash sales running or coming, the group-buys open and the coupons to claim, as the data has them', async (t) => {
  const now = Date.now();
  const hour = 3_600_000;
  const sale = (id: string, fields: Record<string, unknown>) => ({
    _id: id,
    skuId: 'spu-001-01',
    spuId: 'spu-001',
    title: '',
    price: 1900,
    stock: 5,
    remaining: 5,
    perUser: 1,
    startAt: new Date(now - hour),
    endAt: new Date(now + hour),
    status: 'active',
    createdAt: new Date(now),
    updatedAt: new Date(now),
    ...fields,
  });
  await shop.db
    .collection('flash_sales')
    .add([
      sale('fs-home-sold-out', { remaining: 0, endAt: new Date(now + 30 * 60_000) }),
      sale('fs-home-ended', { startAt: new Date(now - 2 * hour), endAt: new Date(now - hour) }),
      sale('fs-home-disabled', { status: 'disabled' }),
    ]);
  const home = dataOf(await shop.call<HomeData>('product', 'home'));
  const [seeded] = (await shop.db.collection('flash_sales').doc('fs-earphone-199').get()).data as Array<Record<string, any>>;
  const sku = (await shop.db.collection('skus').doc('spu-004-01').get()).data[0] as Record<string, any>;
  const tshirt = (await shop.db.collection('spus').doc('spu-001').get()).data[0] as Record<string, any>;
  t.deepEqual(
    home.flashSales.map((s) => [s.flashSaleId, s.state]),
    [
      ['fs-home-sold-out', 'sold_out'],
      ['fs-earphone-199', 'upcoming'],
    ],
    'running or coming, soonest first; ended and disabled sales are not shown',
  );
  t.like(home.flashSales[0], { spuId: 'spu-001', title: tshirt.title, price: 1900, remaining: 0 });
  t.deepEqual(home.flashSales[1], {
    flashSaleId: 'fs-earphone-199',
    spuId: 'spu-004',
    title: seeded!.title,
    image: sku.image,
    price: seeded!.price,
    normalPrice: sku.price,
    stock: seeded!.stock,
    remaining: seeded!.remaining,
    startAt: new Date(seeded!.startAt).toISOString(),
    endAt: new Date(seeded!.endAt).toISOString(),
    state: 'upcoming',
  });
  t.like(home.groupBuys, [{ activityId: 'gb-nuts', spuId: 'spu-007', lowestPrice: 4900, targetSize: 3 }]);
  const templates = (await shop.db.collection('coupon_templates').where({ status: 'active' }).get()).data as Array<
    Record<string, any>
  >;
  const open = templates.filter(
    (c) => new Date(c.claimStartAt).getTime() <= now && new Date(c.claimEndAt).getTime() >= now && c.issued < c.total,
  );
  t.true(open.length > 0);
  t.is(home.claimableCoupons, open.length);
});

test('list: a top-level category includes its subcategories, sorted by price', async (t) => {
  const page = dataOf(await shop.call<ListData>('product', 'list', { categoryId: 'c-digital', sort: 'price_asc' }));
  t.deepEqual(
    page.items.map((p) => p.title),
    ['65W 氮化镓充电器', '运动挂耳耳机', '降噪蓝牙耳机'],
  );
  t.is(page.nextCursor, undefined);
});

test('list: keyword search is literal and case-insensitive', async (t) => {
  const found = dataOf(await shop.call<ListData>('product', 'list', { keyword: '耳机' }));
  t.deepEqual(found.items.map((p) => p.title).sort(), ['运动挂耳耳机', '降噪蓝牙耳机'].sort());
  const gan = dataOf(await shop.call<ListData>('product', 'list', { keyword: '65w' }));
  t.is(gan.items.length, 1);
  const pattern = dataOf(await shop.call<ListData>('product', 'list', { keyword: '.*' }));
  t.is(pattern.items.length, 0, 'regex characters are searched literally');
});

for (const sort of ['default', 'sales', 'price_asc', 'price_desc', 'new'] as const) {
  test(`list: cursor pages (${sort}) cover every product once, in order`, async (t) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: ListData = dataOf(
        await shop.call<ListData>('product', 'list', { sort, pageSize: 5, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...page.items.map((p) => p.spuId));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    t.is(pages, 3);
    t.is(seen.length, 12);
    t.is(new Set(seen).size, 12, 'no product twice');
    const whole = dataOf(await shop.call<ListData>('product', 'list', { sort, pageSize: 50 }));
    t.deepEqual(
      seen,
      whole.items.map((p) => p.spuId),
      'pages join up to the single-page order',
    );
  });
}

test('detail: spec dimensions and the SKU matrix with price and stock', async (t) => {
  const detail = dataOf(await shop.call<ProductDetail>('product', 'detail', { spuId: 'spu-001' }));
  t.is(detail.title, '纯棉圆领T恤');
  t.deepEqual(
    detail.specs.map((s) => s.name),
    ['颜色', '尺码'],
  );
  t.is(detail.skus.length, 3 * 4, 'one SKU per combination');
  t.deepEqual(detail.skus[0]!.specValues, { 颜色: '白色', 尺码: 'S' });
  t.true(detail.skus.every((s) => Number.isInteger(s.price) && s.price > 0 && Number.isInteger(s.stock)));
  t.is(
    detail.stock,
    detail.skus.reduce((n, s) => n + s.stock, 0),
  );
  t.is(detail.minPrice, Math.min(...detail.skus.map((s) => s.price)));
});

test.serial('detail: an off-shelf or unknown product is NOT_FOUND', async (t) => {
  await shop.db.collection('spus').doc('spu-002').update({ status: 'off_shelf' });
  t.like(await shop.call('product', 'detail', { spuId: 'spu-002' }), { ok: false, code: 'NOT_FOUND' });
  t.like(await shop.call('product', 'detail', { spuId: 'nope' }), { ok: false, code: 'NOT_FOUND' });
  const listed = dataOf(await shop.call<ListData>('product', 'list', { pageSize: 50 }));
  t.false(
    listed.items.some((p) => p.spuId === 'spu-002'),
    'off-shelf products are not listed',
  );
  await shop.db.collection('spus').doc('spu-002').update({ status: 'on_shelf' });
});

const malformed: Array<[string, string, Record<string, unknown>]> = [
  ['unknown key', 'list', { categoryId: 'c-food', admin: true }],
  ['wrong type', 'list', { pageSize: '20' }],
  ['fractional page size', 'list', { pageSize: 2.5 }],
  ['page size too large', 'list', { pageSize: 5000 }],
  ['unknown sort', 'list', { sort: 'random' }],
  ['10,000-character keyword', 'list', { keyword: 'x'.repeat(10_000) }],
  ['forged cursor', 'list', { cursor: 'not-a-cursor' }],
  ['id with an operator', 'detail', { spuId: { $ne: null } }],
  ['missing id', 'detail', {}],
];
for (const [title, route, params] of malformed) {
  test(`malformed input is refused with VALIDATION: ${title}`, async (t) => {
    t.like(await shop.call('product', route, params), { ok: false, code: 'VALIDATION' });
  });
}

test('an unknown route is refused', async (t) => {
  t.like(await shop.call('product', 'dropTables'), { ok: false, code: 'UNKNOWN_ROUTE' });
});

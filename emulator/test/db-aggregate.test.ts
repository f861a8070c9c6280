import test from 'ava';
import { errorOf, freshCollection, startWithSdk } from './helpers/sdk.js';
import type { Rec } from './helpers/sdk.js';

/** Every aggregation stage wx-server-sdk can send (`aggregate()` pipelines), through the real SDK, on a small shop data set. */
const { emulator, db } = await startWithSdk();
test.after.always(() => emulator.close());
const _ = db.command;
const $ = db.command.aggregate;

// Amounts are integer fen. createdAt is UTC; o2 is still 03-01 in UTC but already 03-02 in Asia/Shanghai (UTC+8).
const ORDERS: Rec[] = [
  {
    _id: 'o1',
    openid: 'u1',
    status: 'paid',
    items: [
      { sku: 'apple', qty: 2, price: 599 },
      { sku: 'milk', qty: 1, price: 1250 },
    ],
    total: 2448,
    createdAt: new Date('2024-03-01T02:00:00.000Z'),
  },
  {
    _id: 'o2',
    openid: 'u2',
    status: 'paid',
    items: [{ sku: 'bread', qty: 3, price: 800 }],
    total: 2400,
    createdAt: new Date('2024-03-01T17:30:00.000Z'),
  },
  {
    _id: 'o3',
    openid: 'u1',
    status: 'pending',
    items: [{ sku: 'apple', qty: 1, price: 599 }],
    total: 599,
    createdAt: new Date('2024-03-02T04:00:00.000Z'),
  },
  { _id: 'o4', openid: 'u3', status: 'cancelled', items: [], total: 0, createdAt: new Date('2024-03-03T01:00:00.000Z') },
  {
    _id: 'o5',
    openid: 'u2',
    status: 'paid',
    items: [
      { sku: 'milk', qty: 2, price: 1250 },
      { sku: 'apple', qty: 1, price: 599 },
    ],
    total: 3099,
    createdAt: new Date('2024-03-03T10:00:00.000Z'),
  },
];
const PRODUCTS: Rec[] = [
  { _id: 'apple', name: '苹果', category: 'fruit' },
  { _id: 'milk', name: '牛奶', category: 'dairy' },
  { _id: 'bread', name: '面包', category: 'bakery' },
];
const byId = (id: string): Rec => ORDERS.find((o) => o._id === id)!;

let orders: string;
let products: string;
test.before(async () => {
  orders = await freshCollection(db, 'orders');
  products = await freshCollection(db, 'products');
  await db.collection(orders).add({ data: ORDERS });
  await db.collection(products).add({ data: PRODUCTS });
});
const o = () => db.collection(orders).aggregate();

test('match with query commands', async (t) => {
  const res = await o()
    .match({ status: 'paid', total: _.gt(2400) })
    .end();
  t.is(res.errMsg, 'collection.aggregate:ok');
  t.deepEqual(res.list, [byId('o1'), byId('o5')]);
  const either = await o()
    .match(_.or([{ total: _.lt(600) }, { openid: _.in(['u3']) }]))
    .end();
  t.deepEqual(either.list, [byId('o3'), byId('o4')]);
});

test('match with _.expr', async (t) => {
  const res = await o()
    .match(_.expr($.gte([$.size('$items'), 2])))
    .end();
  t.deepEqual(res.list, [byId('o1'), byId('o5')]);
});

test('project: inclusion, with _id by default, without it, and a nested path', async (t) => {
  const res = await o().match({ _id: 'o1' }).project({ openid: 1, total: true }).end();
  t.deepEqual(res.list, [{ _id: 'o1', openid: 'u1', total: 2448 }]);
  const nested = await o().match({ _id: 'o1' }).project({ _id: 0, 'items.sku': 1 }).end();
  t.deepEqual(nested.list, [{ items: [{ sku: 'apple' }, { sku: 'milk' }] }]);
});

test('project: exclusion', async (t) => {
  const res = await o().match({ _id: 'o2' }).project({ items: 0, createdAt: 0 }).end();
  t.deepEqual(res.list, [{ _id: 'o2', openid: 'u2', status: 'paid', total: 2400 }]);
});

test('project: computed fields with $.multiply, $.divide and $.size', async (t) => {
  const res = await o()
    .match({ _id: _.in(['o1', 'o4']) })
    .project({ _id: 0, order: '$_id', yuan: $.divide(['$total', 100]), lines: $.size('$items') })
    .end();
  t.deepEqual(res.list, [
    { order: 'o1', yuan: 24.48, lines: 2 },
    { order: 'o4', yuan: 0, lines: 0 },
  ]);
  const lines = await o()
    .match({ _id: 'o5' })
    .unwind('$items')
    .project({ _id: 0, sku: '$items.sku', lineTotal: $.multiply(['$items.qty', '$items.price']) })
    .end();
  t.deepEqual(lines.list, [
    { sku: 'milk', lineTotal: 2500 },
    { sku: 'apple', lineTotal: 599 },
  ]);
});

test('addFields keeps every field and adds computed ones', async (t) => {
  const res = await o()
    .match({ _id: _.in(['o3', 'o4']) })
    .addFields({ lines: $.size('$items'), isPaid: $.eq(['$status', 'paid']), 'meta.source': 'mp' })
    .end();
  t.deepEqual(res.list, [
    { ...byId('o3'), lines: 1, isPaid: false, meta: { source: 'mp' } },
    { ...byId('o4'), lines: 0, isPaid: false, meta: { source: 'mp' } },
  ]);
});

test('group with every accumulator', async (t) => {
  const res = await o()
    .match({ status: _.neq('cancelled') })
    .sort({ createdAt: 1 })
    .group({
      _id: '$openid',
      orders: $.sum(1),
      spent: $.sum('$total'),
      avg: $.avg('$total'),
      min: $.min('$total'),
      max: $.max('$total'),
      first: $.first('$_id'),
      last: $.last('$_id'),
      ids: $.push('$_id'),
      statuses: $.addToSet('$status'),
    })
    .sort({ _id: 1 })
    .end();
  // $addToSet has no defined order, so its arrays are compared sorted.
  const list = res.list.map((g: Rec) => ({ ...g, statuses: [...g.statuses].sort() }));
  t.deepEqual(list, [
    {
      _id: 'u1',
      orders: 2,
      spent: 3047,
      avg: 1523.5,
      min: 599,
      max: 2448,
      first: 'o1',
      last: 'o3',
      ids: ['o1', 'o3'],
      statuses: ['paid', 'pending'],
    },
    {
      _id: 'u2',
      orders: 2,
      spent: 5499,
      avg: 2749.5,
      min: 2400,
      max: 3099,
      first: 'o2',
      last: 'o5',
      ids: ['o2', 'o5'],
      statuses: ['paid'],
    },
  ]);
});

test('group by null and by a computed key', async (t) => {
  const all = await o()
    .group({ _id: null, n: $.sum(1), revenue: $.sum('$total') })
    .end();
  t.deepEqual(all.list, [{ _id: null, n: 5, revenue: 8546 }]);
  const byPaid = await o()
    .group({ _id: { paid: $.eq(['$status', 'paid']) }, n: $.sum(1) })
    .sort({ '_id.paid': -1 })
    .end();
  t.deepEqual(byPaid.list, [
    { _id: { paid: true }, n: 3 },
    { _id: { paid: false }, n: 2 },
  ]);
});

test('sort on several keys, skip and limit', async (t) => {
  const sorted = await o().sort({ openid: 1, total: -1 }).project({ _id: 1 }).end();
  t.deepEqual(
    sorted.list.map((d: Rec) => d._id),
    ['o1', 'o3', 'o5', 'o2', 'o4'],
  );
  const page = await o().sort({ openid: 1, total: -1 }).skip(1).limit(2).project({ _id: 1 }).end();
  t.deepEqual(page.list, [{ _id: 'o3' }, { _id: 'o5' }]);
});

test('unwind by path string drops empty arrays', async (t) => {
  const res = await o()
    .match({ _id: _.in(['o1', 'o4']) })
    .unwind('$items')
    .project({ items: 1 })
    .end();
  t.deepEqual(res.list, [
    { _id: 'o1', items: { sku: 'apple', qty: 2, price: 599 } },
    { _id: 'o1', items: { sku: 'milk', qty: 1, price: 1250 } },
  ]);
  const all = await o().unwind('$items').count('lines').end();
  t.deepEqual(all.list, [{ lines: 6 }]);
});

test('unwind with includeArrayIndex and preserveNullAndEmptyArrays', async (t) => {
  const res = await o()
    .match({ _id: _.in(['o1', 'o4']) })
    .unwind({ path: '$items', includeArrayIndex: 'idx', preserveNullAndEmptyArrays: true })
    .project({ _id: 1, sku: '$items.sku', idx: 1 })
    .end();
  t.deepEqual(res.list, [
    { _id: 'o1', sku: 'apple', idx: 0 },
    { _id: 'o1', sku: 'milk', idx: 1 },
    { _id: 'o4', idx: null },
  ]);
});

test('lookup by localField / foreignField', async (t) => {
  const res = await o()
    .match({ _id: 'o1' })
    .unwind('$items')
    .lookup({ from: products, localField: 'items.sku', foreignField: '_id', as: 'product' })
    .project({ _id: 0, sku: '$items.sku', product: 1 })
    .end();
  t.deepEqual(res.list, [
    { sku: 'apple', product: [PRODUCTS[0]] },
    { sku: 'milk', product: [PRODUCTS[1]] },
  ]);
  const whole = await o()
    .match({ _id: 'o5' })
    .lookup({ from: products, localField: 'items.sku', foreignField: '_id', as: 'products' })
    .project({ products: 1 })
    .end();
  t.deepEqual(whole.list, [{ _id: 'o5', products: [PRODUCTS[0], PRODUCTS[1]] }], 'an array localField matches any element');
});

test('lookup with let and a sub-pipeline built by $.pipeline()', async (t) => {
  const res = await o()
    .match({ _id: 'o1' })
    .unwind('$items')
    .lookup({
      from: products,
      let: { sku: '$items.sku' },
      pipeline: $.pipeline()
        .match(_.expr($.eq(['$_id', '$$sku'])))
        .project({ _id: 0, name: 1 })
        .done(),
      as: 'product',
    })
    .project({ _id: 0, sku: '$items.sku', product: 1 })
    .end();
  t.deepEqual(res.list, [
    { sku: 'apple', product: [{ name: '苹果' }] },
    { sku: 'milk', product: [{ name: '牛奶' }] },
  ]);
});

test('count', async (t) => {
  const res = await o().match({ status: 'paid' }).count('paidOrders').end();
  t.deepEqual(res.list, [{ paidOrders: 3 }]);
  const none = await o().match({ status: 'refunded' }).count('n').end();
  t.deepEqual(none.list, [], 'count of nothing is no document, as in MongoDB');
});

test('replaceRoot', async (t) => {
  const res = await o().match({ _id: 'o1' }).unwind('$items').replaceRoot({ newRoot: '$items' }).end();
  t.deepEqual(res.list, ORDERS[0]!.items);
  const merged = await o()
    .match({ _id: 'o2' })
    .unwind('$items')
    .replaceRoot({ newRoot: $.mergeObjects([{ order: '$_id' }, '$items']) })
    .end();
  t.deepEqual(merged.list, [{ order: 'o2', sku: 'bread', qty: 3, price: 800 }]);
});

test('sortByCount', async (t) => {
  const res = await o().unwind('$items').sortByCount('$items.sku').end();
  t.deepEqual(res.list, [
    { _id: 'apple', count: 3 },
    { _id: 'milk', count: 2 },
    { _id: 'bread', count: 1 },
  ]);
});

test('sample: the requested size, distinct members of the collection', async (t) => {
  const res = await o().sample({ size: 3 }).end();
  t.is(res.list.length, 3);
  for (const doc of res.list as Rec[]) t.deepEqual(doc, byId(doc._id));
  t.is(new Set(res.list.map((d: Rec) => d._id)).size, 3);
  const more = await o().sample({ size: 50 }).end();
  t.deepEqual(
    more.list.map((d: Rec) => d._id).sort(),
    ['o1', 'o2', 'o3', 'o4', 'o5'],
    'a size above the collection size gives every document once',
  );
});

test('bucket with boundaries, default and output', async (t) => {
  const res = await o()
    .sort({ _id: 1 })
    .bucket({
      groupBy: '$total',
      boundaries: [0, 1000, 3000],
      default: 'large',
      output: { n: $.sum(1), ids: $.push('$_id'), revenue: $.sum('$total') },
    })
    .end();
  t.deepEqual(res.list, [
    { _id: 0, n: 2, ids: ['o3', 'o4'], revenue: 599 },
    { _id: 1000, n: 2, ids: ['o1', 'o2'], revenue: 4848 },
    { _id: 'large', n: 1, ids: ['o5'], revenue: 3099 },
  ]);
  const counted = await o()
    .bucket({ groupBy: '$total', boundaries: [0, 1000, 5000] })
    .end();
  t.deepEqual(counted.list, [
    { _id: 0, count: 2 },
    { _id: 1000, count: 3 },
  ]);
});

test('geoNear needs a geo (2dsphere) index, as CloudBase requires (db-geo.test.ts has the rest)', async (t) => {
  const err = await errorOf(
    o()
      .geoNear({ near: new db.Geo.Point(113.3, 23.1), spherical: true, distanceField: 'distance' })
      .end(),
  );
  t.regex(String(err.errMsg), /geoNear/);
  t.regex(String(err.errMsg), /no 2dsphere index/);
});

test('aggregate on an empty collection gives an empty list', async (t) => {
  const c = db.collection(await freshCollection(db));
  const bare = await c.aggregate().end();
  t.deepEqual(bare.list, []);
  const res = await c
    .aggregate()
    .match({ a: _.gt(0) })
    .group({ _id: '$a', n: $.sum(1) })
    .end();
  t.is(res.errMsg, 'collection.aggregate:ok');
  t.deepEqual(res.list, []);
});

test('sales per day in Asia/Shanghai', async (t) => {
  const res = await o()
    .match({ status: _.in(['paid', 'pending']) })
    .addFields({ day: $.dateToString({ date: '$createdAt', format: '%Y-%m-%d', timezone: 'Asia/Shanghai' }) })
    .group({ _id: '$day', orders: $.sum(1), revenue: $.sum('$total'), buyers: $.addToSet('$openid') })
    .sort({ _id: 1 })
    .project({ _id: 0, day: '$_id', orders: 1, revenue: 1, buyers: $.size('$buyers') })
    .end();
  // o2 was placed at 2024-03-01T17:30Z, which is already 03-02 in Shanghai.
  t.deepEqual(res.list, [
    { day: '2024-03-01', orders: 1, revenue: 2448, buyers: 1 },
    { day: '2024-03-02', orders: 2, revenue: 2999, buyers: 2 },
    { day: '2024-03-03', orders: 1, revenue: 3099, buyers: 1 },
  ]);
});

import test from 'ava';
import { CloudBaseError, CloudBaseErrorCode } from '../../emulator/index.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { OrderPage, OrderView, Preview } from '../../typings/order.js';
import type { Address } from '../../typings/user.js';

/** Checkout through the gateway on the seeded demo shop: prices from the database, stock held by conditional writes. */
const shop = await startShop();
test.after.always(() => shop.close());

let keys = 0;
const key = () => `test-key-${process.pid}-${++keys}`;

async function addressOf(openid: string): Promise<string> {
  const saved = dataOf(
    await shop.call<Address>(
      'user',
      'addresses.save',
      { name: '张三', phone: '13812345678', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南路 88 号' },
      openid,
    ),
  );
  return saved.addressId;
}

async function stockOf(skuId: string): Promise<number> {
  return (await shop.db.collection('skus').doc(skuId).get()).data[0].stock as number;
}

/**
 * Sets `fields` (EJSON) on the SKU as the emulator receives the order function's next write, before it runs: create's
 * first write is its stock hold, so a change lands exactly between its first read and the hold. The listener runs
 * synchronously, so the timing is exact; the tests using it are serial. Answers whether it has happened.
 */
function onCreatesFirstWrite(skuId: string, fields: Record<string, unknown>): () => boolean {
  let done = false;
  shop.emulator.host.onAdminCall((action, caller) => {
    if (done || action !== 'database.modifyDocument' || caller.functionName !== 'order') return;
    done = true;
    shop.emulator.database.actions['database.modifyDocument']!(
      {
        collectionName: 'skus',
        queryType: 'DOC',
        query: JSON.stringify({ _id: skuId }),
        data: JSON.stringify({ $set: fields }),
        multi: false,
        merge: true,
        upsert: false,
      },
      Date.now(),
    );
  });
  return () => done;
}

/** The SKU's holds for orders being placed (store/stock-holds.ts): none once every create has finished. */
async function holdsOf(skuId: string): Promise<unknown[]> {
  return ((await shop.db.collection('skus').doc(skuId).get()).data[0].holds ?? []) as unknown[];
}

async function setStock(skuId: string, stock: number): Promise<void> {
  await shop.db.collection('skus').doc(skuId).update({ stock });
}

test('preview prices lines from the database and reports what cannot be bought', async (t) => {
  await setStock('spu-007-02', 1);
  const preview = dataOf(
    await shop.call<Preview>(
      'order',
      'preview',
      {
        lines: [
          { skuId: 'spu-001-01', quantity: 2 },
          { skuId: 'spu-007-02', quantity: 3 },
          { skuId: 'nope', quantity: 1 },
        ],
      },
      'o-preview',
    ),
  );
  t.is(preview.lines.length, 1);
  t.is(preview.lines[0]!.unitPrice, 5900);
  t.like(preview.amounts, {
    subtotal: 11800,
    discountTotal: 0,
    freight: 0,
    payable: 11800,
    discounts: { promotion: 0, member: 0, coupon: 0, points: 0 },
    coupon: null,
    pointsUsed: 0,
  });
  t.like(preview.amounts.member, { levelIndex: 0, discountBp: 10_000 }, 'a new shopper: the first level, no discount');
  t.deepEqual(
    preview.problems.map((p) => [p.skuId, p.code]),
    [
      ['spu-007-02', 'OUT_OF_STOCK'],
      ['nope', 'NOT_FOUND'],
    ],
  );
  const small = dataOf(
    await shop.call<Preview>('order', 'preview', { lines: [{ skuId: 'spu-012-01', quantity: 1 }] }, 'o-preview'),
  );
  t.is(small.amounts.freight, 800, 'freight below ¥99');
  t.is(small.amounts.payable, 3900 + 800);
});

test('create holds stock and snapshots items, prices and the address; cancel returns the stock', async (t) => {
  const openid = 'o-journey';
  const addressId = await addressOf(openid);
  const before = await stockOf('spu-003-05');
  const order = dataOf(
    await shop.call<OrderView>(
      'order',
      'create',
      { lines: [{ skuId: 'spu-003-05', quantity: 2 }], addressId, idempotencyKey: key() },
      openid,
    ),
  );
  t.is(order.status, 'pending_payment');
  t.is(order.statusLabel, '待付款');
  t.is(order.lines[0]!.title, '加绒连帽卫衣');
  t.is(order.amounts.payable, order.lines[0]!.unitPrice * 2);
  t.is(order.address.phone, '138****5678', 'masked');
  t.truthy(order.expiresAt);
  t.is(await stockOf('spu-003-05'), before - 2);
  const stored = (await shop.db.collection('orders').doc(order.orderId).get()).data[0];
  t.false(JSON.stringify(stored).includes('13812345678'), 'the phone stays encrypted in the order');

  const listed = dataOf(await shop.call<OrderPage>('order', 'list', { status: 'pending_payment' }, openid));
  t.deepEqual(
    listed.items.map((o) => o.orderId),
    [order.orderId],
  );
  const cancelled = dataOf(await shop.call<OrderView>('order', 'cancel', { orderId: order.orderId }, openid));
  t.is(cancelled.status, 'cancelled');
  t.is(await stockOf('spu-003-05'), before);
  t.like(await shop.call('order', 'cancel', { orderId: order.orderId }, openid), { ok: false, code: 'INVALID_STATE' });
});

// Serial: it watches every write the order function makes, so no other test's create may run meanwhile.
test.serial('a price changed while the order is being created refuses it with CONFLICT and holds nothing', async (t) => {
  const openid = 'o-reprice';
  const skuId = 'spu-006-02';
  const addressId = await addressOf(openid);
  const sku = (await shop.db.collection('skus').doc(skuId).get()).data[0] as { price: number; stock: number };
  // The merchant's change lands after create priced the order from its first read and before it holds the stock.
  const repriced = onCreatesFirstWrite(skuId, { price: { $numberInt: String(sku.price + 500) } });
  const answer = await shop.call<OrderView>(
    'order',
    'create',
    { lines: [{ skuId, quantity: 1 }], addressId, idempotencyKey: key() },
    openid,
  );
  t.true(repriced(), 'the price changed mid-create');
  t.like(answer, { ok: false, code: 'CONFLICT', message: '商品信息已变化，请重新确认订单' });
  t.is(await stockOf(skuId), sku.stock, 'no stock held');
  t.is((await shop.db.collection('orders').where({ openid }).count()).total, 0, 'no order written');
  const preview = dataOf(await shop.call<Preview>('order', 'preview', { lines: [{ skuId, quantity: 1 }] }, openid));
  t.is(preview.lines[0]!.unitPrice, sku.price + 500, 'the shopper confirms again at the new price');
  const order = dataOf(
    await shop.call<OrderView>('order', 'create', { lines: [{ skuId, quantity: 1 }], addressId, idempotencyKey: key() }, openid),
  );
  t.is(order.amounts.subtotal, sku.price + 500);
});

test('the same idempotency key gives the same order, even when retried concurrently', async (t) => {
  const openid = 'o-retry';
  const addressId = await addressOf(openid);
  const before = await stockOf('spu-010-01');
  const idempotencyKey = key();
  const params = { lines: [{ skuId: 'spu-010-01', quantity: 1 }], addressId, idempotencyKey };
  const answers = await Promise.all(Array.from({ length: 5 }, () => shop.call<OrderView>('order', 'create', params, openid)));
  const ids = new Set(answers.map((a) => dataOf(a).orderId));
  t.is(ids.size, 1);
  t.is(await stockOf('spu-010-01'), before - 1, 'stock held once');
  const again = dataOf(await shop.call<OrderView>('order', 'create', params, openid));
  t.is(again.orderId, [...ids][0]!);
});

test('500 concurrent orders against a SKU with stock 20: exactly 20 succeed, stock never goes negative', async (t) => {
  await setStock('spu-009-01', 20);
  const openids = Array.from({ length: 50 }, (_v, i) => `o-rush-${i}`);
  const addresses = await Promise.all(openids.map(addressOf));
  const answers = await Promise.all(
    Array.from({ length: 500 }, (_v, i) =>
      shop.call<OrderView>(
        'order',
        'create',
        { lines: [{ skuId: 'spu-009-01', quantity: 1 }], addressId: addresses[i % 50]!, idempotencyKey: key() },
        openids[i % 50],
      ),
    ),
  );
  const ok = answers.filter((a) => a.ok).length;
  const refused = answers.filter((a) => !a.ok);
  t.is(ok, 20);
  t.true(
    refused.every((a) => !a.ok && a.code === 'OUT_OF_STOCK'),
    JSON.stringify(refused.find((a) => !a.ok && a.code !== 'OUT_OF_STOCK')),
  );
  t.is(await stockOf('spu-009-01'), 0);
  const orders = (await shop.db.collection('orders').where({ 'lines.skuId': 'spu-009-01' }).limit(1000).get()).data as Array<{
    lines: Array<{ quantity: number }>;
  }>;
  t.is(orders.reduce((n, o) => n + o.lines[0]!.quantity, 0) + (await stockOf('spu-009-01')), 20, 'reserved + remaining = 20');
  t.deepEqual(await holdsOf('spu-009-01'), [], 'every sale dropped its hold once its order was written');
});

// Serial: the simulated network's jitter applies to every call meanwhile.
test.serial(
  'an address that is not the shopper’s refuses the order; the stock it held is back when the answer comes',
  async (t) => {
    const skuId = 'spu-012-01';
    const other = await addressOf('o-address-owner');
    const before = await stockOf(skuId);
    // The address is read while the stock is held; with a jittery network either may end first, and the refusal still
    // waits for the hold to be given back.
    await shop.control('POST', '/latency', { ms: 1, jitterMs: 30 });
    try {
      for (let i = 0; i < 10; i++) {
        const answer = await shop.call<OrderView>(
          'order',
          'create',
          { lines: [{ skuId, quantity: 1 }], addressId: other, couponId: null, idempotencyKey: key() },
          'o-address-thief',
        );
        t.like(answer, { ok: false, code: 'NOT_FOUND' });
        t.is(await stockOf(skuId), before, `attempt ${i + 1}: the unit is back`);
        t.deepEqual(await holdsOf(skuId), [], `attempt ${i + 1}: no hold left for the timer`);
      }
    } finally {
      await shop.control('POST', '/latency', {});
    }
  },
);

// Serial: it watches every write the order function makes, so no other test's create may run meanwhile.
test.serial('an order that landed though its answer was lost keeps its units: no give-back, the timer keeps them', async (t) => {
  const openid = 'o-lost-answer';
  const skuId = 'spu-008-01';
  const addressId = await addressOf(openid);
  const before = await stockOf(skuId);
  let lost = false;
  // The order is written, then its answer never reaches the function (a connection reset).
  shop.emulator.host.onAdminCall((action, caller, body) => {
    if (lost || action !== 'database.insertDocument' || caller.functionName !== 'order') return;
    lost = true;
    shop.emulator.database.actions['database.insertDocument']!(body!, Date.now());
    throw new CloudBaseError(CloudBaseErrorCode.SYS_ERR, 'connection reset (the test lost the answer)');
  });
  const params = { lines: [{ skuId, quantity: 2 }], addressId, couponId: null, idempotencyKey: key() };
  const answer = await shop.call<OrderView>('order', 'create', params, openid);
  t.true(lost, 'the answer was lost');
  t.false(answer.ok, 'the shopper is told it did not go through');
  const orders = (await shop.db.collection('orders').where({ openid }).get()).data as Array<{ _id: string }>;
  t.is(orders.length, 1, 'the order landed');
  const orderId = orders[0]!._id;
  t.is(await stockOf(skuId), before - 2, 'its units were not given back: the SKU cannot sell them again');
  t.deepEqual(
    (await holdsOf(skuId)).map((h) => (h as { orderId: string }).orderId),
    [orderId],
    'the hold is left to the timer',
  );

  t.is(dataOf(await shop.call<OrderView>('order', 'create', params, openid)).orderId, orderId, 'a retry gets the order');
  // Once the hold is old enough the timer sees the order and keeps its units.
  await shop.db
    .collection('skus')
    .doc(skuId)
    .update({ holds: [{ orderId, quantity: 2, at: new Date(Date.now() - 6 * 60_000) }] });
  const fired = await shop.control('POST', '/timers/jobs/run');
  t.like(fired.outcome, { ok: true, result: { ok: true, data: { stockHoldsReturned: 0 } } });
  t.is(await stockOf(skuId), before - 2);
  t.deepEqual(await holdsOf(skuId), []);
});

// Serial: it watches every write the order function makes, so no other test's create may run meanwhile.
test.serial('a line that runs out while the order is placed refuses it and gives the other lines their units back', async (t) => {
  const openid = 'o-short-line';
  const addressId = await addressOf(openid);
  const [first, second] = ['spu-003-01', 'spu-003-02'];
  await setStock(first, 5);
  await setStock(second, 5);
  // Other shoppers take the second SKU's last units after create read the SKUs and before it holds them.
  const emptied = onCreatesFirstWrite(second, { stock: { $numberInt: '0' } });
  const answer = await shop.call<OrderView>(
    'order',
    'create',
    {
      lines: [
        { skuId: first, quantity: 2 },
        { skuId: second, quantity: 1 },
      ],
      addressId,
      idempotencyKey: key(),
    },
    openid,
  );
  t.true(emptied(), 'the second SKU ran out mid-create');
  t.like(answer, { ok: false, code: 'OUT_OF_STOCK' });
  t.true(!answer.ok && answer.message.endsWith('已售罄'), JSON.stringify(answer));
  t.is(await stockOf(first), 5, 'the first line’s two units are back');
  t.is(await stockOf(second), 0);
  t.deepEqual([...(await holdsOf(first)), ...(await holdsOf(second))], [], 'no hold left for the timer');
  t.is((await shop.db.collection('orders').where({ openid }).count()).total, 0, 'no order written');
});

test("another shopper's order cannot be read, listed or cancelled", async (t) => {
  const addressId = await addressOf('o-owner');
  const order = dataOf(
    await shop.call<OrderView>(
      'order',
      'create',
      { lines: [{ skuId: 'spu-011-01', quantity: 1 }], addressId, idempotencyKey: key() },
      'o-owner',
    ),
  );
  t.like(await shop.call('order', 'detail', { orderId: order.orderId }, 'o-intruder'), { ok: false, code: 'NOT_FOUND' });
  t.like(await shop.call('order', 'cancel', { orderId: order.orderId }, 'o-intruder'), { ok: false, code: 'NOT_FOUND' });
  t.deepEqual(dataOf(await shop.call<OrderPage>('order', 'list', {}, 'o-intruder')).items, []);
  t.like(
    await shop.call(
      'order',
      'create',
      { lines: [{ skuId: 'spu-011-01', quantity: 1 }], addressId, idempotencyKey: key() },
      'o-intruder',
    ),
    { ok: false, code: 'NOT_FOUND' },
    'nor can their address be used',
  );
  t.is(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, 'o-owner')).status, 'pending_payment');
});

const malformed: Array<[string, Record<string, unknown>]> = [
  ['unknown key', { lines: [{ skuId: 'spu-001-01', quantity: 1 }], addressId: 'a', idempotencyKey: 'k-12345678', price: 1 }],
  [
    'a price from the client',
    { lines: [{ skuId: 'spu-001-01', quantity: 1, price: 1 }], addressId: 'a', idempotencyKey: 'k-12345678' },
  ],
  ['negative quantity', { lines: [{ skuId: 'spu-001-01', quantity: -1 }], addressId: 'a', idempotencyKey: 'k-12345678' }],
  ['fractional quantity', { lines: [{ skuId: 'spu-001-01', quantity: 1.5 }], addressId: 'a', idempotencyKey: 'k-12345678' }],
  [
    'huge array',
    {
      lines: Array.from({ length: 1000 }, (_v, i) => ({ skuId: `s${i}`, quantity: 1 })),
      addressId: 'a',
      idempotencyKey: 'k-12345678',
    },
  ],
  [
    '10,000-character remark',
    { lines: [{ skuId: 'spu-001-01', quantity: 1 }], addressId: 'a', idempotencyKey: 'k-12345678', remark: 'x'.repeat(10_000) },
  ],
  ['wrong type', { lines: 'spu-001-01', addressId: 'a', idempotencyKey: 'k-12345678' }],
  [
    'duplicate SKU lines',
    {
      lines: [
        { skuId: 'spu-001-01', quantity: 1 },
        { skuId: 'spu-001-01', quantity: 2 },
      ],
      addressId: 'a',
      idempotencyKey: 'k-12345678',
    },
  ],
  ['missing idempotency key', { lines: [{ skuId: 'spu-001-01', quantity: 1 }], addressId: 'a' }],
];
for (const [title, params] of malformed) {
  test(`create refuses malformed input (${title}) and writes nothing`, async (t) => {
    const before = (await shop.db.collection('orders').count()).total;
    t.like(await shop.call('order', 'create', params, 'o-hostile'), { ok: false, code: 'VALIDATION' });
    t.is((await shop.db.collection('orders').where({ openid: 'o-hostile' }).count()).total, 0);
    t.true((await shop.db.collection('orders').count()).total >= before);
  });
}

test('an idempotency key reused for another order is refused with CONFLICT and takes nothing; the same input still gets its order', async (t) => {
  const openid = 'o-reused-key';
  const addressId = await addressOf(openid);
  const otherAddressId = await addressOf(openid);
  const idempotencyKey = key();
  const params = { lines: [{ skuId: 'spu-001-09', quantity: 1 }], addressId, idempotencyKey };
  const first = dataOf(await shop.call<OrderView>('order', 'create', params, openid));
  const stock = { first: await stockOf('spu-001-09'), other: await stockOf('spu-001-10') };
  const refusals = [
    { ...params, lines: [{ skuId: 'spu-001-10', quantity: 1 }] },
    { ...params, lines: [{ skuId: 'spu-001-09', quantity: 2 }] },
    { ...params, addressId: otherAddressId },
    { ...params, remark: '请尽快发货' },
  ];
  for (const changed of refusals) {
    t.like(await shop.call('order', 'create', changed, openid), {
      ok: false,
      code: 'CONFLICT',
      message: '该请求编号已用于另一笔订单，请重新下单',
    });
  }
  t.deepEqual({ first: await stockOf('spu-001-09'), other: await stockOf('spu-001-10') }, stock, 'nothing taken');
  const orders = dataOf(await shop.call<OrderPage>('order', 'list', { status: 'all' }, openid));
  t.deepEqual(
    orders.items.map((o) => o.orderId),
    [first.orderId],
  );
  t.is(
    dataOf(await shop.call<OrderView>('order', 'create', params, openid)).orderId,
    first.orderId,
    'a true retry still gets its order',
  );
});

import test from 'ava';
import { approveRefund, ensureMerchant, TEST_MERCHANT } from '../../testkit/merchant.js';
import { dataOf, startShop, TEST_DATA_KEY } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { ActivityDetail, GroupTimerSummary, GroupView, SeatTaken } from '../../typings/groupbuy.js';
import { addressBinding, encryptField } from '../shared/platform/field-crypto.js';

/**
 * Group-buy through the gateway on the seeded demo shop, with the pay sandbox playing WeChat Pay and the groupbuy timer
 * fired through the control API: seats under concurrent joins, success, the ladder's difference refunds, a failed
 * group's full refunds, and shipping only after success. Each test has its own activity and SKU.
 */
const shop = await startShop({ only: ['groupbuy', 'order', 'pay', 'user', 'admin'] });
const { control } = shop;
const { order: stored, stockOf, refundsOf } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;
process.env.SHOP_DATA_KEY = TEST_DATA_KEY; // to write test addresses as the user function stores them

type Doc = Record<string, any>;

const DAY = 86_400_000;
let seq = 0;
const key = () => `gb-key-${process.pid}-${++seq}`;

/** An activity of our own on `skuId`: ¥20 from 2 members, ¥15 from 3 (the target), 60 minutes per group. */
async function makeActivity(skuId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const _id = `gb-test-${++seq}`;
  const now = Date.now();
  const sku = (await shop.db.collection('skus').doc(skuId).get()).data[0] as Doc;
  await shop.db.collection('group_buy_activities').add({
    _id,
    spuId: sku.spuId,
    skuIds: [skuId],
    title: '',
    tiers: [
      { minMembers: 2, price: 2000 },
      { minMembers: 3, price: 1500 },
    ],
    targetSize: 3,
    timeLimitMinutes: 60,
    maxQuantity: 2,
    startAt: new Date(now - DAY),
    endAt: new Date(now + DAY),
    status: 'active',
    createdAt: new Date(now),
    updatedAt: new Date(now),
    ...fields,
  });
  return _id;
}

const addressed = new Set<string>();
/** The shopper's address as the address book stores it (phone and street encrypted). */
async function addressOf(openid: string): Promise<string> {
  const _id = `addr-${openid}`;
  if (!addressed.has(openid)) {
    addressed.add(openid);
    const now = new Date();
    await shop.db.collection('addresses').add({
      _id,
      openid,
      name: '拼友',
      phone: encryptField('13700137000', addressBinding(_id, 'phone')),
      province: '广东省',
      city: '深圳市',
      district: '南山区',
      detail: encryptField('科技园 1 号', addressBinding(_id, 'detail')),
      isDefault: true,
      createdAt: now,
      updatedAt: now,
    });
  }
  return _id;
}

const open = async (activityId: string, skuId: string, openid: string, quantity = 1) =>
  shop.call<SeatTaken>(
    'groupbuy',
    'open',
    { activityId, skuId, quantity, addressId: await addressOf(openid), idempotencyKey: key() },
    openid,
  );
const join = async (groupId: string, skuId: string, openid: string, quantity = 1) =>
  shop.call<SeatTaken>(
    'groupbuy',
    'join',
    { groupId, skuId, quantity, addressId: await addressOf(openid), idempotencyKey: key() },
    openid,
  );

/** The shopper pays the order through pay.create and the sandbox; the notification is processed before this returns. */
async function payFor(orderId: string, openid: string): Promise<void> {
  dataOf(await shop.call('pay', 'create', { orderId }, openid));
  await control('POST', `/pay/orders/${orderId}/pay`, { openid });
  await pay.idle();
}

const groupDoc = async (groupId: string): Promise<Doc> =>
  (await shop.db.collection('group_buy_groups').doc(groupId).get()).data[0] as Doc;
const priceOf = async (skuId: string): Promise<number> =>
  ((await shop.db.collection('skus').doc(skuId).get()).data[0] as Doc).price as number;
async function where(collection: string, filter: Record<string, unknown>): Promise<Doc[]> {
  return (await shop.db.collection(collection).where(filter).limit(1000).get()).data as Doc[];
}

async function fireTimer(): Promise<GroupTimerSummary> {
  const firing = await control('POST', '/timers/groupbuy/run');
  if (!firing.outcome?.ok) throw new Error(`groupbuy timer failed: ${JSON.stringify(firing)}`);
  return dataOf(firing.outcome.result as Envelope<GroupTimerSummary>);
}

async function ship(orderId: string) {
  await ensureMerchant(shop);
  return shop.call(
    'admin',
    'orders.ship',
    { orderId, carrier: '顺丰', trackingNo: `SF${String(++seq).padStart(10, '0')}` },
    TEST_MERCHANT,
  );
}

/** A group opened by `leader` on a fresh activity, the leader's order paid. */
async function paidGroup(skuId: string, leader: string, fields: Record<string, unknown> = {}) {
  const activityId = await makeActivity(skuId, fields);
  const opened = dataOf(await open(activityId, skuId, leader));
  await payFor(opened.order.orderId, leader);
  return { activityId, groupId: opened.groupId, leaderOrder: opened.order.orderId };
}

test('a group of 3 with 10 concurrent joiners: exactly 3 members, the rest refused as full', async (t) => {
  const skuId = 'spu-008-01';
  const { groupId } = await paidGroup(skuId, 'o-gb-full-leader');
  const joiners = Array.from({ length: 10 }, (_v, i) => `o-gb-full-${i}`);
  await Promise.all(joiners.map(addressOf));
  const stock = await stockOf(skuId);
  const answers = await Promise.all(joiners.map((openid) => join(groupId, skuId, openid)));
  const ok = answers.filter((a) => a.ok);
  t.is(ok.length, 2, 'the leader and 2 joiners make 3');
  const refusals = answers.filter((a): a is Extract<Envelope<SeatTaken>, { ok: false }> => !a.ok);
  t.true(
    refusals.every((a) => a.code === 'OUT_OF_STOCK' && a.message === '该团已满员'),
    JSON.stringify(refusals.map((a) => a.message)),
  );
  t.like(await groupDoc(groupId), { seats: 3, paidCount: 1, status: 'open' });
  const seated = await where('group_buy_members', { groupId, status: shop.db.command.in(['held', 'paid']) });
  t.is(seated.length, 3);
  t.is((await where('orders', { 'promotion.groupId': groupId })).length, 3);
  t.is(await stockOf(skuId), stock - 2, 'stock taken only for the 2 seats');

  const view = dataOf(await shop.call<GroupView>('groupbuy', 'group', { groupId }, 'o-gb-stranger'));
  t.like(view, { groupId, status: 'open', joined: 3, paid: 1, seatsLeft: 0, joinedByMe: false, targetSize: 3 });
  t.is(view.members.length, 3);
  t.like(view.share, { path: `/pages/promo/group/index?groupId=${groupId}` });
  t.false(/o-gb-full/.test(JSON.stringify(view)), 'no openid in what strangers see');
});

// Serial: the groupbuy timer's firing sweeps every group, and its summary counts them all, so two tests firing it at
// once would settle each other's groups and see each other's counts.
test.serial('success after 3 paid; a ladder close refunds each member exactly the difference; only then it ships', async (t) => {
  const skuId = 'spu-008-02';
  const price = await priceOf(skuId);
  const stock = await stockOf(skuId);
  const { groupId, leaderOrder } = await paidGroup(skuId, 'o-gb-ok-leader');
  t.like(await stored(leaderOrder), {
    status: 'paid',
    promotion: { kind: 'group_buy', groupId, leader: true, unitPrice: 2000, quantity: 1 },
    amounts: { subtotal: price, discountTotal: price - 2000, payable: 2000 + 800 },
  });
  t.like(await ship(leaderOrder), { ok: false, code: 'INVALID_STATE', message: '拼团尚未成功，暂不能发货' });
  t.is((await stored(leaderOrder)).status, 'paid');

  const second = dataOf(await join(groupId, skuId, 'o-gb-ok-2', 2)); // 2 members: ¥20 each unit
  const third = dataOf(await join(groupId, skuId, 'o-gb-ok-3')); // 3 members: ¥15
  t.like(await stored(second.order.orderId), { promotion: { unitPrice: 2000, quantity: 2 }, amounts: { payable: 4000 + 800 } });
  t.like(await stored(third.order.orderId), { promotion: { unitPrice: 1500, quantity: 1 } });
  await payFor(second.order.orderId, 'o-gb-ok-2');
  t.like(await groupDoc(groupId), { status: 'open', paidCount: 2 });
  await payFor(third.order.orderId, 'o-gb-ok-3');
  await pay.idle(); // the difference refunds' callbacks

  t.like(await groupDoc(groupId), { status: 'succeeded', paidCount: 3, closePrice: 1500 });
  const expected: Array<[string, number]> = [
    [leaderOrder, 500],
    [second.order.orderId, 1000],
    [third.order.orderId, 0],
  ];
  for (const [orderId, difference] of expected) {
    const doc = await stored(orderId);
    const refunds = await refundsOf(orderId);
    t.is(doc.status, 'paid', 'a partial refund leaves the order paid');
    if (difference === 0) {
      t.deepEqual(refunds, []);
      t.is(doc.priceRefund, undefined);
      continue;
    }
    t.is(refunds.length, 1);
    t.like(refunds[0], {
      outRefundNo: `${orderId}R2`,
      totalFee: doc.payment.totalFee,
      refundFee: difference,
      status: 'SUCCESS',
      functionName: 'pay',
    });
    t.like(doc.priceRefund, { outRefundNo: `${orderId}R2`, refundFee: difference, status: 'done' });
  }
  t.like(await fireTimer(), { differenceRefunds: 0 });
  t.like(await groupDoc(groupId), { refundsDone: true });
  t.is(await stockOf(skuId), stock - 4, '1 + 2 + 1 units sold');

  t.like(await ship(leaderOrder), { ok: true });
  t.is((await stored(leaderOrder)).status, 'shipped');
  const view = dataOf(await shop.call<GroupView>('groupbuy', 'group', { groupId }, 'o-gb-ok-3'));
  t.like(view, {
    status: 'succeeded',
    statusLabel: '拼团成功',
    closePrice: 1500,
    joinedByMe: true,
    myOrderId: third.order.orderId,
  });
});

// Serial: the groupbuy timer's firing sweeps every group, and its summary counts them all, so two tests firing it at
// once would settle each other's groups and see each other's counts.
test.serial(
  'an expired group fails: every paid member is refunded in full, unpaid seats are closed, the stock comes back',
  async (t) => {
    const skuId = 'spu-008-03';
    const stock = await stockOf(skuId);
    const { groupId, leaderOrder } = await paidGroup(skuId, 'o-gb-fail-leader');
    const paidJoiner = dataOf(await join(groupId, skuId, 'o-gb-fail-2', 2));
    await payFor(paidJoiner.order.orderId, 'o-gb-fail-2');
    const unpaid = dataOf(await join(groupId, skuId, 'o-gb-fail-3'));
    dataOf(await shop.call('pay', 'create', { orderId: unpaid.order.orderId }, 'o-gb-fail-3')); // started paying, never did
    t.is(await stockOf(skuId), stock - 4);
    t.like(await fireTimer(), { failed: 0 }, 'not before its time');

    await shop.db
      .collection('group_buy_groups')
      .doc(groupId)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    const summary = await fireTimer();
    t.like(summary, { failed: 1, settled: 1, refundsIssued: 2 });
    await pay.idle();

    t.like(await groupDoc(groupId), { status: 'failed', membersSettled: true });
    for (const orderId of [leaderOrder, paidJoiner.order.orderId]) {
      const doc = await stored(orderId);
      t.is(doc.status, 'refunded');
      t.deepEqual(
        doc.history.slice(-2).map((h: Doc) => `${h.event}:${h.to}:${h.actor}`),
        ['group_refund:refund_approved:system', 'refund_succeeded:refunded:system'],
      );
      const refunds = await refundsOf(orderId);
      t.is(refunds.length, 1);
      t.like(refunds[0], {
        outRefundNo: `${orderId}R1`,
        refundFee: doc.payment.totalFee,
        totalFee: doc.payment.totalFee,
        status: 'SUCCESS',
      });
    }
    const closed = await stored(unpaid.order.orderId);
    t.like(closed, { status: 'cancelled' });
    t.like(closed.history.at(-1), { event: 'group_failed', to: 'cancelled', actor: 'system' });
    t.is(
      (await control('GET', '/pay/orders')).orders.find((o: Doc) => o.outTradeNo === unpaid.order.orderId).state,
      'CLOSED',
      'its trade was closed first',
    );
    t.is(await stockOf(skuId), stock, 'every unit is back');

    t.like(await fireTimer(), { failed: 0, settled: 0, refundsIssued: 0 }, 'a second firing changes nothing');
    t.like(await join(groupId, skuId, 'o-gb-fail-late'), { ok: false, code: 'INVALID_STATE', message: '该团已结束' });
  },
);

test('joining twice is refused; a seat whose order was cancelled is free again; nobody joins before the leader paid', async (t) => {
  const skuId = 'spu-008-04';
  const activityId = await makeActivity(skuId);
  const leader = 'o-gb-twice-leader';
  const opened = dataOf(await open(activityId, skuId, leader));
  t.like(await join(opened.groupId, skuId, 'o-gb-twice-1'), {
    ok: false,
    code: 'INVALID_STATE',
    message: '团长尚未付款，暂不能参团',
  });
  await payFor(opened.order.orderId, leader);
  t.like(await join(opened.groupId, skuId, leader), { ok: false, code: 'INVALID_STATE', message: '你已参加该团' });

  const first = dataOf(await join(opened.groupId, skuId, 'o-gb-twice-1'));
  const again = await Promise.all([join(opened.groupId, skuId, 'o-gb-twice-1'), join(opened.groupId, skuId, 'o-gb-twice-1')]);
  t.true(
    again.every((a) => !a.ok && a.code === 'INVALID_STATE' && a.message === '你已参加该团'),
    JSON.stringify(again),
  );
  t.like(await groupDoc(opened.groupId), { seats: 2 });

  dataOf(await shop.call('order', 'cancel', { orderId: first.order.orderId }, 'o-gb-twice-1'));
  t.like(await groupDoc(opened.groupId), { seats: 1, paidCount: 1 }, 'the unpaid seat is released');
  const rejoined = dataOf(await join(opened.groupId, skuId, 'o-gb-twice-1'));
  t.not(rejoined.order.orderId, first.order.orderId);
  t.like(await groupDoc(opened.groupId), { seats: 2 });

  const detail = dataOf(await shop.call<ActivityDetail>('groupbuy', 'activity', { activityId }, 'o-gb-browser'));
  t.deepEqual(
    detail.openGroups.map((g) => [g.groupId, g.joined, g.seatsLeft]),
    [[opened.groupId, 2, 1]],
  );
  t.is(detail.tiers.length, 2);
  t.false(JSON.stringify(detail).includes(leader), 'no openid in the activity page');
});

test('malformed input is refused with VALIDATION and writes nothing; the timer cannot be run by a shopper', async (t) => {
  const skuId = 'spu-008-05';
  const activityId = await makeActivity(skuId);
  const openid = 'o-gb-malformed';
  const addressId = await addressOf(openid);
  const stock = await stockOf(skuId);
  const good = { activityId, skuId, quantity: 1, addressId, idempotencyKey: key() };
  for (const bad of [
    { ...good, quantity: 0 },
    { ...good, quantity: 100 },
    { ...good, skuId: 'a b' },
    { ...good, idempotencyKey: '' },
    { ...good, price: 1 },
    { activityId, addressId, idempotencyKey: key() },
  ]) {
    t.like(await shop.call('groupbuy', 'open', bad, openid), { ok: false, code: 'VALIDATION' }, JSON.stringify(bad));
  }
  for (const bad of [
    { groupId: '', skuId, addressId, idempotencyKey: key() },
    { groupId: 'G1', skuId, addressId, idempotencyKey: key(), leader: true },
  ]) {
    t.like(await shop.call('groupbuy', 'join', bad, openid), { ok: false, code: 'VALIDATION' }, JSON.stringify(bad));
  }
  t.like(await shop.call('groupbuy', 'group', { groupId: 'x'.repeat(65) }, openid), { ok: false, code: 'VALIDATION' });
  t.like(await open(activityId, skuId, openid, 3), { ok: false, code: 'INVALID_STATE', message: '每人限购 2 件' });
  t.like(await open(activityId, 'spu-008-01', openid), { ok: false, code: 'NOT_FOUND' });
  t.is((await where('group_buy_groups', { activityId })).length, 0);
  t.is((await where('group_buy_members', { openid })).length, 0);
  t.is((await where('orders', { openid })).length, 0);
  t.is(await stockOf(skuId), stock);

  const res = await fetch(`${shop.emulator.url}/functions/groupbuy`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-wx-openid': openid },
    body: JSON.stringify({ Type: 'Timer' }),
  });
  t.like(((await res.json()) as Doc).result, { ok: false, code: 'FORBIDDEN' });
});

test('the seeded group-buy is running and lists its tiers', async (t) => {
  const detail = dataOf(await shop.call<ActivityDetail>('groupbuy', 'activity', { activityId: 'gb-nuts' }, 'o-gb-seed'));
  t.like(detail, {
    state: 'running',
    targetSize: 3,
    tiers: [
      { minMembers: 2, price: 5900 },
      { minMembers: 3, price: 4900 },
    ],
  });
  t.is(detail.skus.length, 2);
});

test('an idempotency key reused for another group-buy seat is refused with CONFLICT and takes nothing', async (t) => {
  const skuId = 'spu-003-08';
  const { activityId, groupId } = await paidGroup(skuId, 'o-gb-key-leader');
  const openid = 'o-gb-key-joiner';
  const addressId = await addressOf(openid);
  const idempotencyKey = key();
  const joinParams = { groupId, skuId, quantity: 1, addressId, idempotencyKey };
  const joined = dataOf(await shop.call<SeatTaken>('groupbuy', 'join', joinParams, openid));
  const stock = await stockOf(skuId);
  const seats = (await groupDoc(groupId)).seats as number;
  t.like(await shop.call('groupbuy', 'join', { ...joinParams, quantity: 2 }, openid), { ok: false, code: 'CONFLICT' });
  t.like(await shop.call('groupbuy', 'open', { activityId, skuId, quantity: 1, addressId, idempotencyKey }, openid), {
    ok: false,
    code: 'CONFLICT',
  });
  t.is(await stockOf(skuId), stock, 'no stock taken');
  t.like(await groupDoc(groupId), { seats });
  t.is((await where('group_buy_groups', { leaderOpenid: openid })).length, 0, 'no group opened');
  const again = dataOf(await shop.call<SeatTaken>('groupbuy', 'join', joinParams, openid));
  t.is(again.order.orderId, joined.order.orderId, 'a true retry still gets its order');
});

test('points and growth are earned on what a member finally paid, after the ladder difference refund', async (t) => {
  const skuId = 'spu-003-10';
  const { groupId, leaderOrder } = await paidGroup(skuId, 'o-gb-earn-leader'); // pays ¥20 for the unit
  const second = dataOf(await join(groupId, skuId, 'o-gb-earn-2'));
  const third = dataOf(await join(groupId, skuId, 'o-gb-earn-3'));
  await payFor(second.order.orderId, 'o-gb-earn-2');
  await payFor(third.order.orderId, 'o-gb-earn-3');
  await pay.idle();
  t.like(await stored(leaderOrder), { priceRefund: { refundFee: 500, status: 'done' } }, 'the group closed at ¥15');
  dataOf(await ship(leaderOrder));
  dataOf(await shop.call('order', 'confirmReceipt', { orderId: leaderOrder }, 'o-gb-earn-leader'));
  // 1 point and 1 growth per yuan by default: ¥15 paid in the end (freight earns nothing).
  const [entry] = await where('points_ledger', { refId: leaderOrder, reason: 'order_earn' });
  t.like(entry, { openid: 'o-gb-earn-leader', delta: 15, growthDelta: 15 });
});

// Serial: it makes WeChat Pay refuse refunds for a while, which no concurrent test expects.
test.serial(
  'the ladder difference refund is retried until it succeeds, even after the member was refunded in full; the refunds add up to the payment',
  async (t) => {
    const skuId = 'spu-003-11';
    const leader = 'o-gb-r2-leader';
    const { groupId, leaderOrder } = await paidGroup(skuId, leader); // pays ¥20 for the unit, the group will close at ¥15
    const second = dataOf(await join(groupId, skuId, 'o-gb-r2-2'));
    const third = dataOf(await join(groupId, skuId, 'o-gb-r2-3'));
    await payFor(second.order.orderId, 'o-gb-r2-2');
    // WeChat Pay refuses refunds while the group closes: the difference refunds are recorded, not paid.
    await control('POST', '/pay/faults', { failingCalls: ['refund'] });
    await payFor(third.order.orderId, 'o-gb-r2-3');
    await control('POST', '/pay/faults', {});
    t.like(await stored(leaderOrder), { status: 'paid', priceRefund: { refundFee: 500, status: 'pending' } });

    // The leader asks for everything back before the difference went through: the difference stays reserved for R2.
    const { payment } = await stored(leaderOrder);
    dataOf(await shop.call('order', 'refund', { orderId: leaderOrder, reason: '不想要了' }, leader));
    await ensureMerchant(shop);
    await approveRefund(shop, leaderOrder);
    await pay.idle();
    t.like(await stored(leaderOrder), { status: 'refunded' });

    // The groupbuy timer keeps at the difference refund until WeChat Pay pays it.
    await fireTimer();
    await pay.idle();
    t.like(await stored(leaderOrder), { priceRefund: { status: 'done' } });
    const refunds = await refundsOf(leaderOrder);
    t.deepEqual(refunds.map((r) => [r.outRefundNo, r.refundFee, r.status]).sort(), [
      [`${leaderOrder}R2`, 500, 'SUCCESS'],
      [`${leaderOrder}S1`, payment.totalFee - 500, 'SUCCESS'],
    ]);
    t.is(
      refunds.reduce((n, r) => n + r.refundFee, 0),
      payment.totalFee,
      'the whole payment back, never more',
    );
    t.like(await fireTimer(), { differenceRefunds: 0 });
    t.like(await groupDoc(groupId), { refundsDone: true });
  },
);

// Serial: the groupbuy timer's firing sweeps every group, and its summary counts them all, so two tests firing it at
// once would settle each other's groups and see each other's counts.
test.serial(
  'a group that fails after-sale: a waiting request is closed, a member refunded in part gets exactly the rest, every unit back once',
  async (t) => {
    const skuId = 'spu-003-09';
    const stock = await stockOf(skuId);
    const { groupId, leaderOrder } = await paidGroup(skuId, 'o-gb-as-leader');
    const joiner = dataOf(await join(groupId, skuId, 'o-gb-as-2', 2));
    await payFor(joiner.order.orderId, 'o-gb-as-2');
    await ensureMerchant(shop);
    // The joiner gets one of two units refunded before the group ends; the leader's request is still waiting.
    const partial = dataOf(
      await shop.call<{ caseId: string; refundFee: number }>(
        'order',
        'refund',
        { orderId: joiner.order.orderId, lines: [{ index: 0, quantity: 1 }], reason: '买多了' },
        'o-gb-as-2',
      ),
    );
    await approveRefund(shop, joiner.order.orderId);
    await pay.idle();
    t.like(await stored(joiner.order.orderId), { status: 'paid', refunds: { units: [1] } });
    t.is(await stockOf(skuId), stock - 2, 'the refunded unit never shipped: back');
    dataOf(await shop.call('order', 'refund', { orderId: leaderOrder, reason: '不想等了' }, 'o-gb-as-leader'));

    await shop.db
      .collection('group_buy_groups')
      .doc(groupId)
      .update({ expiresAt: new Date(Date.now() - 1000) });
    t.like(await fireTimer(), { failed: 1, settled: 1, refundsIssued: 2 });
    await pay.idle();

    t.like(await stored(leaderOrder), { status: 'refunded' });
    const request = (await shop.db.collection('after_sales').doc(`${leaderOrder}S1`).get()).data[0] as Doc;
    t.like(request, { status: 'closed' });
    const joinerDoc = await stored(joiner.order.orderId);
    t.is(joinerDoc.status, 'refunded');
    const refunds = await refundsOf(joiner.order.orderId);
    t.deepEqual(refunds.map((r) => [r.outRefundNo, r.refundFee, r.status]).sort(), [
      [`${joiner.order.orderId}R1`, joinerDoc.payment.totalFee - partial.refundFee, 'SUCCESS'],
      [`${joiner.order.orderId}S1`, partial.refundFee, 'SUCCESS'],
    ]);
    t.is(await stockOf(skuId), stock, 'every unit back, none twice');
  },
);

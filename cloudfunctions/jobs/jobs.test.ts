import test from 'ava';
import { approveRefund, shipOrder } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type { JobsSummary, RefundReconciliation } from '../../typings/jobs.js';
import type { OrderView } from '../../typings/order.js';

/**
 * The every-minute timer, fired through the emulator's control API (timers do not fire on their own in tests), with
 * the pay sandbox playing WeChat Pay: its faults lose notifications, so the timer has something to reconcile. The
 * timer tests run serially so each firing's summary counts exactly their own orders (and the faults, which apply to
 * every delivery, affect only the test that sets them).
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, payOrder: sandboxOrder, refundsOf, messagesTo } = shop.inspect;
test.after.always(() => shop.close());
const { pay } = shop;

type Rec = Record<string, any>;

const DAY_MS = 86_400_000;

const orderFor = async (openid: string, skuId: string, quantity = 1) => (await shop.orderFor(openid, skuId, quantity)).orderId;

/** Stands in for the pay function: the order is marked paid as the payment notification would. */
async function markPaid(orderId: string): Promise<void> {
  const entry = { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system', at: new Date() };
  const res = await shop.db
    .collection('orders')
    .where({ _id: orderId, status: 'pending_payment' })
    .update({ status: 'paid', paidAt: entry.at, history: shop.db.command.push(entry) });
  if (res.updated !== 1) throw new Error(`markPaid: ${orderId} was not pending payment`);
}

async function expire(orderId: string, minutesAgo = 1): Promise<void> {
  await shop.db
    .collection('orders')
    .doc(orderId)
    .update({ expiresAt: new Date(Date.now() - minutesAgo * 60_000) });
}

interface Firing {
  summary: JobsSummary;
  durationMs: number;
  databaseCalls: number;
}

/** Fires the jobs timer now and answers with what the function returned, and how long it ran. */
async function fireTimer(): Promise<Firing> {
  const res = await fetch(`${shop.emulator.url}/__emulator/timers/jobs/run`, { method: 'POST' });
  const firing = (await res.json()) as {
    invocationId?: string;
    outcome?: { ok: true; result: Envelope<JobsSummary> } | { ok: false; code: string; message: string };
    message?: string;
  };
  if (!firing.outcome) throw new Error(`timer run refused: ${res.status} ${firing.message}`);
  if (!firing.outcome.ok) throw new Error(`jobs failed: ${firing.outcome.code} ${firing.outcome.message}`);
  const invocation = (await (await fetch(`${shop.emulator.url}/__emulator/invocations/${firing.invocationId}`)).json()) as {
    durationMs: number;
    databaseCalls: number;
  };
  return { summary: dataOf(firing.outcome.result), durationMs: invocation.durationMs, databaseCalls: invocation.databaseCalls };
}

async function runTimer(): Promise<JobsSummary> {
  return (await fireTimer()).summary;
}

type SummaryCounts = Partial<Omit<JobsSummary, 'refunds' | 'lateRefunds'>> & {
  refunds?: Partial<RefundReconciliation>;
  lateRefunds?: Partial<RefundReconciliation>;
};
const noRefunds: RefundReconciliation = { completed: 0, reissued: 0, refused: 0, failed: 0 };

/** A firing's summary: the given counts, every other count 0. */
function summary({ refunds, lateRefunds, ...counts }: SummaryCounts = {}): JobsSummary {
  return {
    stockHoldsReturned: 0,
    cancelled: 0,
    paidAtExpiry: 0,
    paymentsRecovered: 0,
    mismatchedPayments: 0,
    latePayments: 0,
    confirmed: 0,
    commissionsSettled: 0,
    promotionsEnded: 0,
    reencrypted: 0,
    auditPruned: 0,
    figuresRolledUp: 0,
    ...counts,
    refunds: { ...noRefunds, ...refunds },
    lateRefunds: { ...noRefunds, ...lateRefunds },
  };
}

// --- the pay sandbox --------------------------------------------------------------------------------------------

/** Calls per notification: the first and each retry of the test schedule (testkit/shop.ts: 50, 100, 200 ms). */
const DELIVERY_ATTEMPTS = 4;

/** The next `notifications` notifications fail every delivery attempt: as far as the shop knows, they never came. */
async function loseNotifications(notifications: number): Promise<void> {
  await control('POST', '/pay/faults', { refuseCalls: notifications * DELIVERY_ATTEMPTS });
}

async function startPaying(orderId: string, openid: string): Promise<void> {
  dataOf(await shop.call('pay', 'create', { orderId }, openid));
}

/** The shopper pays in the sandbox; the notification goes out (or is lost, per the faults). */
async function shopperPays(orderId: string, openid: string): Promise<void> {
  const answer = await control('POST', `/pay/orders/${orderId}/pay`, { openid });
  if (answer.state !== 'SUCCESS') throw new Error(`sandbox refused to pay ${orderId}: ${JSON.stringify(answer)}`);
  await pay.idle();
}

async function startedMinutesAgo(orderId: string, minutes: number): Promise<void> {
  await shop.db
    .collection('orders')
    .doc(orderId)
    .update({ payStartedAt: new Date(Date.now() - minutes * 60_000) });
}

/**
 * The merchant's approval of a requested refund, `minutesAgo`, whose refund call never reached WeChat Pay: approved
 * through the admin function while WeChat Pay refuses every refund, then moved back in time (test time travel).
 */
async function approvedWithoutRefund(orderId: string, minutesAgo: number): Promise<void> {
  await control('POST', '/pay/faults', { failingCalls: ['refund'] });
  try {
    const approval = await approveRefund(shop, orderId);
    if (approval.refundIssued) throw new Error(`approve: the refund of ${orderId} went through`);
  } finally {
    await control('POST', '/pay/faults', {});
  }
  await shop.db
    .collection('orders')
    .doc(orderId)
    .update({ refundApprovedAt: new Date(Date.now() - minutesAgo * 60_000) });
}

test('the jobs function has an every-minute timer', async (t) => {
  const { timers } = (await (await fetch(`${shop.emulator.url}/__emulator/timers`)).json()) as {
    timers: Array<{ functionName: string; cron: string; error?: string }>;
  };
  t.like(
    timers.find((x) => x.functionName === 'jobs'),
    { cron: '0 * * * * * *', error: undefined },
  );
});

test.serial('expired unpaid orders are cancelled and return their stock; unexpired ones are untouched', async (t) => {
  const openid = 'o-jobs-expiry';
  const before = await stockOf('spu-004-01');
  const expired = [await orderFor(openid, 'spu-004-01', 2), await orderFor(openid, 'spu-004-01', 3)];
  const waiting = await orderFor(openid, 'spu-004-01', 1);
  for (const id of expired) await expire(id);
  t.is(await stockOf('spu-004-01'), before - 6);

  t.deepEqual(await runTimer(), summary({ cancelled: 2 }));
  for (const id of expired) {
    const order = await stored(id);
    t.is(order.status, 'cancelled');
    t.truthy(order.cancelledAt);
    t.like(order.history.at(-1), { event: 'timeout', from: 'pending_payment', to: 'cancelled', actor: 'system' });
  }
  t.is((await stored(waiting)).status, 'pending_payment');
  t.is(await stockOf('spu-004-01'), before - 1, 'only the unexpired order still holds stock');
  t.is(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: expired[0]! }, openid)).status, 'cancelled');

  t.deepEqual(await runTimer(), summary(), 'a second firing has nothing to do');
  t.is(await stockOf('spu-004-01'), before - 1, 'stock is returned once');
});

test.serial(
  'stock held for an order never written goes back after 5 minutes, once; a written order keeps its units',
  async (t) => {
    const openid = 'o-jobs-holds';
    const skuId = 'spu-004-01';
    const sku = () => shop.db.collection('skus').doc(skuId);
    const holdsOf = async () => ((await sku().get()).data[0].holds ?? []) as Array<{ orderId: string }>;
    // An order placed normally leaves no hold behind.
    const placed = await orderFor(openid, skuId, 1);
    t.deepEqual(await holdsOf(), [], 'a placed order drops its hold');
    const before = await stockOf(skuId);

    // What instances that died mid-order leave: units taken with their hold, and no order (or an order whose hold
    // was not dropped yet); one recent hold that may still get its order.
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    const _ = shop.db.command;
    await sku().update({
      stock: _.inc(-6),
      holds: _.push([
        { orderId: 'O-died-before-its-order', quantity: 2, at: minutesAgo(6) },
        { orderId: placed, quantity: 1, at: minutesAgo(6) },
        { orderId: 'O-still-placing', quantity: 3, at: minutesAgo(1) },
      ]),
    });
    const afterDeaths = before - 6;

    t.deepEqual(await runTimer(), summary({ stockHoldsReturned: 1 }));
    t.is(await stockOf(skuId), afterDeaths + 2, 'the two units nobody ordered are back; the placed order keeps its unit');
    t.deepEqual(
      (await holdsOf()).map((h) => h.orderId),
      ['O-still-placing'],
      'a hold younger than 5 minutes waits for its order',
    );
    t.is((await stored(placed)).status, 'pending_payment');

    t.deepEqual(await runTimer(), summary(), 'a second firing gives nothing back twice');
    t.is(await stockOf(skuId), afterDeaths + 2);
    // Tidy up for the tests that follow: the recent hold's units go back as its attempt would have given them.
    await sku().update({ stock: _.inc(3), holds: [] });
  },
);

test.serial('a paid order is never cancelled, even past its payment window', async (t) => {
  const orderId = await orderFor('o-jobs-paid', 'spu-005-01');
  await markPaid(orderId);
  await expire(orderId);
  const before = await stockOf('spu-005-01');
  t.deepEqual(await runTimer(), summary());
  t.is((await stored(orderId)).status, 'paid');
  t.is(await stockOf('spu-005-01'), before);
});

test.serial('more expired orders than one batch are all cancelled in one firing', async (t) => {
  const template = await stored(await orderFor('o-jobs-batch', 'spu-006-01'));
  await shop.db.collection('skus').doc('spu-006-01').update({ stock: 0 });
  const past = new Date(Date.now() - 60_000);
  const clones = Array.from({ length: 249 }, (_v, i) => {
    const { _id, ...rest } = template;
    return {
      ...rest,
      _id: `${_id}b${i}`,
      idempotencyKey: `${String(template.idempotencyKey)}-${i}`,
      expiresAt: past,
      createdAt: new Date(template.createdAt as string),
    };
  });
  await shop.db.collection('orders').add(clones);
  await expire(template._id as string);
  t.deepEqual(await runTimer(), summary({ cancelled: 250 }));
  t.is((await shop.db.collection('orders').where({ openid: 'o-jobs-batch', status: 'pending_payment' }).count()).total, 0);
  t.is(await stockOf('spu-006-01'), 250, 'each order gave back its one unit');
});

test.serial('shipped orders older than 7 days are confirmed automatically; recent ones are not', async (t) => {
  const openid = 'o-jobs-confirm';
  const old = await orderFor(openid, 'spu-007-01');
  const recent = await orderFor(openid, 'spu-007-01');
  for (const id of [old, recent]) await markPaid(id);
  await shipOrder(shop, old, { carrier: '顺丰速运', trackingNo: 'SF-OLD', at: new Date(Date.now() - 7 * DAY_MS - 60_000) });
  await shipOrder(shop, recent, { carrier: '顺丰速运', trackingNo: 'SF-NEW', at: new Date(Date.now() - 6 * DAY_MS) });

  t.deepEqual(await runTimer(), summary({ confirmed: 1 }));
  const done = await stored(old);
  t.is(done.status, 'completed');
  t.truthy(done.completedAt);
  t.like(done.history.at(-1), { event: 'auto_confirm', from: 'shipped', to: 'completed', actor: 'system' });
  t.is((await stored(recent)).status, 'shipped');
});

test.serial(
  "an invitee's auto-confirmed order records the inviter's commission; the timer settles it once its refund window ends",
  async (t) => {
    const inviter = 'o-jobs-inviter';
    const invitee = 'o-jobs-invitee';
    const { inviteCode } = dataOf(await shop.call<{ inviteCode: string }>('member', 'referral.summary', {}, inviter));
    t.like(dataOf(await shop.call('member', 'referral.bind', { inviteCode }, invitee)), { bound: true });
    const orderId = await orderFor(invitee, 'spu-005-01');
    await markPaid(orderId);
    await shipOrder(shop, orderId, { carrier: '顺丰速运', trackingNo: 'SF-COMMISSION', at: new Date(Date.now() - 8 * DAY_MS) });

    t.deepEqual(await runTimer(), summary({ confirmed: 1 }), 'completed now: the refund window has just started');
    const order = await stored(orderId);
    const settings = (await shop.db.collection('settings').doc('member').get()).data[0] as Rec;
    const commission = (await shop.db.collection('commissions').doc(orderId).get()).data[0] as Rec;
    const paid = order.amounts.payable - order.amounts.freight;
    t.like(commission, {
      status: 'pending',
      inviterOpenid: inviter,
      inviteeOpenid: invitee,
      paidFen: paid,
      amount: Math.floor((paid * settings.referral.commissionBp) / 10_000),
    });
    const earned = (await shop.db.collection('points_ledger').where({ openid: invitee, refId: orderId }).get()).data as Rec[];
    t.deepEqual(
      earned.map((e) => [e.reason, e.delta]),
      [['order_earn', Math.floor((paid * settings.earn.pointsPerYuan) / 100)]],
      'the buyer earned points once',
    );

    t.deepEqual(await runTimer(), summary(), 'not due yet');
    await shop.db
      .collection('commissions')
      .doc(orderId)
      .update({ dueAt: new Date(Date.now() - 60_000) });
    t.deepEqual(await runTimer(), summary({ commissionsSettled: 1 }));
    t.deepEqual(await runTimer(), summary(), 'settled once');
    t.like((await shop.db.collection('commissions').doc(orderId).get()).data[0], { status: 'settled' });
    const user = (await shop.db.collection('users').doc(inviter).get()).data[0] as Rec;
    t.deepEqual(user.commission, { pending: 0, available: commission.amount, withdrawing: 0, withdrawn: 0 });
    const ledger = (await shop.db.collection('commission_ledger').where({ openid: inviter }).get()).data as Rec[];
    for (const bucket of ['pending', 'available', 'withdrawing', 'withdrawn']) {
      t.is(
        ledger.reduce((n, e) => n + e.deltas[bucket], 0),
        user.commission[bucket],
        `the ledger sums to the ${bucket} balance`,
      );
    }
  },
);

test.serial('an order in refunding is not confirmed automatically', async (t) => {
  const openid = 'o-jobs-refunding';
  const orderId = await orderFor(openid, 'spu-008-01');
  await markPaid(orderId);
  await shipOrder(shop, orderId, { carrier: '中通快递', trackingNo: 'ZT-OLD', at: new Date(Date.now() - 10 * DAY_MS) });
  dataOf(await shop.call('order', 'refund', { orderId, reason: '没收到货' }, openid));
  t.deepEqual(await runTimer(), summary());
  t.is((await stored(orderId)).status, 'refunding');
});

test.serial('a shopper calling the jobs function through the gateway is refused and nothing changes', async (t) => {
  const openid = 'o-jobs-sneaky';
  const orderId = await orderFor(openid, 'spu-010-02');
  await expire(orderId);
  const before = await stockOf('spu-010-02');
  const timerLike = { Type: 'Timer', TriggerName: 'every-minute', Time: new Date().toISOString() };
  for (const answer of [await shop.call('jobs', 'run', timerLike, openid), await shop.call('jobs', '', {}, openid)]) {
    t.like(answer, { ok: false, code: 'FORBIDDEN' });
  }
  t.is((await stored(orderId)).status, 'pending_payment');
  t.is(await stockOf('spu-010-02'), before);
  t.deepEqual(await runTimer(), summary({ cancelled: 1 }), 'the timer trigger itself still runs');
});

// --- reconciliation with WeChat Pay ----------------------------------------------------------------------------------

test.serial(
  'a payment whose notification never arrives is found by the timer and recorded once; the late notification changes nothing',
  async (t) => {
    const openid = 'o-jobs-lost-payment';
    const skuId = 'spu-011-01';
    const [lost, fresh, unpaid] = [await orderFor(openid, skuId), await orderFor(openid, skuId), await orderFor(openid, skuId)];
    for (const id of [lost, fresh, unpaid]) await startPaying(id, openid);
    const stock = await stockOf(skuId);
    await loseNotifications(2);
    await shopperPays(lost, openid);
    await shopperPays(fresh, openid);
    t.deepEqual(
      (await sandboxOrder(lost))!.deliveries.map((d: Rec) => d.outcome),
      Array(DELIVERY_ATTEMPTS).fill('refused'),
    );
    t.is((await stored(lost)).status, 'pending_payment', 'the shop has not heard of the payment');
    // `lost` and `unpaid` started paying 3 minutes ago; `fresh` just now, so its notification may still be coming.
    await startedMinutesAgo(lost, 3);
    await startedMinutesAgo(unpaid, 3);

    t.deepEqual(await runTimer(), summary({ paymentsRecovered: 1 }));
    const doc = await stored(lost);
    const transaction = (await sandboxOrder(lost))!;
    t.is(doc.status, 'paid');
    t.truthy(doc.paidAt);
    t.deepEqual(doc.payment, {
      transactionId: transaction.transactionId,
      totalFee: transaction.totalFee,
      timeEnd: transaction.timeEnd,
    });
    t.deepEqual(
      doc.history.filter((h) => h.event === 'pay'),
      [{ event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system', at: doc.paidAt }],
    );
    t.is((await stored(fresh)).status, 'pending_payment', 'a payment started under 2 minutes ago is not asked about yet');
    t.is((await stored(unpaid)).status, 'pending_payment', 'an unpaid order stays unpaid');
    t.is((await sandboxOrder(unpaid))!.state, 'NOTPAY', 'and its trade stays open');
    t.is(await stockOf(skuId), stock, 'paying holds the stock');
    const messages = await messagesTo(openid);
    t.is(messages.length, 1, 'the paid message, sent by the timer');
    t.like(messages[0], {
      outcome: 'sent',
      functionName: 'jobs',
      templateId: 'TPL_ORDER_PAID',
      data: { character_string1: { value: lost } },
    });

    // WeChat delivers the notification after all: acknowledged, and nothing changes.
    await control('POST', `/pay/notifications/${lost}/redeliver`);
    await pay.idle();
    t.is((await sandboxOrder(lost))!.deliveries.at(-1).outcome, 'acknowledged');
    t.deepEqual(await stored(lost), doc);
    t.is((await messagesTo(openid)).length, 1);
    t.deepEqual(await runTimer(), summary(), 'nothing left to reconcile');

    await startedMinutesAgo(fresh, 3);
    t.deepEqual(await runTimer(), summary({ paymentsRecovered: 1 }), 'two minutes on, the other lost payment is found too');
    t.is((await stored(fresh)).status, 'paid');
    t.is((await refundsOf(lost)).length + (await refundsOf(fresh)).length, 0, 'nothing refunded');
  },
);

test.serial(
  'an expired order the shopper started paying is closed on WeChat Pay, then cancelled: stock back, and it can no longer be paid',
  async (t) => {
    const openid = 'o-jobs-expired-started';
    const skuId = 'spu-011-02';
    const before = await stockOf(skuId);
    const orderId = await orderFor(openid, skuId, 2);
    await startPaying(orderId, openid);
    await expire(orderId);

    t.deepEqual(await runTimer(), summary({ cancelled: 1 }));
    const doc = await stored(orderId);
    t.is(doc.status, 'cancelled');
    t.like(doc.history.at(-1), { event: 'timeout', from: 'pending_payment', to: 'cancelled', actor: 'system' });
    t.is((await sandboxOrder(orderId))!.state, 'CLOSED');
    t.is(await stockOf(skuId), before);

    t.like(
      await control('POST', `/pay/orders/${orderId}/pay`, { openid }),
      { code: 'ORDERCLOSED' },
      'the shopper cannot pay a closed trade',
    );
    await pay.idle();
    t.deepEqual(await stored(orderId), doc);
    t.deepEqual(await refundsOf(orderId), []);
  },
);

test.serial(
  'an expired order whose trade WeChat Pay cannot close now waits for the next firing, then is cancelled all the same',
  async (t) => {
    const openid = 'o-jobs-pay-down';
    const skuId = 'spu-011-04';
    const before = await stockOf(skuId);
    const orderId = await orderFor(openid, skuId);
    await startPaying(orderId, openid);
    // WeChat Pay answers the close and the query with its system error.
    await control('POST', '/pay/faults', { failingCalls: ['closeOrder', 'queryOrder'] });
    try {
      await expire(orderId, 1);
      t.deepEqual(await runTimer(), summary(), 'it may have been paid: not cancelled yet');
      t.is((await stored(orderId)).status, 'pending_payment');
      await expire(orderId, 11);
      t.deepEqual(await runTimer(), summary({ cancelled: 1 }), '10 minutes past its window it is cancelled anyway');
    } finally {
      await control('POST', '/pay/faults', {});
    }
    t.is((await stored(orderId)).status, 'cancelled');
    t.is(await stockOf(skuId), before);
    t.is((await sandboxOrder(orderId))!.state, 'NOTPAY', 'the trade stayed open');
    await shopperPays(orderId, openid);
    t.like(await stored(orderId), { status: 'cancelled', lateRefundPending: undefined }, 'so a payment now is taken as late');
    t.like(await refundsOf(orderId), [{ outRefundNo: `${orderId}R0`, status: 'SUCCESS' }], 'and refunded in full');
  },
);

test.serial('an expired order paid on WeChat Pay whose notification was lost is recorded paid, not cancelled', async (t) => {
  const openid = 'o-jobs-expired-paid';
  const skuId = 'spu-011-03';
  const orderId = await orderFor(openid, skuId);
  await startPaying(orderId, openid);
  await loseNotifications(1);
  await shopperPays(orderId, openid);
  await expire(orderId);
  const stock = await stockOf(skuId);

  t.deepEqual(await runTimer(), summary({ paidAtExpiry: 1 }));
  const doc = await stored(orderId);
  t.is(doc.status, 'paid');
  t.is(doc.payment.transactionId, (await sandboxOrder(orderId))!.transactionId);
  t.is(doc.history.filter((h) => h.event === 'pay').length, 1);
  t.false(doc.history.some((h) => h.event === 'timeout'));
  t.is(await stockOf(skuId), stock, 'the sold stock stays sold');
  t.is((await sandboxOrder(orderId))!.state, 'SUCCESS');
  t.deepEqual(await refundsOf(orderId), []);
  t.deepEqual(await runTimer(), summary());
});

test.serial(
  'an approved refund WeChat Pay never accepted is issued by the timer and completed once; the stock returns once',
  async (t) => {
    const openid = 'o-jobs-refund';
    const skuId = 'spu-012-02';
    const [orderId, recent] = [await orderFor(openid, skuId, 2), await orderFor(openid, skuId)];
    for (const id of [orderId, recent]) {
      await startPaying(id, openid);
      await shopperPays(id, openid);
      t.is((await stored(id)).status, 'paid');
      dataOf(await shop.call('order', 'refund', { orderId: id, reason: '不想要了' }, openid));
    }
    await approvedWithoutRefund(orderId, 6);
    await approvedWithoutRefund(recent, 1);
    const stock = await stockOf(skuId);
    const payable = (await stored(orderId)).amounts.payable as number;

    // The refund's own notification is lost as well, so the timer has to find out the result by asking.
    await loseNotifications(1);
    t.deepEqual(await runTimer(), summary({ refunds: { reissued: 1 } }));
    t.like(await refundsOf(orderId), [
      { outRefundNo: `${orderId}S1`, totalFee: payable, refundFee: payable, functionName: 'pay' },
    ]);
    t.deepEqual(await refundsOf(recent), [], 'an approval under 5 minutes old is left to the approval itself');
    await pay.idle();
    t.deepEqual(
      (await refundsOf(orderId))[0]!.deliveries.map((d: Rec) => d.outcome),
      Array(DELIVERY_ATTEMPTS).fill('refused'),
    );
    t.is((await stored(orderId)).status, 'refund_approved');
    t.is(await stockOf(skuId), stock);

    t.deepEqual(await runTimer(), summary({ refunds: { completed: 1 } }));
    const doc = await stored(orderId);
    t.is(doc.status, 'refunded');
    t.truthy(doc.refundedAt);
    t.is(doc.refundError, undefined);
    t.like(
      doc.history.filter((h) => h.event === 'refund_succeeded'),
      [{ from: 'refund_approved', to: 'refunded', actor: 'system' }],
    );
    t.is(doc.history.filter((h) => h.event === 'refund_succeeded').length, 1);
    t.is(await stockOf(skuId), stock + 2, 'the stock came back');

    t.deepEqual(await runTimer(), summary(), 'a refunded order is done');
    t.is(await stockOf(skuId), stock + 2, 'once');
    t.is((await refundsOf(orderId)).length, 1, 'one refund, never a second');
    t.is((await stored(recent)).status, 'refund_approved');
  },
);

test.serial('a refund WeChat Pay ends unpaid (CHANGE) is recorded for the merchant and left alone', async (t) => {
  const openid = 'o-jobs-refund-change';
  const orderId = await orderFor(openid, 'spu-012-03');
  await startPaying(orderId, openid);
  await shopperPays(orderId, openid);
  dataOf(await shop.call('order', 'refund', { orderId, reason: '拍错了' }, openid));
  await approvedWithoutRefund(orderId, 6);
  const stock = await stockOf('spu-012-03');
  // The reissued refund stays PROCESSING until WeChat Pay ends it, and its notification is lost.
  await control('POST', '/pay/faults', { holdRefunds: true, refuseCalls: DELIVERY_ATTEMPTS });
  try {
    t.deepEqual(await runTimer(), summary({ refunds: { reissued: 1 } }));
    // WeChat Pay could not pay the money back (the shopper's card was cancelled).
    const ended = await control('POST', `/pay/refunds/${orderId}S1/outcome`, { status: 'CHANGE' });
    if (ended.status !== 'CHANGE') throw new Error(`the refund did not end CHANGE: ${JSON.stringify(ended)}`);
    await pay.idle();
  } finally {
    await control('POST', '/pay/faults', {});
  }

  t.deepEqual(await runTimer(), summary({ refunds: { failed: 1 } }));
  const doc = await stored(orderId);
  t.is(doc.status, 'refund_approved');
  t.like(doc.refundError, { outRefundNo: `${orderId}S1`, status: 'CHANGE' });
  t.true(doc.refundError.at instanceof Date);
  t.deepEqual(await runTimer(), summary(), 'the merchant takes it from here');
  t.is(await stockOf('spu-012-03'), stock);
  t.is((await refundsOf(orderId)).length, 1);
});

test.serial('the refund of a late payment is completed or issued again by the timer', async (t) => {
  const openid = 'o-jobs-late-refund';
  const skuId = 'spu-012-04';
  const [notified, unissued] = [await orderFor(openid, skuId), await orderFor(openid, skuId)];
  for (const id of [notified, unissued]) {
    await startPaying(id, openid);
    // A cancel that raced pay.create and did not see the payment start: the trade stays open and can still be paid.
    await shop.db.collection('orders').doc(id).update({ payStartedAt: shop.db.command.remove() });
    dataOf(await shop.call('order', 'cancel', { orderId: id }, openid));
  }
  // `notified`: the late payment is recorded and refunded, but the refund's notification is lost.
  await loseNotifications(2);
  await shopperPays(notified, openid);
  const notification = (await sandboxOrder(notified))!.notification as Rec;
  t.like(await shop.emulator.host.functions!.invoke('pay', notification, { source: 'payment' }), {
    ok: true,
    result: { errcode: 0 },
  });
  await pay.idle();
  t.like(await stored(notified), { status: 'cancelled', lateRefundPending: true });
  t.like(await refundsOf(notified), [{ outRefundNo: `${notified}R0`, status: 'SUCCESS' }]);
  // `unissued`: the late payment is recorded, but the refund call never got through (written as the handler would).
  await loseNotifications(1);
  await shopperPays(unissued, openid);
  const paid = (await sandboxOrder(unissued))!;
  const entry = { event: 'late_payment', from: 'cancelled', to: 'cancelled', actor: 'system', at: new Date() };
  await shop.db
    .collection('orders')
    .doc(unissued)
    .update({
      payment: { transactionId: paid.transactionId, totalFee: paid.totalFee, timeEnd: paid.timeEnd },
      lateRefundPending: true,
      history: shop.db.command.push(entry),
    });

  t.deepEqual(await runTimer(), summary({ lateRefunds: { completed: 1, reissued: 1 } }));
  await pay.idle(); // the reissued refund's notification gets through this time
  for (const id of [notified, unissued]) {
    const doc = await stored(id);
    t.is(doc.status, 'cancelled');
    t.is(doc.lateRefundPending, undefined);
    t.truthy(doc.refundedAt);
    const refunds = await refundsOf(id);
    t.is(refunds.length, 1, 'one refund per payment');
    t.like(refunds[0], { outRefundNo: `${id}R0`, status: 'SUCCESS', refundFee: doc.payment.totalFee });
  }
  t.deepEqual(await runTimer(), summary());
});

/** The unified order `pay.create` makes, sent straight to WeChat Pay (as when it lands after a racing cancel). */
async function unifiedOrder(orderId: string): Promise<void> {
  const order = await stored(orderId);
  const answer = await control('POST', '/pay/merchant/unifiedOrder', {
    body: 'x',
    out_trade_no: orderId,
    total_fee: order.amounts.payable,
    spbill_create_ip: '127.0.0.1',
    sub_mch_id: '1900000109',
    env_id: shop.emulator.envId,
    function_name: 'pay',
  });
  if (answer.result_code !== 'SUCCESS') throw new Error(JSON.stringify(answer));
}

async function cancelledMinutesAgo(orderId: string, minutes: number): Promise<void> {
  await shop.db
    .collection('orders')
    .doc(orderId)
    .update({ cancelledAt: new Date(Date.now() - minutes * 60_000) });
}

test.serial(
  'a late payment on a cancelled order whose notifications are lost is found by the timer, recorded once and refunded in full',
  async (t) => {
    const openid = 'o-jobs-late-lost';
    const skuId = 'spu-003-09';
    /**
     * A cancel that raced pay.create: the order records that paying started, the cancel finds no trade to close, and
     * pay.create's unified order reaches WeChat Pay after it.
     */
    const racedCancel = async (): Promise<string> => {
      const orderId = await orderFor(openid, skuId);
      await shop.db.collection('orders').doc(orderId).update({ payStartedAt: new Date() });
      dataOf(await shop.call('order', 'cancel', { orderId }, openid));
      await unifiedOrder(orderId);
      return orderId;
    };
    const raced = await racedCancel();
    const open = await racedCancel(); // never paid: its trade is still open
    const old = await racedCancel(); // paid, but cancelled 49 hours ago: past the window
    // Given up: the timer cancelled it 10 minutes past its window while WeChat Pay could not close the trade.
    const givenUp = await orderFor(openid, skuId);
    await startPaying(givenUp, openid);
    await control('POST', '/pay/faults', { failingCalls: ['closeOrder', 'queryOrder'] });
    try {
      await expire(givenUp, 11);
      t.deepEqual(await runTimer(), summary({ cancelled: 1 }));
    } finally {
      await control('POST', '/pay/faults', {});
    }
    // The ordinary case: the shopper cancelled and the cancel closed the trade.
    const closed = await orderFor(openid, skuId);
    await startPaying(closed, openid);
    dataOf(await shop.call('order', 'cancel', { orderId: closed }, openid));
    t.is((await sandboxOrder(closed))!.state, 'CLOSED');

    // The shopper pays the open trades, and every notification is lost.
    for (const orderId of [raced, givenUp, old]) {
      const answer = await control('POST', `/pay/orders/${orderId}/pay`, { openid, notify: false });
      if (answer.state !== 'SUCCESS') throw new Error(JSON.stringify(answer));
    }
    for (const orderId of [raced, open, givenUp, closed]) await cancelledMinutesAgo(orderId, 3);
    await cancelledMinutesAgo(old, 49 * 60);
    const stock = await stockOf(skuId);

    const found = await runTimer();
    await pay.idle(); // the refunds complete and their notifications arrive
    for (const orderId of [raced, givenUp]) {
      const doc = await stored(orderId);
      const trade = (await sandboxOrder(orderId))!;
      t.is(doc.status, 'cancelled', orderId);
      t.deepEqual(doc.payment, { transactionId: trade.transactionId, totalFee: trade.totalFee, timeEnd: trade.timeEnd });
      t.like(doc.history.at(-1), { event: 'late_payment', from: 'cancelled', to: 'cancelled', actor: 'system' });
      t.is(doc.lateRefundPending, undefined, 'the refund is confirmed');
      t.truthy(doc.refundedAt);
      t.like(await refundsOf(orderId), [
        { outRefundNo: `${orderId}R0`, totalFee: trade.totalFee, refundFee: trade.totalFee, status: 'SUCCESS' },
      ]);
    }
    t.deepEqual(found, summary({ latePayments: 2 }));
    t.is((await sandboxOrder(open))!.state, 'CLOSED', 'an open trade of a cancelled order is closed');
    t.like(await control('POST', `/pay/orders/${open}/pay`, { openid }), { code: 'ORDERCLOSED' }, 'so it can no longer be paid');
    for (const orderId of [open, closed]) {
      const doc = await stored(orderId);
      t.is(doc.payment, undefined);
      t.true(doc.payClosedAt instanceof Date, 'WeChat Pay confirmed the trade closed: no need to ask again');
    }
    t.like(await stored(old), { status: 'cancelled', payment: undefined, payClosedAt: undefined }, 'past the window');
    t.is(await stockOf(skuId), stock, 'the cancels gave the stock back once');

    t.deepEqual(await runTimer(), summary(), 'recorded once');
    await control('POST', `/pay/notifications/${raced}/redeliver`);
    await pay.idle();
    t.is(
      (await stored(raced)).history.filter((h) => h.event === 'late_payment').length,
      1,
      'the late notification changes nothing',
    );
    for (const orderId of [raced, givenUp]) t.is((await refundsOf(orderId)).length, 1, 'refunded once');
    t.is(await stockOf(skuId), stock);
  },
);

test.serial(
  'a payment of another amount whose notification was lost: the timer cancels the order, refunds it and flags it',
  async (t) => {
    const openid = 'o-jobs-mismatch';
    const skuId = 'spu-003-10';
    const before = await stockOf(skuId);
    const orderId = await orderFor(openid, skuId, 2);
    await startPaying(orderId, openid);
    const order = await stored(orderId);
    const paidFee = order.amounts.payable as number;
    // The order's amount changed after the prepay: the shopper pays the old amount, and the notification is lost.
    await shop.db
      .collection('orders')
      .doc(orderId)
      .update({ amounts: { ...order.amounts, payable: paidFee + 100 } });
    await loseNotifications(1);
    await shopperPays(orderId, openid);
    await startedMinutesAgo(orderId, 3);

    const firing = await runTimer();
    await pay.idle();
    const doc = await stored(orderId);
    const trade = (await sandboxOrder(orderId))!;
    t.is(doc.status, 'cancelled');
    t.like(doc.history.at(-1), { event: 'payment_mismatch', from: 'pending_payment', to: 'cancelled', actor: 'system' });
    t.like(doc.paymentMismatch, { totalFee: paidFee, transactionId: trade.transactionId });
    t.is(await stockOf(skuId), before, 'the stock came back');
    t.like(await refundsOf(orderId), [{ outRefundNo: `${orderId}R3`, refundFee: paidFee, status: 'SUCCESS' }]);
    t.is(doc.lateRefundPending, undefined);
    t.deepEqual(firing, summary({ mismatchedPayments: 1 }));
    t.deepEqual(await runTimer(), summary(), 'no longer asked about every minute');
    t.is((await refundsOf(orderId)).length, 1);
  },
);

test.serial('a few hundred due orders in one firing: expired trades closed, lost payments found', async (t) => {
  const openid = 'o-jobs-many';
  const skuId = 'spu-009-01';
  const template = await stored(await orderFor(openid, skuId));
  await shop.db
    .collection('orders')
    .doc(template._id as string)
    .remove();
  const N = 300;
  const now = Date.now();
  const clone = (suffix: string, fields: Rec): Rec => {
    const { _id, ...rest } = template;
    return {
      ...rest,
      _id: `${_id}${suffix}`,
      idempotencyKey: `${String(template.idempotencyKey)}-${suffix}`,
      createdAt: new Date(template.createdAt as string),
      history: [],
      ...fields,
    };
  };
  const expired = Array.from({ length: N }, (_v, i) =>
    clone(`e${i}`, { expiresAt: new Date(now - 60_000), payStartedAt: new Date(now - 20 * 60_000) }),
  );
  const lost = Array.from({ length: N }, (_v, i) =>
    clone(`p${i}`, { expiresAt: new Date(now + 10 * 60_000), payStartedAt: new Date(now - 3 * 60_000) }),
  );
  await shop.db.collection('orders').add([...expired, ...lost]);
  // Each started paying on WeChat Pay (its unified order made straight on WeChat Pay, as pay.create would); the `lost`
  // ones were paid, with no notification.
  for (const order of [...expired, ...lost]) {
    const answer = await control('POST', '/pay/merchant/unifiedOrder', {
      body: 'x',
      out_trade_no: order._id,
      total_fee: order.amounts.payable,
      spbill_create_ip: '127.0.0.1',
      sub_mch_id: '1900000109',
      env_id: shop.emulator.envId,
      function_name: 'pay',
    });
    if (answer.result_code !== 'SUCCESS') throw new Error(JSON.stringify(answer));
  }
  for (const order of lost) {
    const answer = await control('POST', `/pay/orders/${order._id}/pay`, { openid, notify: false });
    if (answer.state !== 'SUCCESS') throw new Error(JSON.stringify(answer));
  }
  const stock = await stockOf(skuId);

  const firing = await fireTimer();
  t.deepEqual(firing.summary, summary({ cancelled: N, paymentsRecovered: N }));
  t.log(`${2 * N} due orders: ${firing.durationMs} ms, ${firing.databaseCalls} database calls`);
  t.true(firing.durationMs < 45_000, 'within the firing budget');
  t.is((await shop.db.collection('orders').where({ openid, status: 'cancelled' }).count()).total, N);
  t.is((await shop.db.collection('orders').where({ openid, status: 'paid' }).count()).total, N);
  const trades = ((await control('GET', '/pay/orders')).orders as Rec[]).filter((o) =>
    o.outTradeNo.startsWith(template._id as string),
  );
  t.is(trades.filter((o) => o.state === 'CLOSED').length, N);
  t.is(await stockOf(skuId), stock + N, 'each expired order gave back its one unit');
  await control('DELETE', '/outbox');
});

import test from 'ava';
import { approveRefund, ensureMerchant, shipOrder, TEST_MERCHANT, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop, until } from '../../testkit/shop.js';
import type { AdminOrderDetail, RefundApproval } from '../../typings/admin.js';
import type { Envelope } from '../../typings/common.js';
import type { AfterSaleView } from '../../typings/order-after-sale.js';

/**
 * After-sales (售后) end to end through the gateway: the shopper asks for 仅退款 or 退货退款 for some or all units,
 * the merchant decides in the admin function, the pay sandbox returns the money and calls back. Every figure is read
 * back from the orders, cases, SKUs, ledgers and the sandbox's refunds.
 */
const shop = await startShop();
const { order: stored, stockOf, refundsOf } = shop.inspect;
await ensureMerchant(shop);
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const codeOf = (answer: Envelope<unknown>) => (answer.ok ? 'ok' : answer.code);
const ask = (openid: string, orderId: string, params: Rec = {}) =>
  shop.call<AfterSaleView>('order', 'refund', { orderId, reason: '不想要了', ...params }, openid);
/** The merchant's calls; refund decisions with a fresh second verification (二次验证), as the back office asks. */
async function merchant<T>(route: string, params: Rec): Promise<Envelope<T>> {
  if (route === 'refunds.approve' || route === 'refunds.receive') await verifyMerchant(shop);
  return shop.call<T>('admin', route, params, TEST_MERCHANT);
}
const caseOf = async (caseId: string): Promise<Rec> => (await shop.db.collection('after_sales').doc(caseId).get()).data[0] as Rec;

async function paidOrder(openid: string, lines: Array<{ skuId: string; quantity: number }>, extra: Rec = {}) {
  const order = await shop.placeOrder(openid, lines, extra);
  await shop.payFor(openid, order.orderId);
  return stored(order.orderId);
}

/** Waits for the case's refund callback, then answers the case and the order as stored. */
async function refunded(caseId: string, orderId: string): Promise<{ kase: Rec; order: Rec }> {
  const kase = await until(`${caseId} refunded`, async () => {
    const found = await caseOf(caseId);
    return found.status === 'refunded' && found;
  });
  await shop.pay.idle();
  return { kase, order: await stored(orderId) };
}

test('仅退款 before shipping, one unit then the rest: exact shares, the freight with the last, stock back, the ledger balanced', async (t) => {
  const openid = 'o-as-unshipped';
  const [a, b] = ['spu-005-01', 'spu-006-01'];
  const stock = { a: await stockOf(a), b: await stockOf(b) };
  const order = await paidOrder(openid, [
    { skuId: a, quantity: 3 },
    { skuId: b, quantity: 1 },
  ]);
  t.deepEqual([await stockOf(a), await stockOf(b)], [stock.a - 3, stock.b - 1]);

  const first = dataOf(
    await ask(openid, order._id, { lines: [{ index: 0, quantity: 1 }], photos: ['cloud://env-1.bucket/after-sale/1.jpg'] }),
  );
  const oneUnit = Math.floor(order.lines[0].payable / 3);
  t.like(first, { caseId: `${order._id}S1`, kind: 'refund_only', kindLabel: '仅退款', status: 'requested', refundFee: oneUnit });
  t.deepEqual(first.photos, ['cloud://env-1.bucket/after-sale/1.jpg']);
  t.like(await stored(order._id), { status: 'refunding', refundRequestedFrom: 'paid', afterSaleId: first.caseId });

  const approval = dataOf(await merchant<RefundApproval>('refunds.approve', { orderId: order._id }));
  t.true(approval.refundIssued);
  t.like(approval.afterSale, { status: 'refunding' });
  const one = await refunded(first.caseId, order._id);
  t.is(one.order.status, 'paid', 'back to paid, the rest still bought');
  t.like(one.order.refunds, { fee: oneUnit, goodsFee: oneUnit, units: [1, 0], cases: 1 });
  t.like(one.order.history.at(-1), { event: 'partial_refund', from: 'refund_approved', to: 'paid', actor: 'system' });
  t.deepEqual([await stockOf(a), await stockOf(b)], [stock.a - 2, stock.b - 1], 'the unit never shipped is back');

  // The rest, without naming lines: every unit left, and the freight, since nothing was shipped.
  const rest = dataOf(await ask(openid, order._id));
  t.is(rest.caseId, `${order._id}S2`);
  t.deepEqual(
    rest.lines.map((l) => [l.index, l.quantity]),
    [
      [0, 2],
      [1, 1],
    ],
  );
  t.is(rest.refundFee, order.amounts.payable - oneUnit);
  await approveRefund(shop, order._id);
  const all = await refunded(rest.caseId, order._id);
  t.is(all.order.status, 'refunded');
  t.like(all.order.refunds, { fee: order.amounts.payable, units: [3, 1], cases: 2 });
  t.deepEqual([await stockOf(a), await stockOf(b)], [stock.a, stock.b]);
  const refunds = await refundsOf(order._id);
  t.deepEqual(refunds.map((r) => [r.outRefundNo, r.refundFee, r.status]).sort(), [
    [`${order._id}S1`, oneUnit, 'SUCCESS'],
    [`${order._id}S2`, order.amounts.payable - oneUnit, 'SUCCESS'],
  ]);
  t.is(
    refunds.reduce((n, r) => n + r.refundFee, 0),
    order.payment.totalFee,
    'exactly what was paid, no more',
  );
  t.is(codeOf(await ask(openid, order._id)), 'INVALID_STATE', 'nothing left to refund');
});

test('仅退款 after shipping never restocks: the goods stay with the shopper', async (t) => {
  const openid = 'o-as-shipped-refund-only';
  const skuId = 'spu-007-01';
  const stock = await stockOf(skuId);
  const order = await paidOrder(openid, [{ skuId, quantity: 2 }]);
  await shipOrder(shop, order._id, { carrier: '中通快递', trackingNo: 'ZT-AS-1' });
  const kase = dataOf(await ask(openid, order._id, { lines: [{ index: 0, quantity: 1 }], reason: '少发了一件' }));
  t.is(kase.refundFee, Math.floor(order.lines[0].payable / 2));
  await approveRefund(shop, order._id);
  const { order: after } = await refunded(kase.caseId, order._id);
  t.is(after.status, 'shipped', 'back to shipped');
  t.is(await stockOf(skuId), stock - 2, 'no unit came back to the shelf');
  // Refunding the second unit too refunds the goods, not the freight of a parcel that was sent.
  const second = dataOf(await ask(openid, order._id));
  t.is(second.refundFee, order.lines[0].payable - kase.refundFee);
  await approveRefund(shop, order._id);
  const done = await refunded(second.caseId, order._id);
  t.is(done.order.status, 'refunded');
  t.is(done.order.refunds.fee, order.amounts.payable - order.amounts.freight);
  t.is(await stockOf(skuId), stock - 2);
});

test('退货退款: approve, the shopper sends the parcel back, the merchant receives it; only sellable units return to stock', async (t) => {
  const openid = 'o-as-return';
  const skuId = 'spu-008-02';
  const stock = await stockOf(skuId);
  const order = await paidOrder(openid, [{ skuId, quantity: 3 }]);
  await shipOrder(shop, order._id, { carrier: '顺丰速运', trackingNo: 'SF-AS-RET' });
  dataOf(await shop.call('order', 'confirmReceipt', { orderId: order._id }, openid));

  const kase = dataOf(
    await ask(openid, order._id, { kind: 'return_refund', lines: [{ index: 0, quantity: 2 }], reason: '尺码不合适' }),
  );
  t.like(kase, { kind: 'return_refund', kindLabel: '退货退款', status: 'requested' });
  t.is(
    codeOf(await shop.call('order', 'refund.return', { orderId: order._id, carrier: '顺丰', trackingNo: 'SF0001' }, openid)),
    'INVALID_STATE',
    'not approved yet',
  );
  const approval = dataOf(await merchant<RefundApproval>('refunds.approve', { orderId: order._id }));
  t.false(approval.refundIssued, 'the money waits for the goods');
  t.like(approval.afterSale, { status: 'awaiting_return', statusLabel: '待买家退货' });
  t.is((await stored(order._id)).status, 'refunding');
  t.deepEqual(await refundsOf(order._id), []);
  t.is(codeOf(await merchant('refunds.receive', { orderId: order._id })), 'INVALID_STATE', 'nothing sent back yet');

  const sent = dataOf(
    await shop.call<AfterSaleView>(
      'order',
      'refund.return',
      { orderId: order._id, carrier: '顺丰速运', trackingNo: 'SF9988776655' },
      openid,
    ),
  );
  t.like(sent, { status: 'returning', returnShipping: { carrier: '顺丰速运', trackingNo: 'SF9988776655' } });
  t.is(await stockOf(skuId), stock - 3, 'nothing back before the merchant has it');
  const received = dataOf(
    await merchant<RefundApproval>('refunds.receive', { orderId: order._id, unsellable: [{ index: 0, quantity: 1 }] }),
  );
  t.true(received.refundIssued);
  t.like(received.afterSale, { status: 'refunding', received: { restocked: 1, unsellable: 1 } });
  t.is(await stockOf(skuId), stock - 2, 'one sellable unit back, the damaged one not');

  const { kase: done, order: after } = await refunded(kase.caseId, order._id);
  t.is(done.refundFee, Math.floor((order.lines[0].payable * 2) / 3));
  t.is(after.status, 'completed', 'one unit is still bought');
  t.deepEqual(
    done.history.map((h: Rec) => h.event),
    ['request', 'approve', 'ship_return', 'receive', 'refund_succeeded'],
  );
  const audit = (await shop.db.collection('audit_logs').where({ target: order._id }).get()).data as Rec[];
  t.deepEqual(audit.map((a) => a.action).sort(), ['orders.ship', 'refunds.approve', 'refunds.receive']);
  t.like(
    audit.find((a) => a.action === 'refunds.receive'),
    { detail: { caseId: kase.caseId, unsellable: [{ index: 0, quantity: 1 }] } },
  );
  const detail = dataOf(await merchant<AdminOrderDetail>('orders.detail', { orderId: order._id }));
  t.deepEqual(
    detail.afterSales.map((c) => [c.caseId, c.status]),
    [[kase.caseId, 'refunded']],
  );
});

test('the shopper withdraws a request, or an approved return before sending it; the order goes back where it was', async (t) => {
  const openid = 'o-as-withdraw';
  const order = await paidOrder(openid, [{ skuId: 'spu-009-01', quantity: 1 }]);
  const first = dataOf(await ask(openid, order._id));
  const withdrawn = dataOf(await shop.call<AfterSaleView>('order', 'refund.withdraw', { orderId: order._id }, openid));
  t.like(withdrawn, { caseId: first.caseId, status: 'withdrawn', statusLabel: '已撤销' });
  t.like(await stored(order._id), { status: 'paid' });
  t.is(codeOf(await shop.call('order', 'refund.withdraw', { orderId: order._id }, openid)), 'INVALID_STATE', 'nothing open');

  await shipOrder(shop, order._id, { carrier: '韵达快递', trackingNo: 'YD-AS-W' });
  const second = dataOf(await ask(openid, order._id, { kind: 'return_refund' }));
  t.is(second.caseId, `${order._id}S2`);
  await merchant('refunds.approve', { orderId: order._id });
  t.like(dataOf(await shop.call<AfterSaleView>('order', 'refund.withdraw', { orderId: order._id }, openid)), {
    status: 'withdrawn',
  });
  t.like(await stored(order._id), { status: 'shipped' });
  t.deepEqual(await refundsOf(order._id), []);
  const mine = dataOf(await shop.call<{ items: AfterSaleView[] }>('order', 'afterSales.list', {}, openid));
  t.deepEqual(
    mine.items.map((c) => c.caseId),
    [second.caseId, first.caseId],
  );
  t.is(codeOf(await shop.call('order', 'afterSales.detail', { caseId: first.caseId }, 'o-as-someone-else')), 'NOT_FOUND');
});

test('a return that comes back not as described is rejected; the order goes back to shipped', async (t) => {
  const openid = 'o-as-reject-return';
  const order = await paidOrder(openid, [{ skuId: 'spu-009-02', quantity: 1 }]);
  await shipOrder(shop, order._id, { carrier: '圆通速递', trackingNo: 'YT-AS-R' });
  await ask(openid, order._id, { kind: 'return_refund' });
  await merchant('refunds.approve', { orderId: order._id });
  await shop.call('order', 'refund.return', { orderId: order._id, carrier: '圆通速递', trackingNo: 'YT123456' }, openid);
  const answer = await merchant('refunds.reject', { orderId: order._id, reason: '退回的是空包裹' });
  t.is(codeOf(answer), 'ok');
  t.like(await stored(order._id), { status: 'shipped', refundRejectReason: '退回的是空包裹' });
  const kase = await caseOf(`${order._id}S1`);
  t.like(kase, { status: 'rejected', rejectReason: '退回的是空包裹' });
});

test('bad requests get a clear error and change nothing', async (t) => {
  const openid = 'o-as-bad';
  const order = await paidOrder(openid, [{ skuId: 'spu-010-02', quantity: 2 }]);
  const before = await stored(order._id);
  const cases = [
    [{ lines: [{ index: 0, quantity: 3 }] }, 'VALIDATION'],
    [{ lines: [{ index: 1, quantity: 1 }] }, 'VALIDATION'],
    [
      {
        lines: [
          { index: 0, quantity: 1 },
          { index: 0, quantity: 1 },
        ],
      },
      'VALIDATION',
    ],
    [{ photos: ['https://example.com/a.jpg'] }, 'VALIDATION'],
    [{ photos: Array(10).fill('cloud://env.bucket/a.jpg') }, 'VALIDATION'],
    [{ reason: '   ' }, 'VALIDATION'],
    [{ kind: 'exchange' }, 'VALIDATION'],
    [{ kind: 'return_refund' }, 'INVALID_STATE'],
  ] as const;
  for (const [params, code] of cases) t.is(codeOf(await ask(openid, order._id, params)), code, JSON.stringify(params));
  t.is(codeOf(await ask('o-as-intruder', order._id)), 'NOT_FOUND');
  t.deepEqual(await stored(order._id), before);
  t.is((await shop.db.collection('after_sales').where({ orderId: order._id }).count()).total, 0);

  dataOf(await ask(openid, order._id, { lines: [{ index: 0, quantity: 1 }] }));
  t.is(codeOf(await ask(openid, order._id)), 'INVALID_STATE', 'one open case at a time');
});

// Serial: it makes every refund notification arrive twice for a while.
test.serial(
  'points spent and earned, growth and the inviter’s commission follow each refunded share once, and add up exactly',
  async (t) => {
    const inviter = 'o-as-inviter';
    const buyer = 'o-as-invitee';
    const { inviteCode } = dataOf(await shop.call<{ inviteCode: string }>('member', 'referral.summary', {}, inviter));
    dataOf(await shop.call('member', 'referral.bind', { inviteCode }, buyer));
    await shop.giveMember(buyer, { points: 700, growth: 0 });
    const order = await paidOrder(buyer, [{ skuId: 'spu-003-01', quantity: 3 }], { couponId: null, usePoints: 700 });
    await shipOrder(shop, order._id, { carrier: '顺丰速运', trackingNo: 'SF-AS-SHARE' });
    dataOf(await shop.call('order', 'confirmReceipt', { orderId: order._id }, buyer));
    const ledger = async (id: string) => (await shop.db.collection('points_ledger').doc(id).get()).data[0] as Rec | undefined;
    const spent = -(await ledger(`${buyer}:order_spend:${order._id}`))!.delta;
    const earned = (await ledger(`${buyer}:order_earn:${order._id}`))!;
    const commission = (await shop.db.collection('commissions').doc(order._id).get()).data[0] as Rec;
    t.true(spent > 0 && earned.delta > 0 && commission.amount > 0, 'the order spent points, earned points and a commission');

    // One unit of three back (refund only: the parcel was kept), then the other two.
    const first = dataOf(await ask(buyer, order._id, { lines: [{ index: 0, quantity: 1 }] }));
    // Every refund notification arrives twice meanwhile: the second changes nothing.
    await shop.control('POST', '/pay/faults', { duplicateNotifications: 1 });
    await approveRefund(shop, order._id);
    await refunded(first.caseId, order._id);
    await shop.control('POST', '/pay/faults', {});
    const goods = order.amounts.payable - order.amounts.freight;
    const share = (total: number) => Math.floor((total * first.refundFee) / goods);
    t.like(await ledger(`${buyer}:order_spend_return:${first.caseId}`), { delta: share(spent) });
    t.like(await ledger(`${buyer}:order_earn_reversal:${first.caseId}`), {
      delta: -share(earned.delta),
      growthDelta: -share(earned.growthDelta),
    });
    const cancelled = (await shop.db.collection('commission_ledger').doc(`cancel:${first.caseId}`).get()).data[0] as Rec;
    t.like(cancelled, { kind: 'cancel', amount: share(commission.amount), deltas: { pending: -share(commission.amount) } });
    t.like((await shop.db.collection('commissions').doc(order._id).get()).data[0], {
      status: 'pending',
      takenBack: share(commission.amount),
    });

    t.deepEqual(
      (await refundsOf(order._id))[0]!.deliveries.map((d: Rec) => d.outcome),
      ['acknowledged', 'acknowledged'],
    );
    const rest = dataOf(await ask(buyer, order._id));
    await approveRefund(shop, order._id);
    await refunded(rest.caseId, order._id);
    const entries = (await shop.db.collection('points_ledger').where({ openid: buyer }).limit(100).get()).data as Rec[];
    const sum = (reason: string, field = 'delta') => entries.filter((e) => e.reason === reason).reduce((n, e) => n + e[field], 0);
    t.is(sum('order_spend_return'), spent, 'every point spent is back, once');
    t.is(sum('order_earn_reversal'), -earned.delta, 'every point earned is taken back, once');
    t.is(sum('order_earn_reversal', 'growthDelta'), -earned.growthDelta);
    const user = (await shop.db.collection('users').doc(buyer).get()).data[0] as Rec;
    t.is(
      user.points,
      entries.reduce((n, e) => n + e.delta, 0),
      'the ledger sums to the balance',
    );
    t.is(user.points, 700, 'as before the order');
    t.like((await shop.db.collection('commissions').doc(order._id).get()).data[0], {
      status: 'cancelled',
      takenBack: commission.amount,
    });
    const inviterDoc = (await shop.db.collection('users').doc(inviter).get()).data[0] as Rec;
    t.like(inviterDoc.commission, { pending: 0, available: 0 });
    t.like(await stored(order._id), { status: 'refunded' });
  },
);

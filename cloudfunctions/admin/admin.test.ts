import test from 'ava';
import { verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop, until } from '../../testkit/shop.js';
import type { AdminOrderDetail, AdminOrderPage, AdminOrderView, AdminRole, RefundApproval } from '../../typings/admin.js';
import type { Envelope } from '../../typings/common.js';
import type { OrderView } from '../../typings/order.js';
import type { CreatedPayment } from '../../typings/pay.js';

/**
 * The merchant's back office end to end: the `admin` function through the gateway, merchants set up in `admins`, the
 * pay sandbox playing WeChat Pay (payments, refunds and their callbacks to the `pay` function), and everything
 * checked again in the database, the audit log, the sandbox and the subscribe-message outbox.
 */
const shop = await startShop();
const { control } = shop;
const { order: stored, stockOf, refundsOf, messagesTo } = shop.inspect;

type Rec = Record<string, any>;

const OWNER = 'o-admin-owner';
const OPERATOR = 'o-admin-operator';
const SERVICE = 'o-admin-service';

async function addAdmin(openid: string, doc: Rec): Promise<void> {
  await shop.db.collection('admins').doc(openid).set(doc);
}
const staff = (role: AdminRole, name: string) => ({ role, name, active: true });
await Promise.all([
  addAdmin(OWNER, staff('owner', '店主老王')),
  addAdmin(OPERATOR, staff('operator', '运营小李')),
  addAdmin(SERVICE, staff('service', '客服小张')),
  // Not merchants, whatever the document says.
  addAdmin('o-admin-inactive', { role: 'owner', name: '离职店员', active: false }),
  addAdmin('o-admin-active-string', { role: 'owner', name: '格式不对', active: 'true' }),
  addAdmin('o-admin-unknown-role', { role: 'superuser', name: '未知角色', active: true }),
  addAdmin('o-admin-no-role', { name: '没有角色', active: true }),
]);
test.after.always(() => shop.close());

const admin = <T>(route: string, params: Rec, openid: string): Promise<Envelope<T>> =>
  shop.call<T>('admin', route, params, openid);
const codeOf = (answer: Envelope<unknown>) => (answer.ok ? 'ok' : answer.code);
/** A sensitive route (二次验证), after a fresh verification with the merchant's authenticator. */
async function sensitive<T>(route: string, params: Rec, openid: typeof OWNER | typeof OPERATOR): Promise<Envelope<T>> {
  await verifyMerchant(shop, openid, openid === OWNER ? 'owner' : 'operator');
  return admin<T>(route, params, openid);
}

const { orderFor } = shop;

/** An order the shopper paid through the sandbox (the payment notification reached the `pay` function). */
async function paidOrderFor(openid: string, skuId: string, quantity = 1): Promise<OrderView> {
  const order = await orderFor(openid, skuId, quantity);
  dataOf(await shop.call<CreatedPayment>('pay', 'create', { orderId: order.orderId }, openid));
  await control('POST', `/pay/orders/${order.orderId}/pay`, { openid });
  await until(`${order.orderId} paid`, async () => (await stored(order.orderId)).status === 'paid');
  return order;
}

async function requestRefund(openid: string, orderId: string, reason = '不想要了'): Promise<void> {
  dataOf(await shop.call<OrderView>('order', 'refund', { orderId, reason }, openid));
}

async function auditOf(orderId: string): Promise<Rec[]> {
  return (await shop.db.collection('audit_logs').where({ target: orderId }).get()).data as Rec[];
}

const events = (order: Rec) => (order.history as Rec[]).map((h) => h.event);

test.serial(
  "orders.list: every shopper's orders, newest first, by status, page by page, addresses masked; detail has it in full",
  async (t) => {
    const a = await orderFor('o-admin-list-a', 'spu-001-01');
    const b = await paidOrderFor('o-admin-list-b', 'spu-001-02');
    const c = await orderFor('o-admin-list-a', 'spu-001-03');

    const all = (await shop.db.collection('orders').orderBy('createdAt', 'desc').orderBy('_id', 'asc').limit(1000).get())
      .data as Rec[];
    for (const openid of [OWNER, SERVICE]) {
      const seen: AdminOrderView[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 100; pages++) {
        const page = dataOf(await admin<AdminOrderPage>('orders.list', { pageSize: 2, ...(cursor ? { cursor } : {}) }, openid));
        t.true(page.items.length <= 2);
        seen.push(...page.items);
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      t.deepEqual(
        seen.map((o) => o.orderId),
        all.map((o) => o._id),
        'every order exactly once, newest first',
      );
      t.true(seen.findIndex((o) => o.orderId === c.orderId) < seen.findIndex((o) => o.orderId === a.orderId));
      t.deepEqual(new Set(seen.map((o) => o.openid)), new Set(all.map((o) => o.openid)), 'all shoppers');
      for (const o of seen) {
        t.is(o.address.phone, '139****5678');
        t.is(o.address.detail, '文三路****');
        t.is(o.address.region, '浙江省 杭州市 西湖区');
      }
    }
    t.false(
      JSON.stringify(dataOf(await admin('orders.list', { pageSize: 50 }, OWNER))).includes('13912345678'),
      'no full phone number in the list',
    );

    const paid = dataOf(await admin<AdminOrderPage>('orders.list', { status: 'paid' }, OWNER));
    t.deepEqual(
      paid.items.map((o) => o.orderId),
      all.filter((o) => o.status === 'paid').map((o) => o._id),
    );
    t.true(paid.items.some((o) => o.orderId === b.orderId));
    const paidView = paid.items.find((o) => o.orderId === b.orderId)!;
    const paidDoc = await stored(b.orderId);
    t.like(paidView, {
      status: 'paid',
      statusLabel: '待发货',
      openid: 'o-admin-list-b',
      payment: { transactionId: paidDoc.payment.transactionId, totalFee: b.amounts.payable },
    });
    t.is(paidView.paidAt, new Date(paidDoc.paidAt).toISOString());
    t.deepEqual(dataOf(await admin<AdminOrderPage>('orders.list', { status: 'refund_approved' }, OWNER)).items, []);
    t.is(codeOf(await admin('orders.list', { cursor: 'not-a-cursor' }, OWNER)), 'VALIDATION');

    for (const openid of [OWNER, SERVICE]) {
      const reveal = openid === OWNER;
      const detail = dataOf(
        reveal
          ? await sensitive<AdminOrderDetail>('orders.detail', { orderId: b.orderId, reveal }, OWNER)
          : await admin<AdminOrderDetail>('orders.detail', { orderId: b.orderId }, openid),
      );
      // Masked unless revealed (the last test below covers who may reveal them, and how).
      const [phone, street] = reveal ? ['13912345678', '文三路 1 号'] : ['139****5678', '文三路****'];
      t.deepEqual(detail.address, { name: '李四', phone, region: '浙江省 杭州市 西湖区', detail: street });
      t.deepEqual(
        detail.history.map((h) => [h.event, h.from, h.to, h.actor]),
        (paidDoc.history as Rec[]).map((h) => [h.event, h.from, h.to, h.actor]),
      );
      t.is(detail.amounts.payable, b.amounts.payable);
    }
    t.is(codeOf(await admin('orders.detail', { orderId: 'no-such-order' }, OWNER)), 'NOT_FOUND');
  },
);

test('callers who are not active merchants get FORBIDDEN for everything, and nothing changes', async (t) => {
  const shopper = 'o-admin-shopper';
  const toShip = await paidOrderFor(shopper, 'spu-002-01');
  const toDecide = await paidOrderFor(shopper, 'spu-002-02');
  await requestRefund(shopper, toDecide.orderId);
  const before = [await stored(toShip.orderId), await stored(toDecide.orderId)];
  const messagesBefore = (await messagesTo(shopper)).length;

  const attempts: Array<[string, Rec]> = [
    ['orders.list', {}],
    ['orders.detail', { orderId: toShip.orderId }],
    ['orders.ship', { orderId: toShip.orderId, carrier: '顺丰速运', trackingNo: 'SF1000000001' }],
    ['refunds.approve', { orderId: toDecide.orderId }],
    ['refunds.reject', { orderId: toDecide.orderId, reason: '已发货' }],
    // Not even malformed input or an unknown route tells them anything.
    ['orders.ship', { orderId: 42 }],
    ['no.such.route', {}],
  ];
  const outsiders = [
    shopper,
    'o-admin-stranger',
    'o-admin-inactive',
    'o-admin-active-string',
    'o-admin-unknown-role',
    'o-admin-no-role',
  ];
  for (const openid of outsiders) {
    for (const [route, params] of attempts) {
      t.like(await admin(route, params, openid), { ok: false, code: 'FORBIDDEN', message: '无权限' }, `${openid} ${route}`);
    }
  }
  // A shopper claiming to be the owner in the data: identity comes only from the platform.
  t.like(await admin('orders.list', { userInfo: { openId: OWNER, appId: 'wx' } }, shopper), { ok: false, code: 'FORBIDDEN' });
  // No caller at all (a timer, the platform): refused too.
  const anonymous = await shop.emulator.host.functions!.invoke('admin', { $url: 'orders.list' }, { source: 'timer' });
  t.like(anonymous, { ok: true, result: { ok: false, code: 'FORBIDDEN' } });

  t.deepEqual([await stored(toShip.orderId), await stored(toDecide.orderId)], before);
  t.deepEqual([...(await auditOf(toShip.orderId)), ...(await auditOf(toDecide.orderId))], []);
  t.deepEqual(await refundsOf(toDecide.orderId), []);
  t.is((await messagesTo(shopper)).length, messagesBefore, 'no shipped message');
});

test('a role without the permission is refused: customer service reads orders but cannot ship or decide refunds', async (t) => {
  const shopper = 'o-admin-service-case';
  const toShip = await paidOrderFor(shopper, 'spu-002-03');
  const toDecide = await paidOrderFor(shopper, 'spu-002-04');
  await requestRefund(shopper, toDecide.orderId);
  const before = [await stored(toShip.orderId), await stored(toDecide.orderId)];

  for (const [route, params] of [
    ['orders.ship', { orderId: toShip.orderId, carrier: '顺丰速运', trackingNo: 'SF1000000002' }],
    ['refunds.approve', { orderId: toDecide.orderId }],
    ['refunds.reject', { orderId: toDecide.orderId, reason: '不同意' }],
  ] as const) {
    const answer = await admin(route, params, SERVICE);
    t.like(answer, { ok: false, code: 'FORBIDDEN' }, route);
    t.regex((answer as { message: string }).message, /^无权限/);
  }
  t.is(dataOf(await admin<AdminOrderDetail>('orders.detail', { orderId: toShip.orderId }, SERVICE)).status, 'paid');

  t.deepEqual([await stored(toShip.orderId), await stored(toDecide.orderId)], before);
  t.deepEqual([...(await auditOf(toShip.orderId)), ...(await auditOf(toDecide.orderId))], []);
  t.deepEqual(await refundsOf(toDecide.orderId), []);
});

test('orders.ship: shipped with carrier and number, history and audit entries, the shopper gets the shipped message; only once', async (t) => {
  const shopper = 'o-admin-ship';
  const order = await paidOrderFor(shopper, 'spu-003-01');
  const before = Date.now();
  const view = dataOf(
    await admin<AdminOrderView>(
      'orders.ship',
      { orderId: order.orderId, carrier: ' 顺丰速运 ', trackingNo: 'SF1234567890' },
      OPERATOR,
    ),
  );
  t.like(view, {
    orderId: order.orderId,
    status: 'shipped',
    statusLabel: '待收货',
    shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890' },
  });
  t.is(view.address.phone, '139****5678', 'answers are masked too');

  const doc = await stored(order.orderId);
  t.is(doc.status, 'shipped');
  t.deepEqual(doc.shipping, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  t.true(new Date(doc.shippedAt).getTime() >= before - 1000);
  t.is(view.shippedAt, new Date(doc.shippedAt).toISOString());
  t.like(
    dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, shopper)),
    { shipping: { carrier: '顺丰速运', trackingNo: 'SF1234567890' }, shippedAt: view.shippedAt },
    'the shopper sees the carrier and the tracking number',
  );
  t.like(doc.history.at(-1), { event: 'ship', from: 'paid', to: 'shipped', actor: 'merchant' });

  const audit = await auditOf(order.orderId);
  t.is(audit.length, 1);
  t.like(audit[0], {
    actor: OPERATOR,
    role: 'operator',
    action: 'orders.ship',
    target: order.orderId,
    detail: { carrier: '顺丰速运', trackingNo: 'SF1234567890', from: 'paid', to: 'shipped' },
  });
  t.is(new Date(audit[0]!.at).getTime(), new Date(doc.shippedAt).getTime());

  const shipped = (await messagesTo(shopper)).filter((m) => m.templateId === 'TPL_ORDER_SHIPPED');
  t.is(shipped.length, 1);
  t.like(shipped[0], {
    outcome: 'sent',
    functionName: 'admin',
    page: `pages/order/detail/index?orderId=${order.orderId}`,
    data: {
      character_string1: { value: order.orderId },
      thing2: { value: '顺丰速运' },
      character_string3: { value: 'SF1234567890' },
      thing4: { value: order.lines[0]!.title },
    },
  });

  t.like(await admin('orders.ship', { orderId: order.orderId, carrier: '中通快递', trackingNo: 'ZT000001' }, OWNER), {
    ok: false,
    code: 'INVALID_STATE',
  });
  const after = await stored(order.orderId);
  t.deepEqual(after, doc, 'the second ship changed nothing');
  t.is((await auditOf(order.orderId)).length, 1);
  t.is((await messagesTo(shopper)).filter((m) => m.templateId === 'TPL_ORDER_SHIPPED').length, 1);
});

test('orders.ship refuses an unpaid order and an unknown one, writing nothing', async (t) => {
  const shopper = 'o-admin-ship-unpaid';
  const order = await orderFor(shopper, 'spu-003-02');
  const before = await stored(order.orderId);
  t.like(await admin('orders.ship', { orderId: order.orderId, carrier: '顺丰速运', trackingNo: 'SF0000000003' }, OWNER), {
    ok: false,
    code: 'INVALID_STATE',
  });
  t.like(await admin('orders.ship', { orderId: 'no-such-order', carrier: '顺丰速运', trackingNo: 'SF0000000004' }, OWNER), {
    ok: false,
    code: 'NOT_FOUND',
  });
  t.deepEqual(await stored(order.orderId), before);
  t.deepEqual(await auditOf(order.orderId), []);
  t.deepEqual(await auditOf('no-such-order'), []);
  t.deepEqual(await messagesTo(shopper), []);
});

test('full refund: the shopper asks, the merchant approves, WeChat Pay refunds and calls back; refunded, stock back, audited', async (t) => {
  const shopper = 'o-admin-refund';
  const skuId = 'spu-004-01';
  const stockBefore = await stockOf(skuId);
  const order = await paidOrderFor(shopper, skuId, 2);
  t.is(await stockOf(skuId), stockBefore - 2);
  await requestRefund(shopper, order.orderId, '尺码不合适');

  const approval = dataOf(await sensitive<RefundApproval>('refunds.approve', { orderId: order.orderId }, OPERATOR));
  t.true(approval.refundIssued);
  t.is(approval.refundError, undefined);
  t.like(approval.order, { status: 'refund_approved', refund: { requestedFrom: 'paid', reason: '尺码不合适' } });

  const done = await until('the refund callback', async () => {
    const doc = await stored(order.orderId);
    return doc.status === 'refunded' && doc;
  });
  t.truthy(done.refundApprovedAt);
  t.truthy(done.refundedAt);
  t.is(done.refundError, undefined);
  t.deepEqual(events(done).slice(-3), ['request_refund', 'approve_refund', 'refund_succeeded']);
  t.like(done.history.at(-2), { event: 'approve_refund', from: 'refunding', to: 'refund_approved', actor: 'merchant' });
  t.like(done.history.at(-1), { event: 'refund_succeeded', from: 'refund_approved', to: 'refunded', actor: 'system' });
  t.is(await stockOf(skuId), stockBefore, 'the stock came back');

  // The order is refunded inside the callback; the sandbox records the delivery's outcome once the callback answers.
  const refunds = await until('the refund delivery to be acknowledged', async () => {
    const found = await refundsOf(order.orderId);
    return found[0]?.deliveries.at(-1)?.outcome === 'acknowledged' && found;
  });
  t.is(refunds.length, 1);
  t.like(refunds[0], {
    outRefundNo: `${order.orderId}S1`,
    totalFee: order.amounts.payable,
    refundFee: order.amounts.payable,
    status: 'SUCCESS',
    functionName: 'pay',
  });
  // Acknowledged once: on a loaded machine an earlier delivery may have failed and been retried, as WeChat does.
  t.is(refunds[0]!.deliveries.filter((d: Rec) => d.outcome === 'acknowledged').length, 1);
  t.is(refunds[0]!.deliveries.at(-1).outcome, 'acknowledged');

  const audit = await auditOf(order.orderId);
  t.is(audit.length, 1);
  t.like(audit[0], {
    actor: OPERATOR,
    role: 'operator',
    action: 'refunds.approve',
    target: order.orderId,
    detail: { from: 'refunding', to: 'refund_approved' },
  });

  const view = dataOf(await admin<AdminOrderDetail>('orders.detail', { orderId: order.orderId }, SERVICE));
  t.like(view, { status: 'refunded', refund: { requestedFrom: 'paid', reason: '尺码不合适' } });
  t.truthy(view.refund?.refundedAt);
  t.like(await sensitive('refunds.approve', { orderId: order.orderId }, OWNER), { ok: false, code: 'INVALID_STATE' });
  t.like(await admin('refunds.reject', { orderId: order.orderId, reason: '晚了' }, OWNER), { ok: false, code: 'INVALID_STATE' });
  t.is((await refundsOf(order.orderId)).length, 1);
});

test('refunds.reject puts the order back where the refund was requested from: paid, or shipped', async (t) => {
  const shopper = 'o-admin-reject';
  const fromPaid = await paidOrderFor(shopper, 'spu-005-01');
  const fromShipped = await paidOrderFor(shopper, 'spu-005-02');
  dataOf(await admin('orders.ship', { orderId: fromShipped.orderId, carrier: '圆通速递', trackingNo: 'YT20240001' }, OWNER));
  await requestRefund(shopper, fromPaid.orderId, '不想要了');
  await requestRefund(shopper, fromShipped.orderId, '外观有划痕');

  const back = dataOf(
    await admin<AdminOrderView>('refunds.reject', { orderId: fromPaid.orderId, reason: '  商品已打包，请收货后再申请  ' }, OWNER),
  );
  t.like(back, { status: 'paid', refund: { rejectReason: '商品已打包，请收货后再申请', reason: '不想要了' } });
  const paidDoc = await stored(fromPaid.orderId);
  t.like(paidDoc, { status: 'paid', refundRejectReason: '商品已打包，请收货后再申请', refundReason: '不想要了' });
  t.truthy(paidDoc.refundRejectedAt);
  t.like(paidDoc.history.at(-1), { event: 'reject_refund', from: 'refunding', to: 'paid', actor: 'merchant' });

  dataOf(await admin('refunds.reject', { orderId: fromShipped.orderId, reason: '划痕为正常使用痕迹' }, OPERATOR));
  const shippedDoc = await stored(fromShipped.orderId);
  t.like(shippedDoc, {
    status: 'shipped',
    shipping: { carrier: '圆通速递', trackingNo: 'YT20240001' },
    refundRejectReason: '划痕为正常使用痕迹',
  });
  t.like(shippedDoc.history.at(-1), { event: 'reject_refund', from: 'refunding', to: 'shipped', actor: 'merchant' });

  t.like((await auditOf(fromPaid.orderId))[0], {
    actor: OWNER,
    role: 'owner',
    action: 'refunds.reject',
    detail: { reason: '商品已打包，请收货后再申请', from: 'refunding', to: 'paid' },
  });
  const shippedAudit = await auditOf(fromShipped.orderId);
  t.deepEqual(shippedAudit.map((a) => a.action).sort(), ['orders.ship', 'refunds.reject']);
  t.like(
    shippedAudit.find((a) => a.action === 'refunds.reject'),
    { actor: OPERATOR, role: 'operator', detail: { from: 'refunding', to: 'shipped' } },
  );
  t.deepEqual([...(await refundsOf(fromPaid.orderId)), ...(await refundsOf(fromShipped.orderId))], []);

  t.like(await admin('refunds.reject', { orderId: fromPaid.orderId, reason: '再拒一次' }, OWNER), {
    ok: false,
    code: 'INVALID_STATE',
  });
  t.like(await sensitive('refunds.approve', { orderId: fromPaid.orderId }, OWNER), { ok: false, code: 'INVALID_STATE' });
  t.is((await auditOf(fromPaid.orderId)).length, 1);
  // The shopper goes on as before: the shipped order can be received.
  t.is(
    dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: fromShipped.orderId }, shopper)).status,
    'completed',
  );
});

test('a refund WeChat Pay refuses leaves the order refund_approved with refundError, for the reconcile timer', async (t) => {
  const shopper = 'o-admin-refused';
  const order = await paidOrderFor(shopper, 'spu-006-01');
  await requestRefund(shopper, order.orderId);
  // The payment was already refunded in full outside the shop (on WeChat Pay's merchant platform), so WeChat Pay
  // refuses any further refund of it.
  const outside = await control('POST', '/pay/merchant/refund', {
    out_trade_no: order.orderId,
    out_refund_no: `${order.orderId}MANUAL`,
    total_fee: order.amounts.payable,
    refund_fee: order.amounts.payable,
    sub_mch_id: '1900000109',
    env_id: shop.emulator.envId,
    function_name: 'pay',
  });
  t.is(outside.result_code, 'SUCCESS');
  await until('the outside refund to be delivered', async () => (await refundsOf(order.orderId))[0]?.deliveries.length > 0);
  t.is((await stored(order.orderId)).status, 'refunding', 'a refund the merchant did not approve does not complete the order');

  const approval = dataOf(await sensitive<RefundApproval>('refunds.approve', { orderId: order.orderId }, OWNER));
  t.false(approval.refundIssued);
  t.is(approval.refundError, '订单已全额退款');
  t.like(approval.order, { status: 'refund_approved', refund: { error: '订单已全额退款' } });

  const doc = await stored(order.orderId);
  t.is(doc.status, 'refund_approved');
  t.like(doc.refundError, { outRefundNo: `${order.orderId}S1`, status: '订单已全额退款' });
  t.truthy(doc.refundError.at);
  t.truthy(doc.refundApprovedAt);
  t.deepEqual(
    (await refundsOf(order.orderId)).map((r) => r.outRefundNo),
    [`${order.orderId}MANUAL`],
    'no refund R1',
  );
  t.like(await auditOf(order.orderId), [
    { action: 'refunds.approve', actor: OWNER, detail: { from: 'refunding', to: 'refund_approved' } },
  ]);
});

test('refunds.approve refuses an order without a payment record, and the approval and its audit entry roll back together', async (t) => {
  const shopper = 'o-admin-no-payment';
  const order = await orderFor(shopper, 'spu-006-02');
  // An order marked paid by hand, without WeChat Pay's record: there is nothing to refund it from.
  await shop.db.collection('orders').doc(order.orderId).update({ status: 'refunding', refundRequestedFrom: 'paid' });
  const before = await stored(order.orderId);
  t.like(await sensitive('refunds.approve', { orderId: order.orderId }, OWNER), { ok: false, code: 'INVALID_STATE' });
  t.deepEqual(await stored(order.orderId), before);
  t.deepEqual(await auditOf(order.orderId), []);
  t.deepEqual(await refundsOf(order.orderId), []);
});

test('concurrent approvals of one order apply once: one approval, one refund, stock back once', async (t) => {
  const shopper = 'o-admin-race';
  const skuId = 'spu-007-01';
  const stockBefore = await stockOf(skuId);
  const order = await paidOrderFor(shopper, skuId, 3);
  await requestRefund(shopper, order.orderId);

  await verifyMerchant(shop, OWNER, 'owner');
  await verifyMerchant(shop, OPERATOR, 'operator');
  const answers = await Promise.all(
    [OWNER, OPERATOR, OWNER, OPERATOR].map((openid) =>
      admin<RefundApproval>('refunds.approve', { orderId: order.orderId }, openid),
    ),
  );
  t.is(answers.filter((a) => a.ok).length, 1, JSON.stringify(answers.map(codeOf)));
  t.true(
    answers.every((a) => a.ok || a.code === 'INVALID_STATE' || a.code === 'CONFLICT'),
    JSON.stringify(answers.map(codeOf)),
  );

  const done = await until('the refund callback', async () => {
    const doc = await stored(order.orderId);
    return doc.status === 'refunded' && doc;
  });
  t.is(events(done).filter((e) => e === 'approve_refund').length, 1);
  t.is(events(done).filter((e) => e === 'refund_succeeded').length, 1);
  t.is((await refundsOf(order.orderId)).length, 1);
  t.is((await auditOf(order.orderId)).length, 1);
  t.is(await stockOf(skuId), stockBefore);
});

const long = 'x'.repeat(10_000);
const malformed: Array<[string, string, Rec]> = [
  ['orders.list', 'unknown key', { status: 'paid', openid: 'o-someone' }],
  ['orders.list', 'unknown status', { status: 'lost' }],
  ['orders.list', 'page size of the wrong type', { pageSize: '20' }],
  ['orders.list', 'page size too large', { pageSize: 1000 }],
  ['orders.list', '10,000-character cursor', { cursor: long }],
  ['orders.detail', 'orderId of the wrong type', { orderId: 42 }],
  ['orders.detail', 'orderId with an operator', { orderId: { $ne: '' } }],
  ['orders.ship', 'unknown key', { orderId: 'x', carrier: '顺丰速运', trackingNo: 'SF0000000005', status: 'completed' }],
  ['orders.ship', 'missing tracking number', { orderId: 'x', carrier: '顺丰速运' }],
  ['orders.ship', '10,000-character carrier', { orderId: 'x', carrier: long, trackingNo: 'SF0000000006' }],
  ['orders.ship', '10,000-character tracking number', { orderId: 'x', carrier: '顺丰速运', trackingNo: long }],
  ['orders.ship', 'tracking number with odd characters', { orderId: 'x', carrier: '顺丰速运', trackingNo: 'SF 0000<script>' }],
  ['orders.ship', 'blank carrier', { orderId: 'x', carrier: '   ', trackingNo: 'SF0000000007' }],
  ['orders.ship', 'carrier of the wrong type', { orderId: 'x', carrier: ['顺丰'], trackingNo: 'SF0000000008' }],
  ['orders.ship', '10,000-character orderId', { orderId: long, carrier: '顺丰速运', trackingNo: 'SF0000000009' }],
  ['refunds.approve', 'unknown key', { orderId: 'x', refundFee: 1 }],
  ['refunds.approve', 'orderId of the wrong type', { orderId: true }],
  ['refunds.reject', 'missing reason', { orderId: 'x' }],
  ['refunds.reject', 'blank reason', { orderId: 'x', reason: '  ' }],
  ['refunds.reject', '10,000-character reason', { orderId: 'x', reason: long }],
  ['refunds.reject', 'reason of the wrong type', { orderId: 'x', reason: 5 }],
  ['refunds.reject', 'unknown key', { orderId: 'x', reason: '不同意', to: 'completed' }],
];
/** The orders the malformed calls aim at, shared: none of those calls may change them. */
let targets: Promise<{ shopper: string; paid: OrderView; refunding: OrderView }> | undefined;
function malformedTargets() {
  targets ??= (async () => {
    const shopper = 'o-admin-malformed';
    const paid = await paidOrderFor(shopper, 'spu-008-01');
    const refunding = await paidOrderFor(shopper, 'spu-008-02');
    await requestRefund(shopper, refunding.orderId);
    return { shopper, paid, refunding };
  })();
  return targets;
}

for (const [route, title, params] of malformed) {
  test(`${route} refuses malformed input (${title}) with VALIDATION and writes nothing`, async (t) => {
    const { shopper, paid, refunding } = await malformedTargets();
    const order = route.startsWith('refunds.') ? refunding : paid;
    const before = await stored(order.orderId);
    const withOrder = params.orderId === 'x' ? { ...params, orderId: order.orderId } : params;
    t.like(await admin(route, withOrder, OWNER), { ok: false, code: 'VALIDATION' });
    t.deepEqual(await stored(order.orderId), before);
    t.deepEqual(await auditOf(order.orderId), []);
    t.deepEqual(await refundsOf(order.orderId), []);
    t.deepEqual(
      (await messagesTo(shopper)).filter((m) => m.templateId === 'TPL_ORDER_SHIPPED'),
      [],
    );
  });
}

test('phone and street are masked; a full read needs its permission and a second verification, and is audited', async (t) => {
  const shopper = 'o-admin-privacy';
  const order = await paidOrderFor(shopper, 'spu-006-02');
  const masked = dataOf(await admin<AdminOrderDetail>('orders.detail', { orderId: order.orderId }, SERVICE));
  t.deepEqual(masked.address, { name: '李四', phone: '139****5678', region: '浙江省 杭州市 西湖区', detail: '文三路****' });
  t.false(masked.addressRevealed);
  t.deepEqual(await auditOf(order.orderId), [], 'a masked read is not a read of personal data');
  t.false(
    dataOf(await admin<AdminOrderDetail>('orders.detail', { orderId: order.orderId }, OWNER)).addressRevealed,
    'masked unless asked',
  );
  t.like(await admin('orders.detail', { orderId: order.orderId, reveal: true }, SERVICE), { ok: false, code: 'FORBIDDEN' });
  const unverified = 'o-admin-owner-unverified';
  await addAdmin(unverified, staff('owner', '新店主'));
  t.like(await admin('orders.detail', { orderId: order.orderId, reveal: true }, unverified), {
    ok: false,
    code: 'VERIFICATION_REQUIRED',
  });
  t.deepEqual(await auditOf(order.orderId), [], 'nothing shown, nothing recorded');

  const full = dataOf(await sensitive<AdminOrderDetail>('orders.detail', { orderId: order.orderId, reveal: true }, OWNER));
  t.deepEqual(full.address, { name: '李四', phone: '13912345678', region: '浙江省 杭州市 西湖区', detail: '文三路 1 号' });
  t.true(full.addressRevealed);
  const entries = await auditOf(order.orderId);
  t.is(entries.length, 1);
  t.like(entries[0], {
    actor: OWNER,
    role: 'owner',
    action: 'personal_data.read',
    target: order.orderId,
    detail: { fields: ['phone', 'detail'] },
  });
});

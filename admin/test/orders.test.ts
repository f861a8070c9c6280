import test from 'ava';
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { startAdminSite, type StaffAccount } from '../../testkit/admin-page.js';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf, until } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';
import type { WithdrawalView } from '../../typings/member.js';

/**
 * 订单管理, 订单详情, 售后处理 and 佣金提现 in Chromium against the real functions: orders placed and paid by shoppers
 * through the real routes and the pay sandbox, every change the page makes read back from the database, the sandbox
 * or the shopper's own routes.
 */
const site = await startAdminSite({ only: ['admin', 'product', 'order', 'pay', 'user', 'cart', 'member'] });
test.after.always(() => site.close());

const { shop } = site;
type Rec = Record<string, any>;

/** An order of one unit the shopper placed and paid through the sandbox. */
async function paidOrder(openid: string, skuId: string): Promise<OrderView> {
  const order = await shop.orderFor(openid, skuId);
  await shop.payFor(openid, order.orderId);
  return order;
}

/** A paid order whose shopper asked for a refund (仅退款): the order is 售后中 and its case 待商家处理. */
async function refundRequested(openid: string, skuId: string, reason = '尺码不合适'): Promise<OrderView> {
  const order = await paidOrder(openid, skuId);
  dataOf(await shop.call('order', 'refund', { orderId: order.orderId, reason }, openid));
  return order;
}

const storedOrder = (orderId: string) => shop.inspect.order(orderId);
const afterSaleDoc = async (caseId: string): Promise<Rec> =>
  (await shop.db.collection('after_sales').doc(caseId).get()).data[0] as Rec;
const auditOf = async (filter: Rec): Promise<Rec[]> =>
  (await shop.db.collection('audit_logs').where(filter).limit(100).get()).data as Rec[];

async function openDetail(page: Page, account: StaffAccount, orderId: string): Promise<void> {
  await site.signIn(page, account, `/orders/${orderId}`);
  await page.locator('[data-test="order-summary"]').waitFor();
}

/** The page holds at 1024 and 1440 px wide (the same page resized: a new sign-in would wait for the next TOTP step). */
async function fitsBothWidths(page: Page): Promise<boolean[]> {
  const fits: boolean[] = [];
  for (const width of [1024, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    fits.push(await site.fitsViewport(page));
  }
  return fits;
}

test('an operator ships a paid order from 订单详情: shipped in the database, the shopper sees the parcel', async (t) => {
  const operator = await site.staff('operator');
  const shopper = 'o-ao-ship';
  const order = await paidOrder(shopper, 'spu-002-01');
  const page = await site.open();
  await site.signIn(page, operator, '/orders');

  const row = page.locator(`[data-test="order-row"][data-id="${order.orderId}"]`);
  await row.waitFor();
  t.deepEqual(await fitsBothWidths(page), [true, true], '订单管理 fits');
  await site.screenshot(page, 'orders-list');
  t.false(await page.locator('[data-test="export"]').isVisible(), 'an operator may not export');

  // The 待发货 tab lists it, the 已发货 tab does not (yet).
  await page.locator('[data-test="order-tabs"]').getByText('待发货', { exact: true }).click();
  await row.waitFor();
  await page.locator('[data-test="order-tabs"]').getByText('已发货', { exact: true }).click();
  await row.waitFor({ state: 'detached' });
  await page.locator('[data-test="order-tabs"]').getByText('全部', { exact: true }).click();
  await row.click();
  await page.waitForURL(new RegExp(`#/orders/${order.orderId}$`));
  await page.locator('[data-test="order-summary"]').waitFor();
  t.is((await page.locator('[data-test="order-status"]').innerText()).trim(), '待发货');

  await page.locator('[data-test="ship"]').click();
  const dialog = page.locator('.ship-dialog');
  await dialog.getByRole('button', { name: '确认发货' }).click();
  await dialog.getByText('请填写快递公司').waitFor();
  await dialog.getByText('请填写运单号').waitFor();
  await page.locator('[data-test="ship-carrier"] input').fill('顺丰速运');
  await page.locator('[data-test="ship-tracking"] input').fill('SF 123');
  await dialog.getByRole('button', { name: '确认发货' }).click();
  await dialog.getByText('运单号只能包含字母、数字和连字符').waitFor();
  t.is((await storedOrder(order.orderId)).status, 'paid', 'nothing sent while the form is wrong');

  await page.locator('[data-test="ship-tracking"] input').fill('SF1234567890');
  await dialog.getByRole('button', { name: '确认发货' }).click();
  await page.locator('[data-test="order-status"]', { hasText: '已发货' }).waitFor();
  await page.locator('[data-test="order-parcel"]', { hasText: 'SF1234567890' }).waitFor();
  t.false(await page.locator('[data-test="ship"]').isVisible(), 'a shipped order cannot ship again');

  const stored = await storedOrder(order.orderId);
  t.is(stored.status, 'shipped');
  t.like(stored.shipping, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  t.like(stored.history.at(-1), { event: 'ship', from: 'paid', to: 'shipped', actor: 'merchant' });
  const seen = dataOf(await shop.call<OrderView>('order', 'detail', { orderId: order.orderId }, shopper));
  t.deepEqual(seen.shipping, { carrier: '顺丰速运', trackingNo: 'SF1234567890' });
  t.is(seen.statusLabel, '待收货');

  t.deepEqual(await fitsBothWidths(page), [true, true], '订单详情 fits');
  await site.screenshot(page, 'order-detail');
});

test('an owner approves a refund through 二次验证: refunded by the pay sandbox, case and order read back', async (t) => {
  const owner = await site.staff('owner');
  const order = await refundRequested('o-ao-refund', 'spu-003-01');
  const page = await site.open();
  await openDetail(page, owner, order.orderId);
  t.is((await page.locator('[data-test="after-sale-status"]').innerText()).trim(), '待商家处理');
  await site.screenshot(page, 'order-detail-after-sale');

  await page.locator('[data-test="approve-refund"]').click();
  await page.locator('.t-dialog', { hasText: '将原路退回买家' }).getByRole('button', { name: '同意' }).click();
  await site.verify(page, owner);
  await page.locator('[data-test="order-status"]', { hasText: /退款处理中|已退款/ }).waitFor();

  const refunded = await until('the refund callback', async () => {
    const doc = await storedOrder(order.orderId);
    return doc.status === 'refunded' && doc;
  });
  t.like(refunded.history.at(-2), { event: 'approve_refund', from: 'refunding', to: 'refund_approved', actor: 'merchant' });
  const refunds = await shop.inspect.refundsOf(order.orderId);
  t.is(refunds.length, 1);
  t.like(refunds[0], { outRefundNo: `${order.orderId}S1`, refundFee: order.amounts.payable, status: 'SUCCESS' });
  t.is((await afterSaleDoc(`${order.orderId}S1`)).status, 'refunded');
  const [audit] = await auditOf({ action: 'refunds.approve', target: order.orderId });
  t.like(audit, { actor: `staff:${owner.username}`, role: 'owner' });

  await page.reload();
  await page.locator('[data-test="after-sale-status"]', { hasText: '已退款' }).waitFor();
  t.false(await page.locator('[data-test="approve-refund"]').isVisible(), 'nothing left to decide');
});

test('a return: 同意退货, the shopper sends it back, 确认收到退货 with one unit unsellable; refunded, stock read back', async (t) => {
  const operator = await site.staff('operator');
  const shopper = 'o-ao-return';
  const skuId = 'spu-003-04';
  const order = await shop.orderFor(shopper, skuId, 2);
  await shop.payFor(shopper, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF20261205R' });
  dataOf(await shop.call('order', 'refund', { orderId: order.orderId, kind: 'return_refund', reason: '有瑕疵' }, shopper));
  const stockBefore = await shop.inspect.stockOf(skuId);

  const page = await site.open();
  await openDetail(page, operator, order.orderId);
  await page.locator('[data-test="approve-refund"]', { hasText: '同意退货' }).click();
  await page.locator('.t-dialog', { hasText: '确认收到退货后再退款' }).getByRole('button', { name: '同意' }).click();
  await site.verify(page, operator);
  await page.locator('[data-test="after-sale-status"]', { hasText: '待买家退货' }).waitFor();
  t.is(await page.locator('[data-test="after-sale-actions"]').count(), 0, 'nothing to decide while the goods are on their way');
  const caseId = `${order.orderId}S1`;
  t.like(await afterSaleDoc(caseId), { status: 'awaiting_return' });
  t.deepEqual(await shop.inspect.refundsOf(order.orderId), [], 'no money before the goods are back');

  dataOf(
    await shop.call('order', 'refund.return', { orderId: order.orderId, carrier: '中通快递', trackingNo: 'ZT20261205' }, shopper),
  );
  await page.reload();
  await page.locator('[data-test="after-sale-status"]', { hasText: '退货中' }).waitFor();
  t.regex(await page.locator('[data-test="after-sale"]').innerText(), /中通快递 ZT20261205/);
  await page.locator('[data-test="receive-return"]').click();
  const dialog = page.locator('.receive-dialog');
  await dialog.locator('input').fill('1');
  await dialog.getByRole('button', { name: /确认收货并退款/ }).click();
  await page.locator('[data-test="after-sale-status"]', { hasText: /退款中|已退款/ }).waitFor();

  await until('the refund callback', async () => (await storedOrder(order.orderId)).status === 'refunded');
  const received = (await afterSaleDoc(caseId)).received as Rec;
  t.deepEqual(
    (received.unsellable as Rec[]).map((l) => l.quantity),
    [1],
  );
  t.is(await shop.inspect.stockOf(skuId), stockBefore + 1, 'the sellable unit went back to stock, the other did not');
  t.like((await shop.inspect.refundsOf(order.orderId))[0], { refundFee: order.amounts.payable - order.amounts.freight });
});

test('a 客服 sees neither 同意退款, 发货 nor 查看完整地址; an operator sees them', async (t) => {
  const [service, operator] = await Promise.all([site.staff('service'), site.staff('operator')]);
  const toShip = await paidOrder('o-ao-roles', 'spu-002-02');
  const toDecide = await refundRequested('o-ao-roles', 'spu-003-02');

  const servicePage = await site.open();
  await openDetail(servicePage, service, toDecide.orderId);
  await servicePage.locator('[data-test="after-sale"]').waitFor();
  t.is(await servicePage.locator('[data-test="approve-refund"]').count(), 0);
  t.is(await servicePage.locator('[data-test="reject-refund"]').count(), 0);
  t.is(await servicePage.locator('[data-test="reveal"]').count(), 0);
  await servicePage.goto(site.url(`/orders/${toShip.orderId}`));
  await servicePage.locator('[data-test="order-status"]', { hasText: '待发货' }).waitFor();
  t.is(await servicePage.locator('[data-test="ship"]').count(), 0);
  await servicePage.goto(site.url('/after-sales'));
  await servicePage.locator(`[data-test="after-sale-row"][data-id="${toDecide.orderId}S1"]`).waitFor();
  t.is(await servicePage.locator('[data-test="approve-refund"]').count(), 0);
  t.false(await servicePage.locator('.t-menu').getByText('佣金提现').isVisible(), '客服 has no withdrawals page');

  const operatorPage = await site.open();
  await openDetail(operatorPage, operator, toDecide.orderId);
  await operatorPage.locator('[data-test="approve-refund"]').waitFor();
  t.true(await operatorPage.locator('[data-test="reject-refund"]').isVisible());
  t.true(await operatorPage.locator('[data-test="reveal"]').isVisible());
  await operatorPage.goto(site.url(`/orders/${toShip.orderId}`));
  await operatorPage.locator('[data-test="ship"]').waitFor();
  t.is((await storedOrder(toDecide.orderId)).status, 'refunding', 'looking decided nothing');
});

test('售后处理 lists the open cases; an operator rejects one inline with a reason and the order goes back to 待发货', async (t) => {
  const operator = await site.staff('operator');
  const order = await refundRequested('o-ao-reject', 'spu-003-03', '不想要了');
  const page = await site.open();
  await site.signIn(page, operator, '/after-sales');
  const row = page.locator('tr', { has: page.locator(`[data-test="after-sale-row"][data-id="${order.orderId}S1"]`) });
  await row.waitFor();
  t.deepEqual(await fitsBothWidths(page), [true, true], '售后处理 fits');
  await site.screenshot(page, 'after-sales');

  await row.locator('[data-test="reject-refund"]').click();
  const dialog = page.locator('.reject-dialog');
  await dialog.getByRole('button', { name: '拒绝' }).click();
  await dialog.getByText('请填写拒绝原因').waitFor();
  await dialog.locator('[data-test="reject-reason"] textarea').fill('商品已打包，请收货后再申请');
  await dialog.getByRole('button', { name: '拒绝' }).click();
  await row.waitFor({ state: 'detached' });

  const stored = await storedOrder(order.orderId);
  t.is(stored.status, 'paid');
  t.like(stored.history.at(-1), { event: 'reject_refund', from: 'refunding', to: 'paid', actor: 'merchant' });
  t.like(await afterSaleDoc(`${order.orderId}S1`), { status: 'rejected', rejectReason: '商品已打包，请收货后再申请' });
  t.deepEqual(await shop.inspect.refundsOf(order.orderId), [], 'no money moved');

  await page.locator('[data-test="after-sale-tabs"]').getByText('已拒绝', { exact: true }).click();
  await page.locator(`[data-test="after-sale-row"][data-id="${order.orderId}S1"]`).waitFor();
});

test('the full address needs 查看完整地址 and 二次验证; it is masked before', async (t) => {
  const operator = await site.staff('operator');
  const order = await paidOrder('o-ao-reveal', 'spu-002-03');
  const page = await site.open();
  await openDetail(page, operator, order.orderId);
  t.is((await page.locator('[data-test="address-phone"]').innerText()).trim(), '139****5678');
  t.regex(await page.locator('[data-test="address-detail"]').innerText(), /文三路\*{4}/);
  t.deepEqual(await auditOf({ action: 'personal_data.read', target: order.orderId }), []);

  await page.locator('[data-test="reveal"]').click();
  await site.verify(page, operator);
  await page.locator('[data-test="address-phone"]', { hasText: '13912345678' }).waitFor();
  t.regex(await page.locator('[data-test="address-detail"]').innerText(), /浙江省 杭州市 西湖区 文三路 1 号/);
  t.false(await page.locator('[data-test="reveal"]').isVisible());
  const [audit] = await auditOf({ action: 'personal_data.read', target: order.orderId });
  t.like(audit, { actor: `staff:${operator.username}`, detail: { fields: ['phone', 'detail'] } });
});

test('an owner exports orders as CSV (二次验证): the browser downloads the file the route answered', async (t) => {
  const owner = await site.staff('owner');
  const order = await paidOrder('o-ao-export', 'spu-002-04');
  const page = await site.open();
  await site.signIn(page, owner, '/orders');
  await page.locator(`[data-test="order-row"][data-id="${order.orderId}"]`).waitFor();

  await page.locator('[data-test="export"]').click();
  const dialog = page.locator('.export-dialog');
  await dialog.getByText('下单日期', { exact: true }).waitFor();
  await page.locator('[data-test="export-status"]').click();
  await page.locator('.t-select-option', { hasText: '待发货' }).click();
  // The download follows the 二次验证 dialog and the export itself: longer than one step's timeout on a busy machine.
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await dialog.getByRole('button', { name: '导出' }).click();
  await site.verify(page, owner);
  const download = await downloading;
  t.regex(download.suggestedFilename(), /^订单导出-\d{8}-\d{8}\.csv$/);
  const csv = fs.readFileSync(await download.path(), 'utf8');
  t.true(csv.startsWith('\uFEFF订单号,'), 'UTF-8 with BOM, Chinese headers');
  t.true(csv.includes(order.orderId));
  t.true(csv.includes('13912345678'), 'an owner exports personal data in full');
  const rows = csv.trim().split('\r\n').slice(1);
  t.true(rows.length >= 1);
  t.true(
    rows.every((r) => r.includes(',待发货,')),
    'only the chosen status',
  );
  const [audit] = await auditOf({ action: 'orders.export', actor: `staff:${owner.username}` });
  t.like(audit, { detail: { rowCount: rows.length, personalData: 'full' } });
});

test('佣金提现: an owner marks a request paid (二次验证) and rejects another with a note; balances read back', async (t) => {
  const owner = await site.staff('owner');
  const inviter = 'o-ao-inviter';
  const at = new Date();
  const zero = { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 };
  // Settled commission, as the commission ledger leaves it (cloudfunctions/admin/withdrawals.test.ts does the same).
  await shop.db
    .collection('users')
    .doc(inviter)
    .set({
      openid: inviter,
      nickname: null,
      avatarUrl: null,
      createdAt: at,
      updatedAt: at,
      commission: { ...zero, available: 5000 },
    });
  await shop.db.collection('commission_ledger').add([
    {
      _id: `record:o-${inviter}`,
      openid: inviter,
      kind: 'record',
      amount: 5000,
      deltas: { ...zero, pending: 5000 },
      balancesAfter: { ...zero, pending: 5000 },
      orderId: `o-${inviter}`,
      at,
    },
    {
      _id: `settle:o-${inviter}`,
      openid: inviter,
      kind: 'settle',
      amount: 5000,
      deltas: { ...zero, pending: -5000, available: 5000 },
      balancesAfter: { ...zero, available: 5000 },
      orderId: `o-${inviter}`,
      at,
    },
  ]);
  const ask = async (amount: number) =>
    dataOf(await shop.call<WithdrawalView>('member', 'withdrawals.request', { amount }, inviter));
  const paid = await ask(2000);
  const rejected = await ask(1500);

  const page = await site.open();
  await site.signIn(page, owner, '/withdrawals');
  const rowOf = (id: string) => page.locator('tr', { has: page.locator(`[data-test="withdrawal-row"][data-id="${id}"]`) });
  await rowOf(paid.withdrawalId).waitFor();
  await rowOf(rejected.withdrawalId).waitFor();
  t.deepEqual(await fitsBothWidths(page), [true, true], '佣金提现 fits');
  await site.screenshot(page, 'withdrawals');

  await rowOf(paid.withdrawalId).locator('[data-test="withdrawal-pay"]').click();
  await page.locator('[data-test="settle-note"] textarea').fill('已银行转账 20261205');
  await page.locator('.settle-dialog').getByRole('button', { name: '确认已打款' }).click();
  await site.verify(page, owner);
  await rowOf(paid.withdrawalId).waitFor({ state: 'detached' });

  await rowOf(rejected.withdrawalId).locator('[data-test="withdrawal-reject"]').click();
  const dialog = page.locator('.settle-dialog');
  await dialog.getByRole('button', { name: '驳回' }).click();
  await dialog.getByText('请填写驳回原因').waitFor();
  await page.locator('[data-test="settle-note"] textarea').fill('收款账户信息有误');
  await dialog.getByRole('button', { name: '驳回' }).click();
  await rowOf(rejected.withdrawalId).waitFor({ state: 'detached' });

  const doc = async (collection: string, id: string) => (await shop.db.collection(collection).doc(id).get()).data[0] as Rec;
  t.like(await doc('withdrawals', paid.withdrawalId), { status: 'paid', note: '已银行转账 20261205' });
  t.like(await doc('withdrawals', rejected.withdrawalId), { status: 'rejected', note: '收款账户信息有误' });
  t.like((await doc('users', inviter)).commission, { available: 3000, withdrawing: 0, withdrawn: 2000 });

  await page.locator('[data-test="withdrawal-tabs"]').getByText('已打款', { exact: true }).click();
  await rowOf(paid.withdrawalId).waitFor();
  t.regex(await rowOf(paid.withdrawalId).innerText(), /已银行转账 20261205/);
});

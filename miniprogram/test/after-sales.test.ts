import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { adminCall, approveRefund, shipOrder } from '../../testkit/merchant.js';
import { dataOf } from '../../testkit/shop.js';
import type { Page } from '../../typings/common.js';
import type { OrderView } from '../../typings/order.js';
import type { AfterSaleView } from '../../typings/order-after-sale.js';
import { formatFen } from '../utils/money.js';

// 售后 on the real order, pay and admin functions: a request opens the case the database then holds (lines, reason,
// photos in cloud storage), the merchant's decision shows on the case's page, the return parcel and a withdrawal are
// read back from the case and the order.

type Rec = Record<string, any>;

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['order', 'pay', 'user', 'admin', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

const newShopper = (): string => mp.newShopper('o-aftersale');

/** A paid order of two lines (2 + 1 units), shipped when asked. */
async function paidOrder(openid: string, shipped = false): Promise<OrderView> {
  const order = await mp.shop.placeOrder(openid, [
    { skuId: 'spu-006-01', quantity: 2 },
    { skuId: 'spu-008-01', quantity: 1 },
  ]);
  await mp.shop.payFor(openid, order.orderId);
  if (shipped) await shipOrder(mp.shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF4000000001' });
  return order;
}

const render = (route: string, query: Record<string, string>): Promise<RenderedPage> => mp.renderLoaded(route, query);

/** Submits the request form and answers the case id of the page it redirects to. */
async function submitRequest(page: RenderedPage): Promise<string> {
  const before = mp.navigations.length;
  await tap(page.find('.bar__submit >>> .t-button'));
  await waitFor('the case', () => mp.navigations.length > before);
  const { method, url } = mp.lastNavigation();
  if (method !== 'redirectTo') throw new Error(`expected a redirect, got ${method} ${url}`);
  return new URLSearchParams(url.split('?')[1]).get('caseId')!;
}

async function caseOf(caseId: string): Promise<Rec> {
  return (await mp.shop.db.collection('after_sales').doc(caseId).get()).data[0] as Rec;
}

test.serial('仅退款 of one line, with a reason and a photo: the case the order function opens, and its page', async (t) => {
  const openid = newShopper();
  const order = await paidOrder(openid);
  const page = await render('pages/order/aftersale-apply/index', { orderId: order.orderId, index: '1' });
  t.is(page.data.status, 'ready');
  t.deepEqual(
    page.data.lines.map((l: Rec) => [l.index, l.chosen, l.left]),
    [
      [0, false, 2],
      [1, true, 1],
    ],
    'the line it was asked from is chosen',
  );
  t.true(page.find('.kind--return_refund').dom!.className.includes('kind--disabled'), 'not shipped: no return');
  await tap(page.find('.kind--return_refund'));
  t.is(mp.toasts.at(-1), '商品发货后才能申请退货退款');

  await tap(page.find('.bar__submit >>> .t-button'));
  t.is(mp.toasts.at(-1), '请选择售后原因');
  await tap(page.findAll('.reason').find((n) => text(n) === '其他')!);
  await tap(page.find('.bar__submit >>> .t-button'));
  t.is(mp.toasts.at(-1), '请说明售后原因');
  await tap(page.findAll('.reason').find((n) => text(n) === '不想要了')!);
  page.find('.description').dispatchEvent('input', { detail: { value: '买重复了' } });
  mp.willChooseImages(1);
  await tap(page.find('.photos >>> .photos__add'));
  await waitFor('the photo', () => page.data.photos.length === 1);

  const caseId = await submitRequest(page);
  t.deepEqual(mp.lastNavigation(), { method: 'redirectTo', url: `/pages/order/aftersale-detail/index?caseId=${caseId}` });
  const stored = await caseOf(caseId);
  t.like(stored, { orderId: order.orderId, kind: 'refund_only', status: 'requested', reason: '不想要了：买重复了' });
  t.deepEqual(
    stored.lines.map((l: Rec) => [l.index, l.quantity]),
    [[1, 1]],
  );
  const files = ((await mp.shop.control('GET', '/storage')).files as Rec[]).map((f) => f.fileID);
  t.is(stored.photos.length, 1);
  t.true(files.includes(stored.photos[0]));
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'refunding');
  page.detach();

  const detail = await render('pages/order/aftersale-detail/index', { caseId });
  const view = dataOf(await mp.shop.call<AfterSaleView>('order', 'afterSales.detail', { caseId }, openid));
  t.is(text(detail.find('.head__status')), '待商家处理');
  t.is(text(detail.find('.head__hint')), '已提交申请，等待商家处理');
  t.is(text(detail.find('.kind')), '仅退款');
  t.is(text(detail.find('.refund__fee')), formatFen(view.refundFee));
  t.is(text(detail.find('.reason')), '不想要了：买重复了');
  t.true(detail.has('.photos'));
  t.deepEqual(view.photos, stored.photos);
  t.is(detail.findAll('.lines >>> .line').length, 1);
  t.deepEqual(detail.findAll('.step__label').map(text), view.history.map((h) => h.label).reverse());
  await tap(detail.find('.order-link'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${order.orderId}` });
  detail.detach();

  // The order's page now leads to the case instead of offering another request.
  const orderPage = await render('pages/order/detail/index', { orderId: order.orderId });
  t.false(orderPage.has('.lines >>> .line__action--afterSale'));
  t.true(text(orderPage.find('.aftersale')).startsWith('售后：仅退款 · 待商家处理'));
  await tap(orderPage.find('.aftersale'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/aftersale-detail/index?caseId=${caseId}` });
  orderPage.detach();

  // And asking again is closed while the case is open.
  const again = await render('pages/order/aftersale-apply/index', { orderId: order.orderId });
  t.is(again.data.status, 'closed');
  t.is(text(again.find('.state--closed')).replace('查看售后', ''), '该订单已有售后申请在处理中');
  again.detach();
});

test.serial('撤销申请 after a confirmation withdraws the case and puts the order back', async (t) => {
  const openid = newShopper();
  const order = await paidOrder(openid);
  const created = dataOf(
    await mp.shop.call<AfterSaleView>('order', 'refund', { orderId: order.orderId, reason: '不想要了' }, openid),
  );
  const page = await render('pages/order/aftersale-detail/index', { caseId: created.caseId });
  mp.answerModals(false);
  await tap(page.find('.bar__withdraw'));
  t.is((await caseOf(created.caseId)).status, 'requested');
  mp.answerModals(true);
  await tap(page.find('.bar__withdraw'));
  await waitFor('the withdrawn case', () => page.data.view.status === 'withdrawn');
  t.is((await caseOf(created.caseId)).status, 'withdrawn');
  t.is((await mp.shop.inspect.order(order.orderId)).status, 'paid');
  t.is(text(page.find('.head__status')), '已撤销');
  t.false(page.has('.bar'));
  page.detach();
});

test.serial('退货退款: approved by the merchant, the shopper enters the return parcel, which the case then holds', async (t) => {
  const openid = newShopper();
  const order = await paidOrder(openid, true);
  const apply = await render('pages/order/aftersale-apply/index', { orderId: order.orderId, index: '0' });
  await tap(apply.find('.kind--return_refund'));
  t.is(apply.data.kind, 'return_refund');
  // One of the line's two units.
  await tap(apply.find('.refund-line__stepper >>> .t-stepper__minus'));
  await waitFor('one unit', () => apply.data.lines[0].quantity === 1);
  await tap(apply.findAll('.reason').find((n) => text(n) === '质量问题')!);
  const caseId = await submitRequest(apply);
  t.like(await caseOf(caseId), { kind: 'return_refund', reason: '质量问题', photos: [] });
  t.deepEqual(
    (await caseOf(caseId)).lines.map((l: Rec) => [l.index, l.quantity]),
    [[0, 1]],
  );
  apply.detach();

  await approveRefund(mp.shop, order.orderId);
  // The order's page says what to do next.
  const orderPage = await render('pages/order/detail/index', { orderId: order.orderId });
  t.is(text(orderPage.find('.aftersale__todo')), '商家已同意退货，请填写退货物流');
  t.is(text(orderPage.find('.aftersale__more')), '填写退货物流 ›');
  orderPage.detach();

  const page = await render('pages/order/aftersale-detail/index', { caseId });
  t.is(text(page.find('.head__status')), '待买家退货');
  t.true(page.has('.return-form'));

  await tap(page.find('.return-form__submit >>> .t-button'));
  t.is(mp.toasts.at(-1), '请填写快递公司');
  page.find('.carrier').dispatchEvent('input', { detail: { value: '顺丰速运' } });
  page.find('.tracking').dispatchEvent('input', { detail: { value: 'SF1' } });
  await tap(page.find('.return-form__submit >>> .t-button'));
  t.is(mp.toasts.at(-1), '运单号至少 4 位');
  page.find('.tracking').dispatchEvent('input', { detail: { value: 'SF 123' } });
  await tap(page.find('.return-form__submit >>> .t-button'));
  t.is(mp.toasts.at(-1), '运单号只能包含字母、数字和连字符');
  t.is((await caseOf(caseId)).status, 'awaiting_return', 'nothing sent before the form is right');
  page.find('.tracking').dispatchEvent('input', { detail: { value: 'SF9988776655' } });
  await tap(page.find('.return-form__submit >>> .t-button'));
  await waitFor('the returning case', () => page.data.view.status === 'returning');
  const stored = await caseOf(caseId);
  t.is(stored.status, 'returning');
  t.like(stored.returnShipping, { carrier: '顺丰速运', trackingNo: 'SF9988776655' });
  t.false(page.has('.return-form'));
  t.is(text(page.find('.return-shipping .row__label')), '顺丰速运');
  await tap(page.find('.return-shipping .copy'));
  t.is(mp.clipboard.at(-1), 'SF9988776655');
  t.false(page.has('.bar'), 'on its way back: no longer withdrawn');
  page.detach();
});

test.serial('a refusal shows the merchant’s reason; the list shows every case newest first and opens one', async (t) => {
  const openid = newShopper();
  const empty = await render('pages/order/aftersale-list/index', {});
  t.is(text(empty.find('.state--empty')), '暂无售后记录');
  empty.detach();

  const first = await paidOrder(openid);
  const second = await paidOrder(openid);
  const one = dataOf(
    await mp.shop.call<AfterSaleView>('order', 'refund', { orderId: first.orderId, reason: '不想要了' }, openid),
  );
  dataOf(await adminCall(mp.shop, 'refunds.reject', { orderId: first.orderId, reason: '商品已打包发出' }));
  const two = dataOf(
    await mp.shop.call<AfterSaleView>(
      'order',
      'refund',
      { orderId: second.orderId, reason: '商品与描述不符', lines: [{ index: 0, quantity: 1 }] },
      openid,
    ),
  );

  const detail = await render('pages/order/aftersale-detail/index', { caseId: one.caseId });
  t.is(text(detail.find('.head__status')), '已拒绝');
  t.is(text(detail.find('.decision__reason')), '商品已打包发出');
  t.false(detail.has('.bar'));
  detail.detach();

  const list = await render('pages/order/aftersale-list/index', {});
  const cases = dataOf(await mp.shop.call<Page<AfterSaleView>>('order', 'afterSales.list', {}, openid));
  t.deepEqual(
    list.data.cases.map((c: Rec) => c.caseId),
    [two.caseId, one.caseId],
  );
  t.deepEqual(
    list.findAll('.case__status').map(text),
    cases.items.map((c) => c.statusLabel),
  );
  t.is(text(list.find('.case__refund')), `共 1 件，退款 ${formatFen(cases.items[0]!.refundFee)}`);
  await tap(list.find('.case'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/aftersale-detail/index?caseId=${two.caseId}` });
  list.detach();

  // Another shopper's case is not found, with the route's message.
  newShopper();
  const refusal = await mp.shop.call('order', 'afterSales.detail', { caseId: one.caseId }, mp.openid);
  t.false(refusal.ok);
  const other = await render('pages/order/aftersale-detail/index', { caseId: one.caseId });
  t.is(text(other.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  other.detach();
});

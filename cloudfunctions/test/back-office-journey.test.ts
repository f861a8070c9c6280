import test from 'ava';
import { seedHistory } from '../../database/seed-history.js';
import { AdminBrowser } from '../../testkit/admin-web.js';
import { adminCall, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { AuditVerification } from '../../typings/admin-access.js';
import type { AdminProductDetail } from '../../typings/admin-catalog.js';
import type { FiguresOverview, RfmOverview } from '../../typings/admin-figures.js';
import type { AdminFlashSaleView } from '../../typings/admin-promotions.js';
import type { RefundApproval } from '../../typings/admin.js';
import type { OrderView } from '../../typings/order.js';
import type { ProductDetail } from '../../typings/product.js';

/**
 * A merchant's morning on the admin web page, end to end over the HTTP access service (`/api/admin`) with the real
 * functions: an operator signs in with password and TOTP, creates a product with a 2 × 2 SKU matrix and an uploaded
 * image, which shoppers then see; changes its price and stock; runs a flash sale on it that a shopper buys; approves a
 * refund only after a second verification; the audit trail verifies; and the figures and RFM segments of the seeded
 * history are read on the page.
 */
const shop = await startShop({ only: ['admin', 'product', 'flashsale', 'order', 'pay', 'user', 'cart', 'jobs'] });
test.after.always(() => shop.close());

const PASSWORD = 'a long operator password';

test('sign in, create a 2×2 product with an image, shoppers see it, price and stock, a flash sale, a verified refund', async (t) => {
  // Two weeks of shop history (orders, payments, refunds, visits), as npm start seeds it.
  await seedHistory(shop.app, { days: 14 });
  // The owner (WeChat) adds an operator; the operator signs in on the web page and sets up the authenticator.
  await verifyMerchant(shop);
  dataOf(await adminCall(shop, 'staff.create', { username: 'ops', name: '运营小周', role: 'operator', password: PASSWORD }));
  const browser = new AdminBrowser(shop);
  const signedIn = await browser.signIn('ops', PASSWORD);
  t.like(signedIn.envelope, { ok: true, data: { signedIn: true, me: { role: 'operator' } } });

  // A product with an uploaded image and a 颜色 × 尺码 matrix, on the shelf.
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  const { fileID } = await shop.app.uploadFile({ cloudPath: `products/journey-${process.pid}.png`, fileContent: png });
  const combos = ['红', '蓝'].flatMap((颜色) => ['M', 'L'].map((尺码) => ({ 颜色, 尺码 })));
  const created = await browser.data<AdminProductDetail>('products.create', {
    title: '旅行保温杯',
    subtitle: '12 小时保温',
    categoryId: 'c-cup',
    images: [fileID],
    specs: [
      { name: '颜色', values: ['红', '蓝'] },
      { name: '尺码', values: ['M', 'L'] },
    ],
    skus: combos.map((specValues, i) => ({ specValues, price: 5900 + i * 100, stock: 10 })),
    status: 'on_shelf',
  });
  t.is(created.skus.length, 4);
  const spuId = created.spuId;

  const seen = dataOf(await shop.call<ProductDetail>('product', 'detail', { spuId }));
  t.like(seen, { title: '旅行保温杯', minPrice: 5900, maxPrice: 6200 });
  t.deepEqual(seen.images, [fileID]);
  t.is(seen.skus.length, 4);
  const listed = dataOf(await shop.call<{ items: Array<{ spuId: string }> }>('product', 'list', { keyword: '旅行保温杯' }));
  t.deepEqual(
    listed.items.map((i) => i.spuId),
    [spuId],
  );

  // Price down 10% on one SKU (no second verification needed for that), then 5 more units in.
  const [red] = created.skus;
  const repriced = await browser.data<AdminProductDetail>('products.update', {
    spuId,
    version: created.version,
    skus: [{ specValues: red!.specValues, price: 5310 }],
  });
  t.is(repriced.minPrice, 5310);
  await browser.data('stock.adjust', { skuId: red!.skuId, delta: 5, reason: 'inbound', note: '到货' });
  t.like(dataOf(await shop.call<ProductDetail>('product', 'detail', { spuId })), { minPrice: 5310 });
  t.is(
    dataOf(await shop.call<ProductDetail>('product', 'detail', { spuId })).skus.find((s) => s.skuId === red!.skuId)!.stock,
    15,
  );

  // A flash sale on the red M: its 5 units come out of the SKU's stock; a shopper buys one.
  const sale = await browser.data<AdminFlashSaleView>('flashsales.create', {
    skuId: red!.skuId,
    title: '早鸟秒杀',
    price: 3900,
    units: 5,
    perUser: 1,
    startAt: new Date(Date.now() - 60_000).toISOString(),
    endAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  t.like(sale, { stock: 5, remaining: 5 });
  const shopper = 'o-journey-shopper';
  const addressId = await shop.addressFor(shopper);
  const flashOrder = dataOf(
    await shop.call<OrderView>(
      'flashsale',
      'buy',
      { flashSaleId: sale.flashSaleId, quantity: 1, addressId, idempotencyKey: 'journey-flash-1' },
      shopper,
    ),
  );
  t.is(flashOrder.lines[0]!.payable, 3900, 'at the flash price');

  // The shopper pays and asks for the refund; the operator approves only after a second verification.
  await shop.payFor(shopper, flashOrder.orderId);
  dataOf(await shop.call('order', 'refund', { orderId: flashOrder.orderId, reason: '拍错了' }, shopper));
  t.like(await browser.call('refunds.approve', { orderId: flashOrder.orderId }), { ok: false, code: 'VERIFICATION_REQUIRED' });
  t.like(await browser.verify(), { ok: true });
  const approval = await browser.data<RefundApproval>('refunds.approve', { orderId: flashOrder.orderId });
  t.like(approval.order, { status: 'refund_approved' });

  // Everything the operator did is in the trail, chained.
  const actions = (await shop.db.collection('audit_logs').where({ actor: 'staff:ops' }).orderBy('seq', 'asc').get()).data.map(
    (e) => (e as { action: string }).action,
  );
  t.deepEqual(actions, [
    'auth.signIn',
    'products.create',
    'products.update',
    'stock.adjust',
    'flashsales.create',
    'auth.verify',
    'refunds.approve',
  ]);
  t.like(await browser.call('audit.verify'), { ok: false, code: 'FORBIDDEN' }, 'operators do not read the trail');

  // The figures of the seeded history, rolled up by the jobs timer, read on the page.
  const fired = await shop.control('POST', '/timers/jobs/run');
  t.like(fired, { outcome: { ok: true } });
  const day = (offset: number) => new Date(Date.now() + 8 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
  const overview = await browser.data<FiguresOverview>('figures.overview', { from: day(-13), to: day(0) });
  t.deepEqual(overview.missingDays, []);
  t.true(overview.totals.decompositionHolds);
  t.true(overview.totals.gmv > 0 && overview.totals.funnel.visitors > 0, JSON.stringify(overview.totals).slice(0, 200));
  const rfm = await browser.data<RfmOverview>('figures.rfm');
  t.true(rfm.customers > 0);
  t.is(
    rfm.segments.reduce((sum, s) => sum + s.customers, 0),
    rfm.customers,
  );
  t.like(dataOf(await adminCall<AuditVerification>(shop, 'audit.verify')), { ok: true });
});

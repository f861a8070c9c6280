import test, { type ExecutionContext } from 'ava';
import { adminCall, shipOrder, TEST_MERCHANT, verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { AdminRole } from '../../typings/admin-access.js';
import { type CsvExport, MAX_EXPORT_ROWS } from '../../typings/admin-export.js';
import type { AdminReviewPage, AdminReviewView } from '../../typings/admin-reviews.js';
import type { Envelope, ErrorCode } from '../../typings/common.js';
import type { OrderView } from '../../typings/order.js';
import type { MyReviewPage, ReviewPage, ReviewSummary, ReviewView } from '../../typings/review.js';
import type { ReviewDoc } from '../shared/model/review.js';
import { BOM, ORDER_EXPORT_HEADERS, parseCsv } from '../shared/rules/csv.js';
import { statsOf } from '../shared/rules/review-rules.js';

/**
 * The back office's review moderation and order export through the real `admin` function, each change checked from
 * the shopper's side (`review` function) and read back from the database: reviews, counters, the audit trail.
 */
const shop = await startShop({ only: ['admin', 'review', 'order', 'user', 'pay'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;

const admin = <T>(route: string, params: Rec = {}, role: AdminRole = 'owner'): Promise<Envelope<T>> =>
  adminCall<T>(shop, route, params, { role });
const shopper = <T>(route: string, params: Rec, openid = 'o-rv-visitor'): Promise<Envelope<T>> =>
  shop.call<T>('review', route, params, openid);
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const auditOf = async (filter: Rec): Promise<Rec[]> =>
  (await shop.db.collection('audit_logs').where(filter).orderBy('seq', 'asc').limit(100).get()).data as Rec[];

function refused(t: ExecutionContext, answer: Envelope<unknown>, code: ErrorCode): void {
  if (answer.ok) return void t.fail(`expected ${code}, got ok`);
  t.is(answer.code, code, answer.message);
  t.regex(answer.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
}

/** The product's stored counters equal those recomputed from its reviews in the database (updatedAt aside). */
async function countersAgree(t: ExecutionContext, spuId: string): Promise<void> {
  const reviews = (await shop.db.collection('reviews').where({ spuId }).limit(1000).get()).data as ReviewDoc[];
  const { updatedAt: _stored, ...stored } = (await doc('review_stats', spuId)) ?? {};
  const { updatedAt: _computed, ...computed } = statsOf(spuId, reviews, new Date());
  t.deepEqual(stored, computed, `counters of ${spuId}`);
}

let parcels = 0;
async function completedOrder(openid: string, skuIds: string[]): Promise<OrderView> {
  const order = await shop.placeOrder(
    openid,
    skuIds.map((skuId) => ({ skuId, quantity: 1 })),
  );
  await shop.payFor(openid, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: `SF${process.pid}${++parcels}` });
  return dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
}

/** Reviews each line of a new completed order of these SKUs with these ratings (5 stars with a photo). */
async function reviewed(openid: string, skuIds: string[], ratings: number[]): Promise<ReviewView[]> {
  const order = await completedOrder(openid, skuIds);
  const out: ReviewView[] = [];
  for (const [index, rating] of ratings.entries()) {
    const photos = rating === 5 ? [`cloud://env.bucket/reviews/${openid}-${index}.png`] : [];
    out.push(dataOf(await shopper<ReviewView>('reviews.create', { orderId: order.orderId, index, rating, photos }, openid)));
  }
  return out;
}

const listed = async (spuId: string) => dataOf(await shopper<ReviewPage>('reviews.list', { spuId })).items;
const summaryOf = async (spuId: string) => dataOf(await shopper<ReviewSummary>('reviews.summary', { spuId }));

test('hide takes a review out of the list and the counters, unhide puts it back; versioned and audited', async (t) => {
  const [good, bad] = await reviewed('o-rv-hide', ['spu-008-01', 'spu-008-02'], [5, 2]);
  t.like(await summaryOf('spu-008'), { count: 2, withPhotos: 1, bands: { good: 1, medium: 1, bad: 0 } });

  const page = dataOf(await admin<AdminReviewPage>('reviews.adminList', { spuId: 'spu-008' }));
  t.deepEqual(
    page.items.map((r) => [r.reviewId, r.openid, r.version]),
    [
      [bad!.reviewId, 'o-rv-hide', 1],
      [good!.reviewId, 'o-rv-hide', 1],
    ],
  );
  const filtered = async (params: Rec) =>
    dataOf(await admin<AdminReviewPage>('reviews.adminList', { spuId: 'spu-008', ...params })).items.map((r) => r.reviewId);
  t.deepEqual(await filtered({ rating: 2 }), [bad!.reviewId]);
  t.deepEqual(await filtered({ withPhotos: true }), [good!.reviewId]);
  t.deepEqual(await filtered({ unreplied: true }), [bad!.reviewId, good!.reviewId]);

  const hidden = dataOf(await admin<AdminReviewView>('reviews.hide', { reviewId: good!.reviewId, version: 1, reason: '广告' }));
  t.like(hidden, { hidden: true, version: 2 });
  t.deepEqual(
    (await listed('spu-008')).map((r) => r.reviewId),
    [bad!.reviewId],
  );
  t.like(await summaryOf('spu-008'), { count: 1, withPhotos: 0, average: 2, bands: { good: 0, medium: 1, bad: 0 }, samples: [] });
  t.like(await doc('review_stats', 'spu-008'), { count: 1, ratingSum: 2, withPhotos: 0 });
  await countersAgree(t, 'spu-008');
  t.deepEqual(await filtered({ hidden: true }), [good!.reviewId]);
  t.deepEqual(await filtered({ hidden: false }), [bad!.reviewId]);
  // The reviewer still sees their own, marked hidden.
  const mine = dataOf(await shopper<MyReviewPage>('reviews.mine', {}, 'o-rv-hide'));
  t.deepEqual(
    mine.items.map((r) => [r.reviewId, r.hidden]),
    [
      [bad!.reviewId, false],
      [good!.reviewId, true],
    ],
  );
  const [entry] = await auditOf({ action: 'reviews.hide', target: good!.reviewId });
  t.like(entry, { actor: TEST_MERCHANT, before: { hidden: false, version: 1 }, after: { hidden: true, version: 2 } });
  t.is(entry!.detail.reason, '广告');

  // Again: already hidden; a stale version: CONFLICT; nothing moves.
  refused(t, await admin('reviews.hide', { reviewId: good!.reviewId, version: 2 }), 'INVALID_STATE');
  refused(t, await admin('reviews.unhide', { reviewId: good!.reviewId, version: 1 }), 'CONFLICT');
  refused(t, await admin('reviews.feature', { reviewId: good!.reviewId, version: 2 }), 'INVALID_STATE');
  refused(t, await admin('reviews.hide', { reviewId: 'no-such-review', version: 1 }), 'NOT_FOUND');
  t.like(await doc('reviews', good!.reviewId), { hidden: true, version: 2 });
  t.like(await doc('review_stats', 'spu-008'), { count: 1 });

  dataOf(await admin('reviews.unhide', { reviewId: good!.reviewId, version: 2 }));
  t.like(await summaryOf('spu-008'), { count: 2, withPhotos: 1, bands: { good: 1, medium: 1, bad: 0 } });
  t.is((await listed('spu-008')).length, 2);
  t.is((await auditOf({ action: 'reviews.unhide', target: good!.reviewId })).length, 1);
  await countersAgree(t, 'spu-008');
});

test('the shop’s reply is shown to shoppers and edited by version; feature leads the list, at most 3 per product', async (t) => {
  const reviews = await reviewed('o-rv-reply', ['spu-002-03', 'spu-002-04'], [4, 1]);
  const [first, second] = reviews;
  const replied = dataOf(
    await admin<AdminReviewView>(
      'reviews.reply',
      { reviewId: second!.reviewId, version: 1, reply: '抱歉，已为您安排换货' },
      'service',
    ),
  );
  t.like(replied, { version: 2, reply: { text: '抱歉，已为您安排换货', by: '测试service' } });
  const seen = (await listed('spu-002')).find((r) => r.reviewId === second!.reviewId)!;
  t.is(seen.reply?.text, '抱歉，已为您安排换货');
  // Edited on the version it was read at; a stale one is CONFLICT; an empty reply VALIDATION; nothing changes.
  refused(t, await admin('reviews.reply', { reviewId: second!.reviewId, version: 1, reply: '旧版本' }), 'CONFLICT');
  refused(t, await admin('reviews.reply', { reviewId: second!.reviewId, version: 2, reply: '  ' }), 'VALIDATION');
  t.like(await doc('reviews', second!.reviewId), { version: 2, reply: { text: '抱歉，已为您安排换货' } });
  dataOf(await admin('reviews.reply', { reviewId: second!.reviewId, version: 2, reply: '已换货，感谢理解' }));
  t.is((await listed('spu-002')).find((r) => r.reviewId === second!.reviewId)!.reply?.text, '已换货，感谢理解');
  const entries = await auditOf({ action: 'reviews.reply', target: second!.reviewId });
  t.is(entries.length, 2);
  t.like(entries[1], { before: { reply: { text: '抱歉，已为您安排换货' } }, after: { reply: { text: '已换货，感谢理解' } } });
  t.is((await admin<AdminReviewPage>('reviews.adminList', { spuId: 'spu-002', unreplied: true })).ok, true);
  t.deepEqual(
    dataOf(await admin<AdminReviewPage>('reviews.adminList', { spuId: 'spu-002', unreplied: true })).items.map((r) => r.reviewId),
    [first!.reviewId],
  );

  // Featured: first in the list although older, and the summary's first sample.
  t.is((await listed('spu-002'))[0]!.reviewId, second!.reviewId);
  dataOf(await admin('reviews.feature', { reviewId: first!.reviewId, version: 1 }));
  t.deepEqual(
    (await listed('spu-002')).map((r) => [r.reviewId, r.featured]),
    [
      [first!.reviewId, true],
      [second!.reviewId, false],
    ],
  );
  t.is((await summaryOf('spu-002')).samples[0]!.reviewId, first!.reviewId);
  // Three more reviews of the product: a fourth featured one is refused.
  const more = await reviewed('o-rv-reply-2', ['spu-002-05', 'spu-002-06', 'spu-002-03'], [3, 4, 4]);
  for (const r of more.slice(0, 2)) dataOf(await admin('reviews.feature', { reviewId: r.reviewId, version: 1 }));
  refused(t, await admin('reviews.feature', { reviewId: more[2]!.reviewId, version: 1 }), 'INVALID_STATE');
  t.like(await doc('review_stats', 'spu-002'), { featured: 3 });
  dataOf(await admin('reviews.unfeature', { reviewId: first!.reviewId, version: 2 }));
  dataOf(await admin('reviews.feature', { reviewId: more[2]!.reviewId, version: 1 }));
  t.like(await doc('review_stats', 'spu-002'), { featured: 3, count: 5 });
  await countersAgree(t, 'spu-002');
  t.like(await auditOf({ action: 'reviews.unfeature', target: first!.reviewId }), [
    { before: { featured: true }, after: { featured: false } },
  ]);
});

test('moderation needs reviews.manage: finance is FORBIDDEN, whatever the input, and nothing changes', async (t) => {
  const [r] = await reviewed('o-rv-forbidden', ['spu-003-01'], [4]);
  for (const route of [
    'reviews.adminList',
    'reviews.reply',
    'reviews.hide',
    'reviews.unhide',
    'reviews.feature',
    'reviews.unfeature',
  ]) {
    refused(t, await admin(route, { reviewId: r!.reviewId, version: 1, reply: '好' }, 'finance'), 'FORBIDDEN');
    refused(t, await admin(route, { nonsense: true }, 'finance'), 'FORBIDDEN');
  }
  t.like(await doc('reviews', r!.reviewId), { version: 1, hidden: false, featured: false, replied: false });
  t.is((await auditOf({ target: r!.reviewId })).length, 0);
});

test.serial('orders.export reads in batches, oldest first, and stops at MAX_EXPORT_ROWS with truncated', async (t) => {
  // Orders of a quiet month long ago, written directly (their content is not what is under test).
  const start = Date.parse('2020-03-01T00:00:00+08:00');
  const total = MAX_EXPORT_ROWS + 7;
  const docs = Array.from({ length: total }, (_, i) => ({
    _id: `2020${String(i).padStart(18, '0')}`,
    openid: 'o-rv-bulk',
    idempotencyKey: `bulk-${i}`,
    status: 'completed',
    lines: [
      {
        skuId: 'spu-001-01',
        spuId: 'spu-001',
        title: 'T恤',
        specValues: {},
        quantity: 1,
        unitPrice: 100,
        subtotal: 100,
        payable: 100,
      },
    ],
    amounts: { subtotal: 100, discountTotal: 0, freight: 0, payable: 100 + i },
    address: { name: '批量', phone: '-', province: '浙江省', city: '杭州市', district: '西湖区', detail: '-' },
    remark: '',
    // Two orders per second, so batches end inside runs of equal times.
    createdAt: new Date(start + Math.floor(i / 2) * 1000),
    expiresAt: new Date(start),
    history: [],
  }));
  for (let i = 0; i < docs.length; i += 1000) await shop.db.collection('orders').add(docs.slice(i, i + 1000));
  await verifyMerchant(shop, 'o-test-finance', 'finance');
  const range = { from: '2020-03-01T00:00:00+08:00', to: '2020-04-01T00:00:00+08:00' };
  const answer = dataOf(await admin<CsvExport>('orders.export', range, 'finance'));
  t.like(answer, { rowCount: MAX_EXPORT_ROWS, truncated: true });
  const ids = parseCsv(answer.csv)
    .slice(1)
    .map((r) => r[0]);
  t.deepEqual(
    ids,
    docs.slice(0, MAX_EXPORT_ROWS).map((d) => d._id),
  );
  const [entry] = (await auditOf({ action: 'orders.export', actor: 'o-test-finance' })).slice(-1);
  t.like(entry, {
    detail: {
      rowCount: MAX_EXPORT_ROWS,
      truncated: true,
      filters: { from: '2020-02-29T16:00:00.000Z', to: '2020-03-31T16:00:00.000Z' },
    },
  });
});

test.serial(
  'orders.export: verification first; the CSV parses back to the orders; phones and streets masked by role; audited',
  async (t) => {
    const from = new Date(Date.now() - 1000);
    const buyer = 'o-rv-export';
    await completedOrder(buyer, ['spu-002-01']);
    // A remark a spreadsheet would run as a formula, and that needs quoting.
    const remark = '=HYPERLINK("http://evil","点我"),"快"';
    await shop.placeOrder(buyer, [{ skuId: 'spu-002-02', quantity: 2 }], { remark });
    const to = new Date(Date.now() + 1000);
    const range = { from: from.toISOString(), to: to.toISOString() };

    // Without a fresh second verification: refused, nothing audited.
    const before = (await auditOf({ action: 'orders.export' })).length;
    refused(t, await admin('orders.export', range), 'VERIFICATION_REQUIRED');
    refused(t, await admin('orders.export', range, 'service'), 'FORBIDDEN');
    t.is((await auditOf({ action: 'orders.export' })).length, before);

    await verifyMerchant(shop);
    refused(t, await admin('orders.export', { from: to.toISOString(), to: from.toISOString() }), 'VALIDATION');
    refused(
      t,
      await admin('orders.export', { from: '2026-01-01T00:00:00+08:00', to: '2026-12-01T00:00:00+08:00' }),
      'VALIDATION',
    );
    const full = dataOf(await admin<CsvExport>('orders.export', range));
    t.true(full.csv.startsWith(BOM));
    t.like(full, { personalData: 'full', truncated: false, contentType: 'text/csv; charset=utf-8' });
    t.regex(full.fileName, /^订单导出-\d{8}-\d{8}\.csv$/);
    const rows = parseCsv(full.csv);
    t.deepEqual(rows[0], ORDER_EXPORT_HEADERS);
    const col = (name: string) => ORDER_EXPORT_HEADERS.indexOf(name);

    // Every order of the window, oldest first, as stored.
    const stored = (
      await shop.db
        .collection('orders')
        .where({ createdAt: shop.db.command.gte(from).and(shop.db.command.lt(to)) })
        .orderBy('createdAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(1000)
        .get()
    ).data as Rec[];
    t.is(full.rowCount, stored.length);
    t.is(rows.length - 1, stored.length);
    const fen = (text: string) => Math.round(Number(text) * 100);
    for (const [i, order] of stored.entries()) {
      const row = rows[i + 1]!;
      t.is(row[col('订单号')], order._id);
      t.is(fen(row[col('实付金额（元）')]!), order.amounts.payable);
      t.regex(row[col('实付金额（元）')]!, /^\d+\.\d{2}$/);
      t.is(fen(row[col('商品金额（元）')]!), order.amounts.subtotal);
      t.is(fen(row[col('运费（元）')]!), order.amounts.freight);
    }
    const mineRows = rows.slice(1).filter((r) => stored.find((o) => o._id === r[0])?.openid === buyer);
    t.is(mineRows.length, 2);
    t.deepEqual(
      mineRows.map((r) => [r[col('订单状态')], r[col('手机号')], r[col('详细地址')], r[col('收货人')]]),
      [
        ['已完成', '13912345678', '文三路 1 号', '李四'],
        ['待付款', '13912345678', '文三路 1 号', '李四'],
      ],
    );
    t.is(mineRows[1]![col('买家备注')], `'${remark}`);
    t.true(full.csv.includes(`"'${remark.replaceAll('"', '""')}"`), 'guarded, then quoted per RFC 4180');
    const [exported] = (await auditOf({ action: 'orders.export', actor: TEST_MERCHANT })).slice(-1);
    t.like(exported, { target: 'orders', detail: { rowCount: stored.length, personalData: 'full', filters: range } });
    const [read] = (await auditOf({ action: 'personal_data.read', actor: TEST_MERCHANT, target: 'orders' })).slice(-1);
    t.like(read, { detail: { via: 'orders.export', rowCount: stored.length, fields: ['phone', 'detail'] } });

    // Finance may export, verified, but not read personal data in full: masked, and no personal-data read recorded.
    await verifyMerchant(shop, 'o-test-finance', 'finance');
    const masked = dataOf(await admin<CsvExport>('orders.export', { ...range, status: 'completed' }, 'finance'));
    t.is(masked.personalData, 'masked');
    const maskedRows = parseCsv(masked.csv).slice(1);
    t.is(maskedRows.length, stored.filter((o) => o.status === 'completed').length);
    const mineMasked = maskedRows.find((r) => stored.find((o) => o._id === r[0])?.openid === buyer)!;
    t.is(mineMasked[col('手机号')], '139****5678');
    t.is(mineMasked[col('详细地址')], '文三路****');
    t.false(masked.csv.includes('13912345678'));
    t.like((await auditOf({ action: 'orders.export', actor: 'o-test-finance' })).slice(-1)[0], {
      detail: { personalData: 'masked', filters: { ...range, status: 'completed' }, rowCount: maskedRows.length },
    });
    t.is((await auditOf({ action: 'personal_data.read', actor: 'o-test-finance' })).length, 0);
  },
);

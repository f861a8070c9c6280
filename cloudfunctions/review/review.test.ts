import test, { type ExecutionContext } from 'ava';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope, ErrorCode } from '../../typings/common.js';
import type { OrderView } from '../../typings/order.js';
import type { ReviewDoc } from '../shared/model/review.js';
import { statsOf } from '../shared/rules/review-rules.js';
import type { MyReviewPage, ReviewPage, ReviewSummary, ReviewView } from '../../typings/review.js';

/**
 * Shoppers' reviews through the real `review` function on the seeded demo shop: orders bought, paid, shipped and
 * received through the real functions first; reviews, counters and lists read back from the routes and the database.
 */
const shop = await startShop({ only: ['review', 'order', 'user', 'pay', 'admin'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;

const review = <T>(route: string, params: Rec, openid?: string): Promise<Envelope<T>> =>
  shop.call<T>('review', route, params, openid);
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const count = async (collection: string, filter: Rec): Promise<number> =>
  (await shop.db.collection(collection).where(filter).count()).total ?? 0;

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
/** An order of these lines, paid, shipped and received by the shopper: completed. */
async function completedOrder(openid: string, lines: Array<{ skuId: string; quantity: number }>): Promise<OrderView> {
  const order = await shop.placeOrder(openid, lines);
  await shop.payFor(openid, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: `SF${process.pid}${++parcels}` });
  return dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
}

let photos = 0;
async function photo(): Promise<string> {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  const { fileID } = await shop.app.uploadFile({ cloudPath: `reviews/test-${process.pid}-${++photos}.png`, fileContent: png });
  if (!fileID?.startsWith('cloud://')) throw new Error(`upload gave ${fileID}`);
  return fileID;
}

test('a completed order line is reviewed once: the review, the counters and the summary read back; a second is CONFLICT', async (t) => {
  const buyer = 'o-rv-once';
  await shop.call('user', 'profile.update', { nickname: '小明同学' }, buyer);
  const order = await completedOrder(buyer, [
    { skuId: 'spu-006-01', quantity: 1 },
    { skuId: 'spu-006-02', quantity: 2 },
  ]);
  t.is(order.status, 'completed');
  const pic = await photo();
  const created = dataOf(
    await review<ReviewView>(
      'reviews.create',
      { orderId: order.orderId, index: 1, rating: 5, text: '充电很快，做工扎实', photos: [pic], tags: ['quality', 'value'] },
      buyer,
    ),
  );
  t.like(created, { spuId: 'spu-006', skuId: 'spu-006-02', rating: 5, nickname: '小明同学', featured: false, photos: [pic] });
  t.deepEqual(
    created.tags.map((tag) => tag.label),
    ['质量很好', '性价比高'],
  );
  t.like(await doc('reviews', created.reviewId), {
    orderId: order.orderId,
    index: 1,
    openid: buyer,
    band: 'good',
    hasPhotos: true,
    hidden: false,
    version: 1,
  });

  // Same line again, even with other words: CONFLICT, nothing more written.
  refused(
    t,
    await review('reviews.create', { orderId: order.orderId, index: 1, rating: 1, text: '再评一次' }, buyer),
    'CONFLICT',
  );
  t.is(await count('reviews', { orderId: order.orderId }), 1);
  // The other line may still be reviewed, anonymously.
  dataOf(await review('reviews.create', { orderId: order.orderId, index: 0, rating: 3, anonymous: true }, buyer));

  const summary = dataOf(await review<ReviewSummary>('reviews.summary', { spuId: 'spu-006' }));
  t.like(summary, { count: 2, average: 4, byRating: [0, 0, 1, 0, 1], bands: { good: 1, medium: 1, bad: 0 }, withPhotos: 1 });
  t.is(summary.goodRate, 50);
  t.deepEqual(
    summary.topTags.map((tag) => [tag.code, tag.count]),
    [
      ['quality', 1],
      ['value', 1],
    ],
  );
  t.deepEqual(
    summary.samples.map((s) => s.reviewId),
    [created.reviewId],
    'the review with photos is the sample',
  );
  t.like(await doc('review_stats', 'spu-006'), { count: 2, ratingSum: 8, withPhotos: 1 });
  await countersAgree(t, 'spu-006');

  // Any shopper lists them, newest first, the anonymous one masked.
  const listed = dataOf(await review<ReviewPage>('reviews.list', { spuId: 'spu-006' }, 'o-rv-visitor'));
  t.deepEqual(
    listed.items.map((r) => [r.rating, r.nickname, r.anonymous]),
    [
      [3, '小***学', true],
      [5, '小明同学', false],
    ],
  );
  t.is(listed.nextCursor, undefined);
  const mine = dataOf(await review<MyReviewPage>('reviews.mine', {}, buyer));
  t.deepEqual(
    mine.items.map((r) => [r.orderId, r.index, r.hidden]),
    [
      [order.orderId, 0, false],
      [order.orderId, 1, false],
    ],
  );
});

test('refusals: before receipt INVALID_STATE, another shopper’s order or a missing line NOT_FOUND, bad input VALIDATION; nothing written', async (t) => {
  const buyer = 'o-rv-refused';
  const unpaid = await shop.orderFor(buyer, 'spu-007-01');
  refused(t, await review('reviews.create', { orderId: unpaid.orderId, index: 0, rating: 5 }, buyer), 'INVALID_STATE');
  await shop.payFor(buyer, unpaid.orderId);
  await shipOrder(shop, unpaid.orderId, { carrier: '中通快递', trackingNo: `ZT${process.pid}${++parcels}` });
  // Shipped but not yet received.
  refused(t, await review('reviews.create', { orderId: unpaid.orderId, index: 0, rating: 5 }, buyer), 'INVALID_STATE');
  dataOf(await shop.call('order', 'confirmReceipt', { orderId: unpaid.orderId }, buyer));

  refused(t, await review('reviews.create', { orderId: unpaid.orderId, index: 0, rating: 5 }, 'o-rv-stranger'), 'NOT_FOUND');
  refused(t, await review('reviews.create', { orderId: 'no-such-order', index: 0, rating: 5 }, buyer), 'NOT_FOUND');
  refused(t, await review('reviews.create', { orderId: unpaid.orderId, index: 3, rating: 5 }, buyer), 'NOT_FOUND');
  const bad: Rec[] = [
    { rating: 0 },
    { rating: 6 },
    { rating: 4.5 },
    { rating: 5, text: '好'.repeat(501) },
    { rating: 5, photos: ['https://example.com/a.png'] },
    { rating: 5, photos: Array.from({ length: 10 }, (_, i) => `cloud://env.bucket/p${i}.png`) },
    { rating: 5, tags: ['great'] },
    { rating: 5, tags: ['quality', 'quality'] },
    { rating: 5, openid: 'o-someone-else' },
  ];
  for (const params of bad) {
    refused(t, await review('reviews.create', { orderId: unpaid.orderId, index: 0, ...params }, buyer), 'VALIDATION');
  }
  t.is(await count('reviews', { orderId: unpaid.orderId }), 0);
  t.is(await doc('review_stats', 'spu-007'), undefined);
  // Received, and within the rules: accepted.
  dataOf(await review('reviews.create', { orderId: unpaid.orderId, index: 0, rating: 4 }, buyer));
  t.like(await doc('review_stats', 'spu-007'), { count: 1, ratingSum: 4 });
});

test('list: filters by photos and band, keyset pages newest first without repeats; the seeded product’s featured review leads', async (t) => {
  const buyer = 'o-rv-pages';
  const lines = ['spu-010-01', 'spu-010-02', 'spu-010-03'].map((skuId) => ({ skuId, quantity: 1 }));
  const orders = [await completedOrder(buyer, lines), await completedOrder(buyer, lines)];
  const ratings = [5, 1, 3, 4, 2, 5];
  let n = 0;
  for (const order of orders) {
    for (let index = 0; index < 3; index++) {
      const rating = ratings[n++]!;
      dataOf(
        await review(
          'reviews.create',
          { orderId: order.orderId, index, rating, text: `第 ${n} 条`, photos: rating === 5 ? [await photo()] : [] },
          buyer,
        ),
      );
    }
  }
  const pages: ReviewView[][] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(
      await review<ReviewPage>('reviews.list', { spuId: 'spu-010', pageSize: 4, ...(cursor ? { cursor } : {}) }),
    );
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.deepEqual(
    pages.map((p) => p.length),
    [4, 2],
  );
  const texts = pages.flat().map((r) => r.text);
  t.deepEqual(texts, ['第 6 条', '第 5 条', '第 4 条', '第 3 条', '第 2 条', '第 1 条']);

  const withPhotos = dataOf(await review<ReviewPage>('reviews.list', { spuId: 'spu-010', withPhotos: true }));
  t.deepEqual(
    withPhotos.items.map((r) => r.text),
    ['第 6 条', '第 1 条'],
  );
  const bands = async (band: string) =>
    dataOf(await review<ReviewPage>('reviews.list', { spuId: 'spu-010', band })).items.map((r) => r.rating);
  t.deepEqual(await bands('good'), [5, 4, 5]);
  t.deepEqual(await bands('medium'), [2, 3]);
  t.deepEqual(await bands('bad'), [1]);
  refused(t, await review('reviews.list', { spuId: 'spu-010', band: 'great' }), 'VALIDATION');

  // The demo shop: spu-001's featured review comes first although it is the oldest; the reply is shown.
  const seeded = dataOf(await review<ReviewPage>('reviews.list', { spuId: 'spu-001' }));
  t.true(seeded.items[0]!.featured);
  t.is(seeded.items.filter((r) => r.featured).length, 1);
  t.true(seeded.items.some((r) => r.reply?.text.startsWith('感谢您的反馈')));
  const summary = dataOf(await review<ReviewSummary>('reviews.summary', { spuId: 'spu-001' }));
  t.like(summary, { count: seeded.items.length });
  t.is(summary.samples[0]!.reviewId, seeded.items[0]!.reviewId);
  for (const spuId of ['spu-010', 'spu-001', 'spu-004', 'spu-009']) await countersAgree(t, spuId);
});

test('two reviews of one line at once: one lands, the other is CONFLICT, and it is counted once', async (t) => {
  const buyer = 'o-rv-race';
  const order = await completedOrder(buyer, [{ skuId: 'spu-011-01', quantity: 1 }]);
  const answers = await Promise.all(
    [5, 1].map((rating) => review('reviews.create', { orderId: order.orderId, index: 0, rating }, buyer)),
  );
  t.is(answers.filter((a) => a.ok).length, 1);
  const loser = answers.find((a) => !a.ok);
  t.like(loser, { ok: false, code: 'CONFLICT' });
  t.is(await count('reviews', { orderId: order.orderId }), 1);
  t.like(await doc('review_stats', 'spu-011'), { count: 1 });
  await countersAgree(t, 'spu-011');
});

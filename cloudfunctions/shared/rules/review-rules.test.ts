import test from 'ava';
import type { OrderStatus } from '../../../typings/order.js';
import type { ReviewDoc } from '../model/review.js';
import { ShopError } from './errors.js';
import {
  bandRatings,
  countReview,
  emptyStats,
  featureReview,
  maskNickname,
  ratingBand,
  reviewRefusal,
  statsOf,
  summaryOf,
  toAdminReviewView,
  toReviewView,
} from './review-rules.js';

const NOW = new Date('2026-12-05T12:00:00+08:00');

test('rating bands: 好评 4–5, 中评 2–3, 差评 1, and back', (t) => {
  t.deepEqual([1, 2, 3, 4, 5].map(ratingBand), ['bad', 'medium', 'medium', 'good', 'good']);
  for (const band of ['good', 'medium', 'bad'] as const) t.true(bandRatings(band).every((r) => ratingBand(r) === band));
});

test('maskNickname keeps the first and last character only', (t) => {
  t.is(maskNickname('小明同学'), '小***学');
  t.is(maskNickname('Tom'), 'T***m');
  t.is(maskNickname('明'), '明***');
  t.is(maskNickname('😀ab😀'), '😀***😀');
  t.is(maskNickname('  '), '匿***名');
});

test('reviewRefusal: only completed orders, only lines the order has', (t) => {
  const lines = [{}, {}];
  const statuses: OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'cancelled', 'refunding', 'refund_approved', 'refunded'];
  for (const status of statuses) {
    const refusal = reviewRefusal({ status, lines }, 0);
    t.true(refusal instanceof ShopError && refusal.code === 'INVALID_STATE', status);
    t.regex(refusal!.message, /确认收货后才能评价/);
  }
  t.is(reviewRefusal({ status: 'completed', lines }, 1), undefined);
  t.is(reviewRefusal({ status: 'completed', lines }, 2)?.code, 'NOT_FOUND');
});

function review(fields: Partial<ReviewDoc> = {}): ReviewDoc {
  return {
    _id: 'o1-0',
    orderId: 'o1',
    index: 0,
    openid: 'o-a',
    spuId: 'spu-001',
    skuId: 'spu-001-01',
    title: 'T恤',
    specValues: { 颜色: '黑色', 尺码: 'M' },
    nickname: '小明同学',
    avatarUrl: 'cloud://env/a.png',
    anonymous: false,
    rating: 5,
    band: 'good',
    text: '很好',
    photos: [],
    hasPhotos: false,
    tags: [],
    hidden: false,
    featured: false,
    replied: false,
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
    ...fields,
  };
}

test('countReview adds and takes away exactly what a review contributes', (t) => {
  const a = review({ rating: 5, hasPhotos: true, photos: ['cloud://x'], tags: ['quality', 'value'] });
  const b = review({ _id: 'o2-0', rating: 2, tags: ['quality'] });
  const c = review({ _id: 'o3-0', rating: 1 });
  let stats = emptyStats('spu-001', NOW);
  for (const r of [a, b, c]) stats = countReview(stats, r, 1, NOW);
  t.like(stats, { count: 3, ratingSum: 8, withPhotos: 1, bands: { good: 1, medium: 1, bad: 1 } });
  t.deepEqual(stats.stars, [1, 1, 0, 0, 1]);
  t.deepEqual(stats.tags, { quality: 2, value: 1 });
  const without = countReview(stats, a, -1, NOW);
  t.like(without, { count: 2, ratingSum: 3, withPhotos: 0, bands: { good: 0, medium: 1, bad: 1 } });
  t.deepEqual(without.tags, { quality: 1 });
  // Back again: the same as before.
  t.deepEqual(countReview(without, a, 1, NOW), stats);
  t.throws(() => countReview(emptyStats('spu-001', NOW), a, -1, NOW), { message: /negative/ });
});

test('featureReview allows at most 3 featured reviews per product', (t) => {
  let stats = emptyStats('spu-001', NOW);
  for (let i = 0; i < 3; i++) stats = featureReview(stats, 1, NOW);
  t.is(stats.featured, 3);
  const err = t.throws(() => featureReview(stats, 1, NOW));
  t.is((err as ShopError).code, 'INVALID_STATE');
  t.is(featureReview(stats, -1, NOW).featured, 2);
});

test('statsOf counts visible reviews only, featured ones whether hidden or not', (t) => {
  const stats = statsOf(
    'spu-001',
    [review({ rating: 4, featured: true }), review({ rating: 1, hidden: true, featured: true }), review({ rating: 3 })],
    NOW,
  );
  t.like(stats, { count: 2, ratingSum: 7, featured: 2, bands: { good: 1, medium: 1, bad: 0 } });
});

test('summaryOf: average to one decimal, good rate, top tags by count', (t) => {
  let stats = emptyStats('spu-001', NOW);
  for (const r of [
    review({ rating: 5, tags: ['quality', 'value'] }),
    review({ rating: 4, tags: ['quality'] }),
    review({ rating: 4, tags: ['fast_delivery', 'quality'] }),
  ])
    stats = countReview(stats, r, 1, NOW);
  const summary = summaryOf('spu-001', stats, []);
  t.like(summary, { count: 3, average: 4.3, goodRate: 100, withPhotos: 0, byRating: [0, 0, 0, 2, 1] });
  t.deepEqual(
    summary.topTags.map((tag) => [tag.code, tag.count, tag.label]),
    [
      ['quality', 3, '质量很好'],
      ['fast_delivery', 1, '物流很快'],
      ['value', 1, '性价比高'],
    ],
  );
  t.like(summaryOf('spu-009', undefined, []), { count: 0, average: 0, goodRate: 100, topTags: [] });
});

test('views: shoppers see an anonymous reviewer masked, the back office sees who it was', (t) => {
  const doc = review({ anonymous: true, reply: { text: '谢谢', at: NOW, by: '店主' }, replied: true, tags: ['quality'] });
  const seen = toReviewView(doc);
  t.like(seen, { nickname: '小***学', avatarUrl: null, specText: '黑色 / M', reply: { text: '谢谢' } });
  t.deepEqual(seen.tags, [{ code: 'quality', label: '质量很好' }]);
  t.false('openid' in seen);
  t.like(toAdminReviewView(doc), { nickname: '小明同学', openid: 'o-a', anonymous: true, reply: { by: '店主' } });
  t.like(toReviewView(review()), { nickname: '小明同学', avatarUrl: 'cloud://env/a.png' });
});

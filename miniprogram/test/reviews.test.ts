import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { ReviewPage, ReviewSummary } from '../../typings/review.js';

// 评价 on the demo shop: a product's reviews and their summary from the real review function.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['review', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;

const openReviews = (query: Record<string, string>): Promise<RenderedPage> =>
  mp.renderLoaded('pages/product/reviews/index', query);

/** Every review the route lists for these filters, all pages read. */
async function listed(params: Rec) {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(await mp.shop.call<ReviewPage>('review', 'reviews.list', { ...params, ...(cursor ? { cursor } : {}) }));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

const texts = (page: RenderedPage) => page.findAll('.list__item >>> .review__text').map(text);

test.serial(
  'lists the product’s reviews, featured first; the merchant’s reply and an anonymous reviewer show as such',
  async (t) => {
    const page = mp.renderPage('pages/product/reviews/index', { spuId: 'spu-001' });
    t.is(text(page.find('.state--loading')), '加载中…');
    await waitFor('the reviews', () => page.data.status !== 'loading');
    await waitFor('the summary', () => page.data.summary);

    const expected = await listed({ spuId: 'spu-001' });
    const stored = (await mp.shop.db.collection('reviews').where({ spuId: 'spu-001', hidden: false }).get()).data as Rec[];
    t.is(expected.length, stored.length);
    t.deepEqual(
      texts(page),
      expected.map((r) => r.text),
    );
    t.true(expected[0]!.featured);
    t.is(text(page.find('.list__item >>> .review__featured')), '精选');

    const items = page.findAll('.list__item');
    const nicknames = page.findAll('.list__item >>> .review__nickname').map(text);
    t.deepEqual(
      nicknames,
      expected.map((r) => r.nickname),
    );
    // The anonymous reviewer: masked by the route, marked 匿名, no avatar.
    const anonymousAt = expected.findIndex((r) => r.anonymous);
    const anonymousDoc = stored.find((d) => d.anonymous)!;
    t.not(nicknames[anonymousAt], anonymousDoc.nickname);
    t.regex(nicknames[anonymousAt]!, /\*/);
    t.is(page.findAll('.list__item >>> .review__anonymous').length, 1);
    t.is(items.length, expected.length);

    // The reply, under its review.
    const replied = stored.find((d) => d.reply)!;
    t.deepEqual(page.findAll('.list__item >>> .review__reply').map(text), [`商家回复：${replied.reply.text}`]);

    // Stars, the SKU bought and the photos.
    t.deepEqual(
      page.findAll('.list__item >>> .review__stars').map(text),
      expected.map((r) => '★'.repeat(r.rating) + '☆'.repeat(5 - r.rating)),
    );
    t.deepEqual(
      page.findAll('.list__item >>> .review__spec').map(text),
      expected.map((r) => r.specText),
    );
    const photos = expected.flatMap((r) => r.photos);
    t.true(photos.length > 0);
    t.deepEqual(
      page.findAll('.list__item >>> .review__photo').map((n) => n.dom!.getAttribute('data-url')),
      photos,
    );

    // The summary: the average, the share of 好评, each filter's count.
    const summary = dataOf(await mp.shop.call<ReviewSummary>('review', 'reviews.summary', { spuId: 'spu-001' }));
    t.is(
      text(page.find('.overview')),
      `${summary.average.toFixed(1)}综合评分好评率 ${summary.goodRate}%共 ${summary.count} 条评价`,
    );
    t.deepEqual(page.findAll('.filter').map(text), [
      `全部 ${summary.count}`,
      `有图 ${summary.withPhotos}`,
      `好评 ${summary.bands.good}`,
      `中评 ${summary.bands.medium}`,
      `差评 ${summary.bands.bad}`,
    ]);
    t.is(text(page.find('.filter--active')), `全部 ${summary.count}`);
    t.is(text(page.find('.more')), '没有更多了');
    page.detach();
  },
);

test.serial('the filters show only the reviews with photos, or of one rating band; an empty band says so', async (t) => {
  const page = await openReviews({ spuId: 'spu-001' });
  const tapFilter = async (label: string) => {
    await tap(page.findAll('.filter').find((n) => text(n).startsWith(label))!);
    await waitFor(label, () => page.data.status === 'ready');
  };

  await tapFilter('有图');
  t.deepEqual(mp.callsOf('review', 'reviews.list').at(-1)!.params, { spuId: 'spu-001', pageSize: 10, withPhotos: true });
  t.deepEqual(
    texts(page),
    (await listed({ spuId: 'spu-001', withPhotos: true })).map((r) => r.text),
  );
  t.true(page.findAll('.list__item').length > 0);
  t.is(page.findAll('.list__item').length, page.findAll('.list__item >>> .review__photos').length, 'each has photos');

  await tapFilter('中评');
  const medium = await listed({ spuId: 'spu-001', band: 'medium' });
  t.true(medium.every((r) => r.rating >= 2 && r.rating <= 3));
  t.deepEqual(
    texts(page),
    medium.map((r) => r.text),
  );

  await tapFilter('差评');
  t.deepEqual(await listed({ spuId: 'spu-001', band: 'bad' }), []);
  t.is(text(page.find('.state--empty')), '暂无此类评价');

  await tapFilter('全部');
  t.is(page.findAll('.list__item').length, (await listed({ spuId: 'spu-001' })).length);
  page.detach();

  // A link may open a filter directly.
  const good = await openReviews({ spuId: 'spu-001', filter: 'good' });
  t.is(text(good.find('.filter--active')).split(' ')[0], '好评');
  t.deepEqual(
    texts(good),
    (await listed({ spuId: 'spu-001', band: 'good' })).map((r) => r.text),
  );
  good.detach();
});

test.serial('a product without reviews says so', async (t) => {
  t.deepEqual(await listed({ spuId: 'spu-002' }), []);
  const page = await openReviews({ spuId: 'spu-002' });
  t.is(text(page.find('.state--empty')), '暂无评价，购买后来写第一条吧');
  t.false(page.has('.overview'));
  page.detach();
});

/** A visible review as the review function stores it (as the demo seed writes them). */
function reviewDoc(spuId: string, i: number, fields: Rec = {}): Rec {
  const at = new Date(Date.now() - (i + 1) * 60_000);
  return {
    _id: `rv-page-${spuId}-${i}`,
    orderId: `page-order-${i}`,
    index: 0,
    openid: `o-page-reviewer-${i}`,
    spuId,
    skuId: `${spuId}-01`,
    title: '陶瓷马克杯',
    specValues: { 颜色: '米白' },
    nickname: `买家${i}`,
    avatarUrl: null,
    anonymous: false,
    rating: 5,
    band: 'good',
    text: `第 ${i} 条评价`,
    photos: [],
    hasPhotos: false,
    tags: [],
    hidden: false,
    featured: false,
    replied: false,
    createdAt: at,
    updatedAt: at,
    version: 1,
    ...fields,
  };
}

test.serial('scrolling pages through the reviews, each once, until 没有更多了; a failed page says so and retries', async (t) => {
  const docs = Array.from({ length: 23 }, (_, i) => reviewDoc('spu-010', i));
  await mp.shop.db.collection('reviews').add(docs);
  try {
    const page = await openReviews({ spuId: 'spu-010' });
    t.is(page.findAll('.list__item').length, 10);
    page.reachBottom();
    page.reachBottom();
    await waitFor('page 2', () => page.data.more !== 'loading');
    t.is(page.findAll('.list__item').length, 20);

    // A review stored half-way (no tags) breaks the last page for real; removing it mends it.
    await mp.shop.db.collection('reviews').doc('rv-page-spu-010-22').update({ tags: mp.shop.db.command.remove() });
    const refusal = await mp.shop.call('review', 'reviews.list', { spuId: 'spu-010', pageSize: 50 });
    t.false(refusal.ok);
    page.reachBottom();
    await waitFor('page 3', () => page.data.more !== 'loading');
    t.is(page.data.more, 'error');
    t.is(text(page.find('.more')), `${refusal.ok ? '' : refusal.message}，点击重试`);
    await mp.shop.db.collection('reviews').doc('rv-page-spu-010-22').update({ tags: [] });
    await tap(page.find('.more__error'));
    await waitFor('page 3 again', () => page.data.more !== 'loading' && page.data.more !== 'error');
    t.is(page.data.more, 'done');
    t.deepEqual(
      texts(page),
      docs.map((d) => d.text),
    );
    page.detach();
  } finally {
    await Promise.all(docs.map((d) => mp.shop.db.collection('reviews').doc(d._id).remove()));
  }
});

test.serial('reviews that fail to load show the route’s message and a retry that loads them once mended', async (t) => {
  await mp.shop.db.collection('reviews').add(reviewDoc('spu-011', 0));
  await mp.shop.db.collection('reviews').doc('rv-page-spu-011-0').update({ tags: mp.shop.db.command.remove() });
  try {
    const refusal = await mp.shop.call('review', 'reviews.list', { spuId: 'spu-011' });
    t.like(refusal, { ok: false, code: 'INTERNAL' });
    const page = await openReviews({ spuId: 'spu-011' });
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);

    await mp.shop.db
      .collection('reviews')
      .doc('rv-page-spu-011-0')
      .update({ tags: ['quality'] });
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the reviews', () => page.data.status === 'ready');
    t.deepEqual(texts(page), ['第 0 条评价']);
    t.deepEqual(page.findAll('.list__item >>> .review__tag').map(text), ['质量很好']);
    page.detach();
  } finally {
    await mp.shop.db.collection('reviews').doc('rv-page-spu-011-0').remove();
  }
  // Without a product, nothing is asked.
  const calls = mp.calls.length;
  const none = mp.renderPage('pages/product/reviews/index', {});
  t.is(none.data.status, 'error');
  t.is(text(none.find('.state--error')), '商品不存在');
  t.is(mp.calls.length, calls);
  none.detach();
});

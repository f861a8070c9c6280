import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope, ErrorCode } from '../../typings/common.js';
import type { TrackResult } from '../../typings/track.js';

/**
 * The `track` function through the gateway: counters per Beijing day of the server's time, one visit document per
 * shopper and day, and refusals that count nothing. Read back from the database.
 */
const shop = await startShop({ only: ['track'] });
test.after.always(() => shop.close());

type Rec = Record<string, any>;
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;
const count = async (collection: string, filter: Rec = {}): Promise<number> =>
  (await shop.db.collection(collection).where(filter).count()).total as number;
const track = (events: Rec[], openid: string) => shop.call<TrackResult>('track', 'events', { events }, openid);
/** The Beijing day of now, as the function counts it. */
const today = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

function refused(t: import('ava').ExecutionContext, answer: Envelope<unknown>, code: ErrorCode): void {
  t.false(answer.ok);
  if (!answer.ok) {
    t.is(answer.code, code, answer.message);
    t.regex(answer.message, /[\u4e00-\u9fff]/, 'the message is Chinese');
  }
}

test.serial('a batch is counted on the server’s Beijing day: day counters, product views, one visit per shopper', async (t) => {
  const day = today();
  const first = dataOf(
    await track(
      [
        { type: 'page_view', page: 'pages/home/index' },
        { type: 'product_view', spuId: 'spu-001' },
        { type: 'product_view', spuId: 'spu-001' },
        { type: 'product_view', spuId: 'spu-002' },
        { type: 'share', spuId: 'spu-001' },
      ],
      'o-track-1',
    ),
  );
  t.deepEqual(first, { day, counted: 5 });
  t.like(await doc('traffic_daily', day), { day, pageViews: 1, productViews: 3, shares: 1, cartAdds: 0 });
  t.like(await doc('product_views_daily', `${day}:spu-001`), { day, spuId: 'spu-001', views: 2 });
  t.like(await doc('product_views_daily', `${day}:spu-002`), { views: 1 });
  t.like(await doc('visits', `${day}:o-track-1`), { day, openid: 'o-track-1', productViewed: true });

  dataOf(await track([{ type: 'page_view' }, { type: 'add_to_cart', spuId: 'spu-002' }], 'o-track-1'));
  t.like(await doc('traffic_daily', day), { pageViews: 2, productViews: 3, cartAdds: 1 });
  t.is(await count('visits', { day, openid: 'o-track-1' }), 1, 'still one visit: a unique visitor');
  t.like(await doc('visits', `${day}:o-track-1`), { productViewed: true, cartAdded: true });
});

test.serial('many shoppers at once: every event counted, one visit each', async (t) => {
  const day = today();
  const before = (await doc('traffic_daily', day)) ?? { pageViews: 0, productViews: 0 };
  const beforeViews = ((await doc('product_views_daily', `${day}:spu-003`))?.views as number | undefined) ?? 0;
  const shoppers = Array.from({ length: 12 }, (_v, i) => `o-track-rush-${i}`);
  await Promise.all(
    shoppers.flatMap((openid) => [
      track([{ type: 'page_view' }, { type: 'product_view', spuId: 'spu-003' }], openid),
      track([{ type: 'page_view' }], openid),
    ]),
  );
  const after = await doc('traffic_daily', day);
  t.is(after?.pageViews, before.pageViews + 24);
  t.is(after?.productViews, before.productViews + 12);
  t.is((await doc('product_views_daily', `${day}:spu-003`))?.views, beforeViews + 12);
  for (const openid of shoppers) t.is(await count('visits', { day, openid }), 1, openid);
});

test.serial(
  'refusals count nothing: too many events, an unknown type, a product view without product, a client time',
  async (t) => {
    const day = today();
    const before = await doc('traffic_daily', day);
    const visitsBefore = await count('visits', { day });
    refused(
      t,
      await track(
        Array.from({ length: 51 }, () => ({ type: 'page_view' })),
        'o-track-bad',
      ),
      'VALIDATION',
    );
    refused(t, await track([], 'o-track-bad'), 'VALIDATION');
    refused(t, await track([{ type: 'purchase' }], 'o-track-bad'), 'VALIDATION');
    refused(t, await track([{ type: 'product_view' }], 'o-track-bad'), 'VALIDATION');
    refused(t, await track([{ type: 'page_view', at: '2020-01-01T00:00:00Z' }], 'o-track-bad'), 'VALIDATION');
    t.deepEqual(await doc('traffic_daily', day), before);
    t.is(await count('visits', { day }), visitsBefore);
    t.is(await count('visits', { openid: 'o-track-bad' }), 0);
  },
);

test.serial('50 events are accepted in one call', async (t) => {
  const answer = await track(
    Array.from({ length: 50 }, () => ({ type: 'page_view' })),
    'o-track-fifty',
  );
  t.is(dataOf(answer).counted, 50);
});

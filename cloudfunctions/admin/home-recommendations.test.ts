import test from 'ava';
import { adminCall } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { HomeRecommendedView } from '../../typings/admin-catalog.js';
import type { HomeData } from '../../typings/product.js';

/** The home page's recommended row: the merchant's picks first, in order, then best sellers; edited with a version. */
const shop = await startShop({ only: ['admin', 'product'] });
test.after.always(() => shop.close());

const home = async () => dataOf(await shop.call<HomeData>('product', 'home', {}));
const ranks = async (ids: string[]) =>
  Promise.all(
    ids.map(async (id) => ((await shop.db.collection('spus').doc(id).get()).data[0] as { recommendRank?: number }).recommendRank),
  );

test.serial(
  'picks lead the row in their order, best sellers fill it; a new list replaces the old; each change audited',
  async (t) => {
    const bestSellers = (await home()).recommended.map((p) => p.spuId);
    t.is(bestSellers.length, 10);
    const start = dataOf(await adminCall<HomeRecommendedView>(shop, 'home.recommended'));
    t.deepEqual(start, { items: [], version: 0 });

    const picks = ['spu-012', 'spu-003'];
    const set = dataOf(await adminCall<HomeRecommendedView>(shop, 'home.setRecommended', { spuIds: picks, version: 0 }));
    t.deepEqual(
      set.items.map((i) => i.spuId),
      picks,
    );
    t.is(set.version, 1);
    const row = (await home()).recommended.map((p) => p.spuId);
    t.deepEqual(row.slice(0, 2), picks);
    t.is(row.length, 10);
    t.deepEqual(row.slice(2), bestSellers.filter((id) => !picks.includes(id)).slice(0, 8));

    // A stale version: CONFLICT, nothing changed.
    t.like(await adminCall(shop, 'home.setRecommended', { spuIds: ['spu-001'], version: 0 }), { ok: false, code: 'CONFLICT' });
    t.deepEqual(await ranks(picks), [1, 2]);

    dataOf(await adminCall(shop, 'home.setRecommended', { spuIds: ['spu-003'], version: 1 }));
    t.deepEqual(await ranks(['spu-003', 'spu-012']), [1, undefined], 'dropped picks lose their place');
    t.is((await home()).recommended[0]!.spuId, 'spu-003');

    const audit = (await shop.db.collection('audit_logs').where({ action: 'home.setRecommended' }).orderBy('seq', 'asc').get())
      .data;
    t.like(audit, [
      { before: { spuIds: [] }, after: { spuIds: picks } },
      { before: { spuIds: picks }, after: { spuIds: ['spu-003'] } },
    ]);
  },
);

test.serial('unknown or repeated products are refused and nothing changes; customer service may only read', async (t) => {
  const before = dataOf(await adminCall<HomeRecommendedView>(shop, 'home.recommended'));
  t.like(await adminCall(shop, 'home.setRecommended', { spuIds: ['spu-404'], version: before.version }), {
    ok: false,
    code: 'NOT_FOUND',
  });
  t.like(await adminCall(shop, 'home.setRecommended', { spuIds: ['spu-001', 'spu-001'], version: before.version }), {
    ok: false,
    code: 'VALIDATION',
  });
  t.like(await adminCall(shop, 'home.setRecommended', { spuIds: ['spu-001'], version: before.version }, { role: 'service' }), {
    ok: false,
    code: 'FORBIDDEN',
  });
  t.true((await adminCall(shop, 'home.recommended', {}, { role: 'service' })).ok);
  t.deepEqual(dataOf(await adminCall<HomeRecommendedView>(shop, 'home.recommended')), before);
});

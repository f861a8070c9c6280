import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import { type KeptProductPage, MAX_FAVORITES } from '../../typings/user.js';

/** Favorites and footprints through the gateway, on the demo shop. Each test is its own shopper (tests run concurrently). */
const shop = await startShop({ only: ['user', 'track'] });
test.after.always(() => shop.close());

const user = <T>(route: string, params: Record<string, unknown>, openid: string): Promise<Envelope<T>> =>
  shop.call<T>('user', route, params, openid);
const ids = (page: KeptProductPage) => page.items.map((p) => p.spuId);

async function whole(route: string, openid: string, pageSize = 2): Promise<KeptProductPage['items']> {
  const items: KeptProductPage['items'] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(await user<KeptProductPage>(route, { pageSize, ...(cursor ? { cursor } : {}) }, openid));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

test('favorites: added newest first across pages, again moves to the top, has, remove, and only the caller’s', async (t) => {
  const me = 'o-fav-1';
  for (const spuId of ['spu-001', 'spu-002', 'spu-003']) dataOf(await user('favorites.add', { spuId }, me));
  t.deepEqual(
    (await whole('favorites.list', me)).map((p) => p.spuId),
    ['spu-003', 'spu-002', 'spu-001'],
  );
  dataOf(await user('favorites.add', { spuId: 'spu-001' }, me));
  const listed = await whole('favorites.list', me);
  t.deepEqual(
    listed.map((p) => p.spuId),
    ['spu-001', 'spu-003', 'spu-002'],
    'a second add moves it to the top, once',
  );
  const spu = (await shop.db.collection('spus').doc('spu-001').get()).data[0] as Record<string, any>;
  t.like(listed[0], { title: spu.title, minPrice: spu.minPrice, image: spu.images[0], onShelf: true });

  t.deepEqual(dataOf(await user('favorites.has', { spuId: 'spu-002' }, me)), { favorited: true });
  t.deepEqual(dataOf(await user('favorites.has', { spuId: 'spu-002' }, 'o-fav-other')), { favorited: false });
  t.deepEqual(ids(dataOf(await user<KeptProductPage>('favorites.list', {}, 'o-fav-other'))), []);

  dataOf(await user('favorites.remove', { spuIds: ['spu-002', 'spu-009-09'] }, me));
  t.deepEqual(
    (await whole('favorites.list', me)).map((p) => p.spuId),
    ['spu-001', 'spu-003'],
  );
  t.deepEqual(dataOf(await user('favorites.has', { spuId: 'spu-002' }, me)), { favorited: false });
});

test('favorites: an unknown or deleted product is refused; one taken off the shelf shows as such; a deleted one leaves the list', async (t) => {
  const me = 'o-fav-2';
  const refused = async (spuId: string) => {
    const answer = await user('favorites.add', { spuId }, me);
    t.false(answer.ok);
    if (!answer.ok) t.is(answer.code, 'NOT_FOUND');
  };
  await refused('spu-none');
  await shop.db.collection('spus').add({ ...(await copyOf('spu-004')), _id: 'spu-fav-deleted', deletedAt: new Date() });
  await refused('spu-fav-deleted');

  await shop.db.collection('spus').add({ ...(await copyOf('spu-004')), _id: 'spu-fav-shelf' });
  await shop.db.collection('spus').add({ ...(await copyOf('spu-004')), _id: 'spu-fav-gone' });
  for (const spuId of ['spu-fav-shelf', 'spu-fav-gone']) dataOf(await user('favorites.add', { spuId }, me));
  await shop.db.collection('spus').doc('spu-fav-shelf').update({ status: 'off_shelf' });
  await shop.db.collection('spus').doc('spu-fav-gone').update({ deletedAt: new Date(), status: 'off_shelf' });
  t.deepEqual(
    (await whole('favorites.list', me)).map((p) => [p.spuId, p.onShelf]),
    [['spu-fav-shelf', false]],
  );
});

async function copyOf(spuId: string): Promise<Record<string, unknown>> {
  const { _id, ...rest } = (await shop.db.collection('spus').doc(spuId).get()).data[0] as Record<string, unknown>;
  void _id;
  return rest;
}

test('favorites: at most MAX_FAVORITES; one already kept can still be added again', async (t) => {
  const me = 'o-fav-full';
  const at = new Date(Date.now() - 3_600_000);
  const docs = Array.from({ length: MAX_FAVORITES }, (_v, i) => ({
    _id: `${me}:spu-x-${i}`,
    openid: me,
    spuId: `spu-x-${i}`,
    at,
  }));
  for (let i = 0; i < docs.length; i += 100) await shop.db.collection('favorites').add(docs.slice(i, i + 100));
  const answer = await user('favorites.add', { spuId: 'spu-001' }, me);
  t.false(answer.ok);
  if (!answer.ok) t.is(answer.code, 'INVALID_STATE');
  t.is((await shop.db.collection('favorites').where({ openid: me }).count()).total, MAX_FAVORITES, 'nothing added');
  await shop.db.collection('favorites').doc(`${me}:spu-x-0`).update({ spuId: 'spu-001' });
  await shop.db.collection('favorites').doc(`${me}:spu-x-0`).remove();
  await shop.db.collection('favorites').add({ _id: `${me}:spu-001`, openid: me, spuId: 'spu-001', at });
  t.true((await user('favorites.add', { spuId: 'spu-001' }, me)).ok);
});

test('footprints: product views through track, last viewed first, the last 90 days, remove and clear', async (t) => {
  const me = 'o-foot-1';
  const view = async (spuId: string) =>
    dataOf(await shop.call('track', 'events', { events: [{ type: 'product_view', spuId }] }, me));
  await view('spu-001');
  await view('spu-002');
  await view('spu-001');
  await shop.call('track', 'events', { events: [{ type: 'page_view', page: 'pages/home/index' }] }, me);
  const old = new Date(Date.now() - 91 * 86_400_000);
  await shop.db.collection('footprints').add({ _id: `${me}:spu-003`, openid: me, spuId: 'spu-003', at: old });
  t.deepEqual(
    (await whole('footprints.list', me, 1)).map((p) => p.spuId),
    ['spu-001', 'spu-002'],
  );
  t.deepEqual(ids(dataOf(await user<KeptProductPage>('footprints.list', {}, 'o-foot-other'))), []);

  dataOf(await user('footprints.remove', { spuIds: ['spu-001'] }, me));
  t.deepEqual(
    (await whole('footprints.list', me)).map((p) => p.spuId),
    ['spu-002'],
  );
  dataOf(await user('footprints.clear', {}, me));
  t.deepEqual(await whole('footprints.list', me), []);
  t.is((await shop.db.collection('footprints').where({ openid: me }).count()).total, 0);
});

test('bad input is refused with VALIDATION and changes nothing', async (t) => {
  const me = 'o-fav-bad';
  for (const [route, params] of [
    ['favorites.add', {}],
    ['favorites.add', { spuId: 'spu-001', extra: 1 }],
    ['favorites.remove', { spuIds: [] }],
    ['favorites.remove', { spuIds: Array.from({ length: 51 }, (_v, i) => `s${i}`) }],
    ['favorites.list', { pageSize: 0 }],
    ['footprints.list', { cursor: 'nonsense' }],
    ['footprints.clear', { all: true }],
  ] as const) {
    const answer = await user(route, params, me);
    t.false(answer.ok, route);
    if (!answer.ok) t.is(answer.code, 'VALIDATION', `${route} ${JSON.stringify(params)}`);
  }
  t.is((await shop.db.collection('favorites').where({ openid: me }).count()).total, 0);
});

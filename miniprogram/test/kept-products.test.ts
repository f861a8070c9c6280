import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { KeptProductPage } from '../../typings/user.js';
import { extraProducts } from './fixtures.js';

// 我的收藏 and 浏览足迹 on the real user and track functions: removals are read back from the database.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['user', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
const FAVORITES = 'pages/mine/favorites/index';
const FOOTPRINTS = 'pages/mine/footprints/index';

const newShopper = (): string => mp.newShopper('o-kept');

/** Favorites added one after the other (the last one is the newest), as the product page's 收藏 does. */
async function favorite(openid: string, spuIds: string[]): Promise<void> {
  for (const spuId of spuIds) dataOf(await mp.shop.call('user', 'favorites.add', { spuId }, openid));
}

/** Products viewed, as the product page reports them to `track`. */
async function view(openid: string, spuIds: string[]): Promise<void> {
  for (const spuId of spuIds) {
    dataOf(
      await mp.shop.call(
        'track',
        'events',
        { events: [{ type: 'product_view', spuId, page: 'pages/product/detail/index' }] },
        openid,
      ),
    );
  }
}

const open = (route: string): Promise<RenderedPage> => mp.renderLoaded(route);

const kept = async (collection: string, openid: string) =>
  ((await mp.shop.db.collection(collection).where({ openid }).get()).data as Rec[]).map((d) => d.spuId).sort();

const itemOf = (page: RenderedPage, title: string) => page.findAll('.item').find((n) => text(n).includes(title));

test.serial('我的收藏 lists the favorites newest first; one off the shelf is greyed and does not open', async (t) => {
  const openid = newShopper();
  await favorite(openid, ['spu-001', 'spu-002', 'spu-003']);
  await mp.shop.db.collection('spus').doc('spu-002').update({ status: 'off_shelf' });
  try {
    const page = await open(FAVORITES);
    const answer = dataOf(await mp.shop.call<KeptProductPage>('user', 'favorites.list', {}, openid));
    t.deepEqual(
      answer.items.map((p) => p.spuId),
      ['spu-003', 'spu-002', 'spu-001'],
    );
    t.deepEqual(
      page.findAll('.item__title').map(text),
      answer.items.map((p) => p.title),
    );
    t.true(text(page.find('.item__at')).startsWith('收藏于 '));
    const off = page.findAll('.item')[1]!;
    t.true(off.dom!.getAttribute('class')!.includes('item--off'));
    t.is(text(page.find('.item--off .item__off')), '已下架');
    t.is(page.findAll('.item--off').length, 1);

    const navigations = mp.navigations.length;
    await tap(off);
    t.is(mp.toasts.at(-1), '商品已下架');
    t.is(mp.navigations.length, navigations);
    await tap(page.findAll('.item')[0]!);
    t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/product/detail/index?spuId=spu-003' });
    t.is(text(page.find('.more')), '没有更多了');
    t.false(page.has('.toolbar__clear'), 'only footprints can be cleared');
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-002').update({ status: 'on_shelf' });
  }
});

test.serial('我的收藏: edit, pick two, remove after confirming; the database keeps only the rest', async (t) => {
  const openid = newShopper();
  await favorite(openid, ['spu-001', 'spu-002', 'spu-003', 'spu-004']);
  const page = await open(FAVORITES);
  await tap(page.find('.toolbar__edit'));
  t.is(text(page.find('.toolbar__edit')), '完成');
  t.true(page.find('.footer__remove').data.disabled, 'nothing picked yet');

  // In edit mode a tap picks instead of opening.
  const navigations = mp.navigations.length;
  await tap(itemOf(page, await title('spu-004'))!);
  await tap(itemOf(page, await title('spu-002'))!);
  t.is(mp.navigations.length, navigations);
  t.is(page.findAll('.item--selected').length, 2);
  t.is(text(page.find('.footer__remove >>> .t-button')), '删除（2）');

  mp.answerModals(false);
  await tap(page.find('.footer__remove >>> .t-button'));
  t.deepEqual(mp.modals.at(-1), { title: '取消收藏', content: '确定删除选中的 2 件商品吗？' });
  t.deepEqual(await kept('favorites', openid), ['spu-001', 'spu-002', 'spu-003', 'spu-004'], 'cancelled: nothing removed');

  mp.answerModals(true);
  await tap(page.find('.footer__remove >>> .t-button'));
  await waitFor('the removal', () => page.data.rows.length === 2);
  t.is(mp.toasts.at(-1), '已删除');
  t.deepEqual(await kept('favorites', openid), ['spu-001', 'spu-003']);
  t.deepEqual(mp.callsOf('user', 'favorites.remove').at(-1)!.params, { spuIds: ['spu-004', 'spu-002'] });
  t.is(page.findAll('.item').length, 2);

  // 全选 picks the rest; removing everything leaves the empty state.
  await tap(page.find('.footer__all'));
  t.is(page.findAll('.item--selected').length, 2);
  await tap(page.find('.footer__remove >>> .t-button'));
  await waitFor('the empty list', () => page.has('.state--empty'));
  t.deepEqual(await kept('favorites', openid), []);
  t.is(text(page.find('.state--empty')), '还没有收藏的商品去逛逛');
  await tap(page.find('.state__shop >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/home/index' });
  page.detach();
});

async function title(spuId: string): Promise<string> {
  return (await mp.shop.db.collection('spus').doc(spuId).get()).data[0].title;
}

test.serial('我的收藏 goes on a page at a time as the shopper scrolls', async (t) => {
  const openid = newShopper();
  const extra = extraProducts(14, { idPrefix: 'spu-kept', title: '收藏商品', categoryId: 'c-cup' });
  await mp.withProducts(extra, async () => {
    const demo = Array.from({ length: 12 }, (_, i) => `spu-${String(i + 1).padStart(3, '0')}`);
    await favorite(openid, [...demo, ...extra.map((p) => p._id)]);
    const page = await open(FAVORITES);
    t.is(page.findAll('.item').length, 20);
    t.is(text(page.find('.toolbar__count')), '共 20 件+');
    page.reachBottom();
    await waitFor('the next page', () => page.data.more === 'done');
    t.is(page.findAll('.item').length, 26);
    t.is(new Set(page.data.rows.map((r: Rec) => r.spuId)).size, 26, 'each product once');
    t.is(text(page.find('.toolbar__count')), '共 26 件');
    t.is(text(page.find('.item__title')), '收藏商品 13', 'the newest first');
    page.detach();
  });
});

test.serial('浏览足迹: viewed products, last viewed first; remove picked ones, then 清空 after confirming', async (t) => {
  const openid = newShopper();
  await view(openid, ['spu-005', 'spu-006', 'spu-007']);
  const page = await open(FOOTPRINTS);
  const answer = dataOf(await mp.shop.call<KeptProductPage>('user', 'footprints.list', {}, openid));
  t.deepEqual(
    answer.items.map((p) => p.spuId),
    ['spu-007', 'spu-006', 'spu-005'],
  );
  t.deepEqual(
    page.findAll('.item__title').map(text),
    answer.items.map((p) => p.title),
  );
  t.true(text(page.find('.item__at')).startsWith('浏览于 '));

  await tap(page.find('.toolbar__edit'));
  await tap(page.findAll('.item')[1]!);
  await tap(page.find('.footer__remove >>> .t-button'));
  await waitFor('the removal', () => page.data.rows.length === 2);
  t.deepEqual(mp.modals.at(-1), { title: '删除足迹', content: '确定删除选中的 1 件商品吗？' });
  t.deepEqual(await kept('footprints', openid), ['spu-005', 'spu-007']);
  await tap(page.find('.toolbar__edit'));

  mp.answerModals(false);
  await tap(page.find('.toolbar__clear'));
  t.deepEqual(mp.modals.at(-1), { title: '清空足迹', content: '确定清空全部浏览足迹吗？' });
  t.is((await kept('footprints', openid)).length, 2);
  mp.answerModals(true);
  await tap(page.find('.toolbar__clear'));
  await waitFor('the empty list', () => page.has('.state--empty'));
  t.deepEqual(await kept('footprints', openid), []);
  t.is(text(page.find('.state--empty')), '最近没有浏览记录去逛逛');
  t.is(mp.toasts.at(-1), '已清空');
  page.detach();
});

test.serial('an empty list, and one that cannot be read shows the route’s message and a retry', async (t) => {
  const openid = newShopper();
  const empty = await open(FOOTPRINTS);
  t.is(text(empty.find('.state--empty')), '最近没有浏览记录去逛逛');
  empty.detach();

  // A favorite written half-way (no time) makes favorites.list fail for real.
  await mp.shop.db.collection('favorites').add({ _id: `${openid}:spu-001`, openid, spuId: 'spu-001' });
  const refusal = await mp.shop.call('user', 'favorites.list', {}, openid);
  t.false(refusal.ok);
  const page = await open(FAVORITES);
  t.is(page.data.status, 'error');
  t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  await mp.shop.db.collection('favorites').doc(`${openid}:spu-001`).update({ at: new Date() });
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the list after retrying', () => page.data.status === 'ready');
  t.is(page.findAll('.item').length, 1);
  page.detach();
});

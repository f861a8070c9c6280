import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { extraProducts } from './fixtures.js';

// 商品列表 on the demo shop: a category's or a keyword's products from the real product function.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Spu = { _id: string; title: string; categoryId: string; minPrice: number; sales: number; createdAt: Date };

async function onShelf(filter: (p: Spu) => boolean): Promise<Spu[]> {
  const { data } = await mp.shop.db.collection('spus').where({ status: 'on_shelf' }).limit(1000).get();
  return (data as Spu[]).filter(filter);
}
const inCategories = (ids: string[]) => (p: Spu) => ids.includes(p.categoryId);
const bySales = (a: Spu, b: Spu) => b.sales - a.sales || a._id.localeCompare(b._id);

const openList = (query: Record<string, string>): Promise<RenderedPage> => mp.renderLoaded('pages/product/list/index', query);

const titles = (page: RenderedPage) => page.findAll('.products__item >>> .card__title').map(text);

test.serial(
  'a category’s list (the home page’s shortcut) shows its and its subcategories’ products under its name',
  async (t) => {
    // The link as the home page writes it: pageUrl encodes the title.
    const page = mp.renderPage('pages/product/list/index', { categoryId: 'c-digital', title: encodeURIComponent('数码') });
    t.is(text(page.find('.state--loading')), '加载中…');
    await waitFor('the list', () => page.data.status !== 'loading');
    t.is(mp.titles.at(-1), '数码');
    t.deepEqual(
      titles(page),
      (await onShelf(inCategories(['c-digital', 'c-earphone', 'c-charger']))).sort(bySales).map((p) => p.title),
    );
    t.is(text(page.find('.sort >>> .sort-bar__tab--active')), '综合');
    t.is(text(page.find('.more')), '没有更多了');

    await tap(page.find('.sort >>> .sort-bar__tab--price'));
    await waitFor('cheapest first', () => page.data.sort === 'price_asc' && page.data.status === 'ready');
    const digital = await onShelf(inCategories(['c-digital', 'c-earphone', 'c-charger']));
    t.deepEqual(
      titles(page),
      digital.sort((a, b) => a.minPrice - b.minPrice || a._id.localeCompare(b._id)).map((p) => p.title),
    );
    t.deepEqual(mp.callsOf('product', 'list').at(-1)!.params, { pageSize: 10, sort: 'price_asc', categoryId: 'c-digital' });

    await tap(page.find('.sort >>> .sort-bar__tab--sales'));
    await waitFor('best sellers', () => page.data.sort === 'sales' && page.data.status === 'ready');
    t.deepEqual(
      titles(page),
      digital.sort(bySales).map((p) => p.title),
    );

    // The share keeps what is listed and how.
    t.deepEqual(page.share(), {
      title: '数码',
      path: `/pages/product/list/index?categoryId=c-digital&title=${encodeURIComponent('数码')}&sort=sales`,
    });
    page.detach();
  },
);

test.serial('a keyword’s list is titled by the keyword', async (t) => {
  const page = await openList({ keyword: encodeURIComponent('杯') });
  t.is(mp.titles.at(-1), '杯');
  t.deepEqual(
    titles(page),
    (await onShelf((p) => p.title.includes('杯'))).sort(bySales).map((p) => p.title),
  );
  page.detach();
});

test.serial('scrolling pages through the list each product once; pulling down starts over with what changed', async (t) => {
  const extra = extraProducts(21, { idPrefix: 'spu-list', title: '花草茶', categoryId: 'c-tea', image: 'spu-009', price: 3000 });
  await mp.withProducts(extra, async () => {
    const page = await openList({ categoryId: 'c-tea', title: '茶饮' });
    t.is(page.findAll('.products__item').length, 10);
    const calls = mp.callsOf('product', 'list').length;
    page.reachBottom();
    page.reachBottom();
    t.is(text(page.find('.more')), '加载中…');
    await waitFor('page 2', () => page.data.more !== 'loading');
    t.is(mp.callsOf('product', 'list').length, calls + 1, 'one call for two scrolls');
    page.reachBottom();
    await waitFor('page 3', () => page.data.more !== 'loading');
    t.is(page.data.more, 'done');
    const expected = (await onShelf(inCategories(['c-tea']))).sort(bySales);
    t.is(expected.length, 22);
    t.deepEqual(
      titles(page),
      expected.map((p) => p.title),
    );

    // The merchant takes one off the shelf; a pull-down shows the list without it, the page staying meanwhile.
    await mp.shop.db.collection('spus').doc('spu-list-20').update({ status: 'off_shelf' });
    const refreshing = page.pullDownRefresh();
    t.is(page.data.status, 'ready');
    await refreshing;
    t.is(page.findAll('.products__item').length, 10);
    t.false(titles(page).includes('花草茶 20'));
    page.detach();
  });
});

test.serial('an empty category says so', async (t) => {
  await mp.shop.db.collection('categories').add({ _id: 'c-list-empty', name: '香薰', parentId: 'c-home', sort: 9 });
  try {
    const page = await openList({ categoryId: 'c-list-empty', title: '香薰' });
    t.is(page.data.status, 'ready');
    t.is(text(page.find('.state--empty')), '这里还没有商品，去别处逛逛吧');
    page.detach();
  } finally {
    await mp.shop.db.collection('categories').doc('c-list-empty').remove();
  }
});

test.serial(
  'a list that fails shows the route’s message, loads on a retry once mended; a failed next page says so',
  async (t) => {
    // A product written half-way (no images) makes product.list fail for real.
    const broken = {
      _id: 'spu-broken-list',
      title: '坏数据',
      status: 'on_shelf',
      categoryId: 'c-cup',
      minPrice: 1,
      maxPrice: 1,
      createdAt: new Date(),
    };
    await mp.shop.db.collection('spus').add({ ...broken, sales: 100_000 });
    try {
      const refusal = await mp.shop.call('product', 'list', { categoryId: 'c-cup' });
      const message = refusal.ok ? '' : refusal.message;
      t.is(message, '系统繁忙，请稍后再试');
      const page = await openList({ categoryId: 'c-cup', title: '杯具' });
      t.is(page.data.status, 'error');
      t.is(text(page.find('.state--error')), `${message}重新加载`);
      await mp.shop.db.collection('spus').doc('spu-broken-list').remove();
      await tap(page.find('.state__retry >>> .t-button'));
      await waitFor('the list', () => page.data.status === 'ready');
      t.deepEqual(
        titles(page),
        (await onShelf(inCategories(['c-cup']))).sort(bySales).map((p) => p.title),
      );
      page.detach();

      // Past the first page: the least sold product is broken.
      const extra = Array.from({ length: 10 }, (_, i) => ({
        ...broken,
        _id: `spu-list-cup-${i}`,
        title: `杯子 ${i}`,
        subtitle: '',
        images: ['cloud://local-env.local-env-1250000000/products/spu-010.svg'],
        specs: [],
        attributes: [],
        sales: 1000 + i,
      }));
      await mp.shop.db.collection('spus').add([...extra, { ...broken, sales: 0 }]);
      try {
        const long = await openList({ categoryId: 'c-cup', title: '杯具' });
        t.is(long.data.status, 'ready');
        long.reachBottom();
        await waitFor('page 2', () => long.data.more !== 'loading');
        t.is(long.data.more, 'error');
        t.is(text(long.find('.more')), `${message}，点击重试`);
        await mp.shop.db.collection('spus').doc('spu-broken-list').remove();
        await tap(long.find('.more__error'));
        await waitFor('page 2 again', () => long.data.more !== 'loading' && long.data.more !== 'error');
        t.is(long.findAll('.products__item').length, 12);
        long.detach();
      } finally {
        await Promise.all(extra.map((p) => mp.shop.db.collection('spus').doc(p._id).remove()));
      }
    } finally {
      await mp.shop.db.collection('spus').doc('spu-broken-list').remove();
    }
  },
);

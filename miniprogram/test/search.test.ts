import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { extraProducts } from './fixtures.js';

// 搜索 on the demo shop: keywords searched by the real product function, the history in the phone's storage.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

test.beforeEach(() => {
  mp.storage.clear();
});

const HISTORY_KEY = 'search.history';

type Spu = { _id: string; title: string; minPrice: number; sales: number; createdAt: Date };

/** On-shelf products whose title holds the keyword, as the database holds them. */
async function matching(keyword: string): Promise<Spu[]> {
  const { data } = await mp.shop.db.collection('spus').where({ status: 'on_shelf' }).limit(1000).get();
  return (data as Spu[]).filter((p) => p.title.toLowerCase().includes(keyword.toLowerCase()));
}

const bySales = (a: Spu, b: Spu) => b.sales - a.sales || a._id.localeCompare(b._id);
const byPrice = (a: Spu, b: Spu) => a.minPrice - b.minPrice || a._id.localeCompare(b._id);

/** Types into the search box and presses the keyboard's 搜索, as the native input reports them. */
async function typeAndSearch(page: RenderedPage, keyword: string): Promise<void> {
  const input = page.find('.bar__input');
  input.dispatchEvent('input', { detail: { value: keyword } });
  input.dispatchEvent('confirm', { detail: { value: keyword } });
  await waitFor(`results for ${keyword}`, () => page.data.searched && page.data.status !== 'loading');
}

const titles = (page: RenderedPage) => page.findAll('.products__item >>> .card__title').map(text);

test.serial('a keyword searched from the box lists the matching products, best sellers first, and is remembered', async (t) => {
  const page = mp.renderPage('pages/search/index');
  t.is(text(page.find('.history__none')), '输入商品名称，搜一搜店里的好物');
  t.false(page.has('.sort'));

  await typeAndSearch(page, ' t恤 ');
  const expected = (await matching('T恤')).sort(bySales);
  t.is(expected.length, 2);
  t.deepEqual(
    titles(page),
    expected.map((p) => p.title),
    'case-insensitive, trimmed',
  );
  t.deepEqual(mp.callsOf('product', 'list').at(-1)!.params, { pageSize: 10, sort: 'default', keyword: 't恤' });
  t.is(text(page.find('.sort >>> .sort-bar__tab--active')), '综合');
  t.deepEqual(mp.storage.get(HISTORY_KEY), ['t恤']);
  t.is(text(page.find('.more')), '没有更多了');

  await tap(page.find('.products__item >>> .card'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/product/detail/index?spuId=${expected[0]!._id}` });
  page.detach();
});

test.serial('the sort tabs order the results by price (up, then down) and by newest', async (t) => {
  const page = mp.renderPage('pages/search/index', { keyword: encodeURIComponent('耳机') });
  await waitFor('results', () => page.data.status === 'ready');
  const found = await matching('耳机');
  t.true(found.length >= 2);

  await tap(page.find('.sort >>> .sort-bar__tab--price'));
  await waitFor('price ascending', () => page.data.sort === 'price_asc' && page.data.status === 'ready');
  t.deepEqual(
    titles(page),
    [...found].sort(byPrice).map((p) => p.title),
  );
  t.is(text(page.find('.sort >>> .sort-bar__tab--active')), '价格↑');

  await tap(page.find('.sort >>> .sort-bar__tab--price'));
  await waitFor('price descending', () => page.data.sort === 'price_desc' && page.data.status === 'ready');
  t.deepEqual(
    titles(page),
    [...found].sort((a, b) => b.minPrice - a.minPrice || a._id.localeCompare(b._id)).map((p) => p.title),
  );
  t.is(text(page.find('.sort >>> .sort-bar__tab--active')), '价格↓');

  await tap(page.find('.sort >>> .sort-bar__tab--new'));
  await waitFor('newest', () => page.data.sort === 'new' && page.data.status === 'ready');
  t.deepEqual(
    titles(page),
    [...found].sort((a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime()).map((p) => p.title),
  );
  t.deepEqual(mp.callsOf('product', 'list').at(-1)!.params, { pageSize: 10, sort: 'new', keyword: '耳机' });
  page.detach();
});

test.serial(
  'the history: most recent first, each keyword once, at most ten; a tap searches again; 清空 forgets it',
  async (t) => {
    const page = mp.renderPage('pages/search/index');
    for (const word of ['耳机', 'T恤', '耳机', '茶']) await typeAndSearch(page, word);
    t.deepEqual(mp.storage.get(HISTORY_KEY), ['茶', '耳机', 'T恤']);

    // Clearing the box goes back to the history, as it is stored.
    page.find('.bar__input').dispatchEvent('input', { detail: { value: '' } });
    await waitFor('the history', () => page.has('.history__word'));
    t.deepEqual(page.findAll('.history__word').map(text), ['茶', '耳机', 'T恤']);

    const lists = mp.callsOf('product', 'list').length;
    await tap(page.findAll('.history__word')[2]!);
    await waitFor('T恤 again', () => page.data.searched === 'T恤' && page.data.status === 'ready');
    t.is(mp.callsOf('product', 'list').length, lists + 1);
    t.is(page.data.input, 'T恤');
    t.deepEqual(mp.storage.get(HISTORY_KEY), ['T恤', '茶', '耳机']);

    for (let i = 0; i < 10; i++) await typeAndSearch(page, `词${i}`);
    const stored = mp.storage.get(HISTORY_KEY) as string[];
    t.is(stored.length, 10);
    t.deepEqual(stored.slice(0, 2), ['词9', '词8']);
    t.false(stored.includes('T恤'));
    page.detach();

    // A page opened later reads it back.
    const again = mp.renderPage('pages/search/index');
    t.deepEqual(again.findAll('.history__word').map(text), stored);

    // 清空, cancelled: nothing changes; confirmed: forgotten.
    mp.answerModals(false);
    await tap(again.find('.history__clear'));
    t.deepEqual(mp.modals.at(-1), { title: '清空搜索历史？', content: '' });
    t.is(again.findAll('.history__word').length, 10);
    mp.answerModals(true);
    await tap(again.find('.history__clear'));
    await waitFor('the history cleared', () => !again.has('.history__word'));
    t.false(mp.storage.has(HISTORY_KEY));
    t.is(text(again.find('.history__none')), '输入商品名称，搜一搜店里的好物');
    again.detach();
  },
);

test.serial('a blank keyword is not searched; a keyword nothing matches says so', async (t) => {
  const page = mp.renderPage('pages/search/index');
  const lists = mp.callsOf('product', 'list').length;
  page.find('.bar__input').dispatchEvent('input', { detail: { value: '   ' } });
  await tap(page.find('.bar__go'));
  t.is(mp.toasts.at(-1), '请输入要搜索的商品');
  t.is(mp.callsOf('product', 'list').length, lists);
  t.false(mp.storage.has(HISTORY_KEY));

  await typeAndSearch(page, '火星特产');
  t.deepEqual(await matching('火星特产'), []);
  t.is(text(page.find('.state--empty')), '没有找到“火星特产”相关的商品，换个词试试');
  t.false(page.has('.products__item'));
  page.detach();
});

test.serial('scrolling pages through many results, each once, until 没有更多了', async (t) => {
  const extra = extraProducts(24, {
    idPrefix: 'spu-search',
    title: '旅行收纳袋',
    categoryId: 'c-storage',
    image: 'spu-012',
    price: 2000,
  });
  await mp.withProducts(extra, async () => {
    const page = mp.renderPage('pages/search/index');
    await typeAndSearch(page, '收纳');
    t.is(page.findAll('.products__item').length, 10);
    for (let i = 0; i < 10 && page.data.more !== 'done'; i++) {
      page.reachBottom();
      await waitFor('a page of results', () => page.data.more !== 'loading');
    }
    const expected = (await matching('收纳')).sort(bySales);
    t.is(expected.length, 25);
    t.deepEqual(
      titles(page),
      expected.map((p) => p.title),
    );
    t.is(text(page.find('.more')), '没有更多了');
    page.detach();
  });
});

// A product written half-way (no images) makes the search fail for real; removing it mends it.
test.serial('a search that fails shows the route’s message and searches again on a tap once mended', async (t) => {
  await mp.shop.db.collection('spus').add({
    _id: 'spu-broken-search',
    title: '坏数据耳机',
    status: 'on_shelf',
    categoryId: 'c-earphone',
    minPrice: 100,
    maxPrice: 100,
    sales: 1,
    createdAt: new Date(),
  });
  try {
    const refusal = await mp.shop.call('product', 'list', { keyword: '耳机' });
    t.false(refusal.ok);
    const message = refusal.ok ? '' : refusal.message;

    const page = mp.renderPage('pages/search/index');
    await typeAndSearch(page, '耳机');
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${message}重新加载`);

    await mp.shop.db.collection('spus').doc('spu-broken-search').remove();
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the results', () => page.data.status === 'ready');
    t.deepEqual(
      titles(page),
      (await matching('耳机')).sort(bySales).map((p) => p.title),
    );
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-broken-search').remove();
  }
});

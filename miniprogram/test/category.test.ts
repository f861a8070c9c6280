import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { formatFen } from '../utils/money.js';
import { extraProducts } from './fixtures.js';

// The 分类 tab on the demo shop: the category tree and each category's products from the real product function.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Spu = { _id: string; title: string; categoryId: string; minPrice: number; maxPrice: number; sales: number };

async function openCategories(): Promise<RenderedPage> {
  const page = mp.renderPage('pages/category/index');
  await waitFor('the category tree', () => page.data.treeStatus !== 'loading');
  // A tree with categories goes on with the first one's products.
  if (page.data.categories.length) await waitFor('the first products', () => page.data.status !== 'loading');
  return page;
}

/** On-shelf products of these categories as the database holds them, best-selling first (product.list's default). */
async function productsOf(categoryIds: string[]): Promise<Spu[]> {
  const { data } = await mp.shop.db
    .collection('spus')
    .where({ status: 'on_shelf', categoryId: mp.shop.db.command.in(categoryIds) })
    .orderBy('sales', 'desc')
    .orderBy('_id', 'asc')
    .limit(1000)
    .get();
  return data as Spu[];
}

async function tree() {
  const all = (await mp.shop.db.collection('categories').limit(1000).get()).data as Array<{
    _id: string;
    name: string;
    parentId: string | null;
    sort: number;
  }>;
  const bySort = (a: { sort: number }, b: { sort: number }) => a.sort - b.sort;
  return all
    .filter((c) => !c.parentId)
    .sort(bySort)
    .map((top) => ({ ...top, children: all.filter((c) => c.parentId === top._id).sort(bySort) }));
}

const titles = (page: RenderedPage) => page.findAll('.item__title').map(text);

test.serial('the rail lists the top-level categories; the first one’s subcategories and products show beside it', async (t) => {
  const page = mp.renderPage('pages/category/index');
  t.is(text(page.find('.state--loading')), '加载中…');
  await waitFor('the category tree', () => page.data.treeStatus !== 'loading');
  await waitFor('the first products', () => page.data.status !== 'loading');
  t.is(mp.callsOf('product', 'categories').length, 1);

  const tops = await tree();
  t.deepEqual(
    page.findAll('.rail__item').map(text),
    tops.map((c) => c.name),
  );
  t.is(text(page.find('.rail__item--active')), tops[0]!.name);
  t.deepEqual(page.findAll('.sub').map(text), ['全部', ...tops[0]!.children.map((c) => c.name)]);
  t.is(text(page.find('.sub--active')), '全部');

  // 服饰 lists its subcategories' products (T恤, 卫衣): the first page of 10, best sellers first.
  const expected = await productsOf([tops[0]!._id, ...tops[0]!.children.map((c) => c._id)]);
  t.true(expected.length > 0);
  t.deepEqual(
    titles(page),
    expected.slice(0, 10).map((p) => p.title),
  );
  t.deepEqual(
    page.findAll('.item__price').map(text),
    expected.slice(0, 10).map((p) => `${formatFen(p.minPrice)}${p.maxPrice > p.minPrice ? '起' : ''}`),
  );
  t.is(text(page.find('.item__sales')), `已售 ${expected[0]!.sales}`);
  t.is(page.find('.item').dom!.getAttribute('data-id'), expected[0]!._id);
  t.deepEqual(mp.callsOf('product', 'list').at(-1)!.params, { pageSize: 10, sort: 'default', categoryId: tops[0]!._id });
  page.detach();
});

test.serial('choosing another category, then a subcategory, shows exactly their products', async (t) => {
  const page = await openCategories();
  const tops = await tree();
  const food = tops.find((c) => c.name === '食品')!;

  await tap(page.findAll('.rail__item').find((n) => text(n) === '食品')!);
  await waitFor('食品’s products', () => page.data.topId === food._id && page.data.status === 'ready');
  t.deepEqual(page.findAll('.sub').map(text), ['全部', ...food.children.map((c) => c.name)]);
  t.deepEqual(
    titles(page),
    (await productsOf([food._id, ...food.children.map((c) => c._id)])).map((p) => p.title),
  );

  const tea = food.children.find((c) => c.name === '茶饮')!;
  await tap(page.findAll('.sub').find((n) => text(n) === '茶饮')!);
  await waitFor('茶饮’s products', () => page.data.subId === tea._id && page.data.status === 'ready');
  t.is(text(page.find('.sub--active')), '茶饮');
  const teas = await productsOf([tea._id]);
  t.deepEqual(
    titles(page),
    teas.map((p) => p.title),
  );
  t.is(text(page.find('.more')), '没有更多了');

  // Back to 全部.
  await tap(page.find('.sub'));
  await waitFor('all of 食品', () => page.data.subId === '' && page.data.status === 'ready');
  t.is(page.findAll('.item').length, (await productsOf([food._id, ...food.children.map((c) => c._id)])).length);

  await tap(page.find('.item'));
  t.deepEqual(mp.lastNavigation(), {
    method: 'navigateTo',
    url: `/pages/product/detail/index?spuId=${page.data.products[0].spuId}`,
  });
  await tap(page.find('.search'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/search/index' });
  page.detach();
});

test.serial('a late answer for the category left behind does not overwrite the one chosen since', async (t) => {
  const page = await openCategories();
  const tops = await tree();
  // Two taps in a row: the first category's answer may come last; the page shows the second's products.
  page.instance.showTop(tops[1]!._id);
  page.instance.showTop(tops[2]!._id);
  await waitFor('the products', () => page.data.status === 'ready' && page.data.topId === tops[2]!._id);
  await new Promise((resolve) => setTimeout(resolve, 300));
  t.deepEqual(
    titles(page),
    (await productsOf([tops[2]!._id, ...tops[2]!.children.map((c) => c._id)])).map((p) => p.title),
  );
  page.detach();
});

test.serial('scrolling pages through a category’s products, each once, until 没有更多了', async (t) => {
  const extra = extraProducts(23, {
    idPrefix: 'spu-cat',
    title: '收纳好物',
    categoryId: 'c-storage',
    image: 'spu-012',
    sales: 500,
  });
  await mp.withProducts(extra, async () => {
    const page = await openCategories();
    await tap(page.findAll('.rail__item').find((n) => text(n) === '家居')!);
    await waitFor('家居’s products', () => page.data.topId === 'c-home' && page.data.status === 'ready');
    t.is(page.findAll('.item').length, 10);
    const expected = await productsOf(['c-home', 'c-cup', 'c-storage']);
    t.is(expected.length, 23 + 3);

    let scrolls = 0;
    while (page.data.more !== 'done' && scrolls < 10) {
      page.reachBottom();
      page.reachBottom(); // a second scroll while loading asks nothing more
      scrolls++;
      await waitFor('a page of products', () => page.data.more !== 'loading');
    }
    t.is(scrolls, 2);
    t.deepEqual(
      titles(page),
      expected.map((p) => p.title),
    );
    t.is(text(page.find('.more')), '没有更多了');
    page.detach();
  });
});

test.serial('a category without products says so', async (t) => {
  await mp.shop.db.collection('categories').add({ _id: 'c-empty-sub', name: '香薰', parentId: 'c-home', sort: 9 });
  try {
    const page = await openCategories();
    await tap(page.findAll('.rail__item').find((n) => text(n) === '家居')!);
    await waitFor('家居', () => page.data.topId === 'c-home' && page.data.status === 'ready');
    await tap(page.findAll('.sub').find((n) => text(n) === '香薰')!);
    await waitFor('香薰', () => page.data.subId === 'c-empty-sub' && page.data.status === 'ready');
    t.is(text(page.find('.pane__state--empty')), '该分类暂无商品');
    t.false(page.has('.item'));
    page.detach();
  } finally {
    await mp.shop.db.collection('categories').doc('c-empty-sub').remove();
  }
});

test.serial('a shop without categories says so', async (t) => {
  const all = (await mp.shop.db.collection('categories').limit(1000).get()).data as Array<Record<string, unknown>>;
  await mp.shop.db
    .collection('categories')
    .where({ _id: mp.shop.db.command.exists(true) })
    .remove();
  try {
    const page = await openCategories();
    t.is(page.data.treeStatus, 'ready');
    t.is(text(page.find('.state--empty')), '店铺还没有商品分类');
    t.false(page.has('.rail'));
    page.detach();
  } finally {
    await mp.shop.db.collection('categories').add(all);
  }
});

// A product document written half-way (no images: its card cannot be drawn) makes product.list fail for real.
test.serial('products that fail to load show the route’s message and load again on a tap once mended', async (t) => {
  await mp.shop.db.collection('spus').add({
    _id: 'spu-broken-cat',
    title: '坏数据',
    status: 'on_shelf',
    categoryId: 'c-tshirt',
    minPrice: 100,
    maxPrice: 100,
    sales: 1,
    createdAt: new Date(),
  });
  try {
    const refusal = await mp.shop.call('product', 'list', { categoryId: 'c-apparel', pageSize: 10 });
    t.false(refusal.ok);
    const message = refusal.ok ? '' : refusal.message;
    t.is(message, '系统繁忙，请稍后再试');

    const page = await openCategories();
    t.is(page.data.treeStatus, 'ready', 'the tree is there');
    t.is(page.data.status, 'error');
    t.is(text(page.find('.pane__state--error')), `${message}重新加载`);
    t.false(page.has('.item'));

    await mp.shop.db.collection('spus').doc('spu-broken-cat').remove();
    await tap(page.find('.pane__retry >>> .t-button'));
    await waitFor('the products again', () => page.data.status === 'ready');
    t.is(page.findAll('.item').length, (await productsOf(['c-apparel', 'c-tshirt', 'c-hoodie'])).length);
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-broken-cat').remove();
  }
});

// A category written with a number for its id (the emulator's data editor allows it) breaks the tree's sort for real.
test.serial('a tree that fails to load shows the route’s message and loads on a retry once mended', async (t) => {
  await mp.shop.control('POST', '/collections/categories/documents', { _id: 12, name: '坏分类', parentId: null, sort: 0 });
  let removed = false;
  const mend = async () => {
    if (!removed) await mp.shop.db.collection('categories').where({ name: '坏分类' }).remove();
    removed = true;
  };
  try {
    const refusal = await mp.shop.call('product', 'categories');
    t.false(refusal.ok);
    const message = refusal.ok ? '' : refusal.message;

    const page = mp.renderPage('pages/category/index');
    await waitFor('the tree to fail', () => page.data.treeStatus !== 'loading');
    t.is(page.data.treeStatus, 'error');
    t.is(text(page.find('.state--error')), `${message}重新加载`);
    t.false(page.has('.rail'));
    t.is(mp.callsOf('product', 'list').filter((c) => c.params.categoryId === undefined).length, 0);

    await mend();
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the tree', () => page.data.treeStatus === 'ready' && page.data.status === 'ready');
    t.deepEqual(
      page.findAll('.rail__item').map(text),
      (await tree()).map((c) => c.name),
    );
    page.detach();
  } finally {
    await mend();
  }
});

import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { ShareData } from '../../typings/member.js';
import type { HomeData } from '../../typings/product.js';
import { formatFen } from '../utils/money.js';
import { extraProducts } from './fixtures.js';

// The home page on the demo shop, its calls answered by the real product, flashsale and track functions.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['product', 'flashsale', 'track', 'member'] });
});

test.after.always(async () => {
  await mp?.close();
});

const openHome = (query: Record<string, string> = {}): Promise<RenderedPage> => mp.renderLoaded('pages/home/index', query);

/** On-shelf products as the database holds them, best-selling first (the demo shop has no merchant picks). */
async function bestSellers(limit: number) {
  const { data } = await mp.shop.db
    .collection('spus')
    .where({ status: 'on_shelf' })
    .orderBy('sales', 'desc')
    .orderBy('_id', 'asc')
    .limit(limit)
    .get();
  return data as Array<{ _id: string; title: string; images: string[]; minPrice: number; maxPrice: number; sales: number }>;
}

const priceText = (p: { minPrice: number; maxPrice: number }) => `${formatFen(p.minPrice)}${p.maxPrice > p.minPrice ? '起' : ''}`;

test.serial('renders the demo shop’s banners, categories and best sellers from one product.home call', async (t) => {
  const before = mp.callsOf('product', 'home').length;
  const page = mp.renderPage('pages/home/index');
  t.is(text(page.find('.state--loading')), '加载中…', 'loading until the answer comes');
  await waitFor('the home page to load', () => page.data.status !== 'loading');
  t.is(page.data.status, 'ready');
  t.is(mp.callsOf('product', 'home').length - before, 1);
  t.is(mp.callsOf('product', 'list').length, 0, 'nothing more is read before the shopper scrolls');

  const banners = (await mp.shop.db.collection('banners').where({ active: true }).orderBy('sort', 'asc').get()).data;
  t.true(banners.length > 0);
  const slides = page.findAll('.banner');
  t.deepEqual(
    slides.map((s) => s.dom?.getAttribute('data-link')),
    banners.map((b: { link: string }) => b.link),
  );
  // Each slide's image is the banner's, loaded lazily.
  const pictures = page.findAll('.banner__picture');
  t.deepEqual(
    pictures.map((p) => p.data.src),
    banners.map((b: { image: string }) => b.image),
  );
  t.true(pictures.every((p) => p.data.lazy === true));

  const tops = (await mp.shop.db.collection('categories').where({ parentId: null }).orderBy('sort', 'asc').get()).data;
  t.deepEqual(page.findAll('.category__name').map(text), [...tops.map((c: { name: string }) => c.name), '全部分类']);

  const expected = await bestSellers(10);
  const cards = page.findAll('.products__item');
  t.is(cards.length, expected.length);
  t.deepEqual(
    page.findAll('.products__item >>> .card__title').map(text),
    expected.map((p) => p.title),
  );
  t.deepEqual(page.findAll('.products__item >>> .card__price').map(text), expected.map(priceText));
  t.is(text(page.find('.products__item >>> .card__sales')), `已售 ${expected[0]!.sales}`);
  const images = page.findAll('.products__item >>> .card__picture');
  t.deepEqual(
    images.map((i) => i.data.src),
    expected.map((p) => p.images[0]),
  );
  t.true(images.every((i) => i.data.lazy === true));
  t.false(page.has('.state'), 'no loading, empty or error state once loaded');
  page.detach();
});

test.serial('the flash-sale entry counts down to the demo sale’s start, and to its end once it runs', async (t) => {
  const page = await openHome();
  await waitFor('the flash sale', () => page.data.flashSale);
  const sale = (await mp.shop.db.collection('flash_sales').doc('fs-earphone-199').get()).data[0];
  const entry = text(page.find('.entry--flash'));
  t.true(entry.includes(sale.title), entry);
  t.true(entry.includes(`${formatFen(sale.price)}`), entry);
  const countdown = page.find('.flash__countdown');
  t.is(countdown.data.label, '距开始');
  t.is(Date.parse(countdown.data.target), new Date(sale.startAt).getTime());
  // The sale starts in an hour: 00:59:5x.
  t.regex(text(countdown), /^距开始00:59:5\d$/);
  page.detach();

  // The merchant's sale has started (an hour ago) and ends in ten minutes.
  const now = Date.now();
  await mp.shop.db
    .collection('flash_sales')
    .doc('fs-earphone-199')
    .update({ startAt: new Date(now - 3_600_000), endAt: new Date(now + 600_000) });
  const running = await openHome();
  await waitFor('the running flash sale', () => running.data.flashSale?.label === '距结束');
  t.regex(text(running.find('.flash__countdown')), /^距结束00:(09:5\d|10:00)$/);
  running.detach();
});

test.serial(
  'the group-buy and coupon entries show what product.home answers: the lowest tier price and the coupons to claim',
  async (t) => {
    const page = await openHome();
    const home = dataOf(await mp.shop.call<HomeData>('product', 'home'));
    const [group] = home.groupBuys;
    if (!group) return void t.fail('the demo shop has a group-buy');
    const entry = text(page.find('.entry--group'));
    t.true(entry.includes(`${group.targetSize}人团`), entry);
    t.true(entry.includes(formatFen(group.lowestPrice)), entry);
    t.true(home.claimableCoupons > 0);
    t.true(text(page.find('.entry--coupon')).includes(`${home.claimableCoupons} 种优惠券可领`));
    page.detach();
  },
);

test.serial('taps open the product, the banner’s link, a category’s products, and the promotion pages', async (t) => {
  const page = await openHome();
  await waitFor('the flash sale', () => page.data.flashSale);
  const [first] = await bestSellers(1);

  await tap(page.find('.products__item >>> .card'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/product/detail/index?spuId=${first!._id}` });

  const banner = page.find('.banner');
  await tap(banner);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: banner.dom!.getAttribute('data-link')! });

  await tap(page.find('.category'));
  t.deepEqual(mp.lastNavigation(), {
    method: 'navigateTo',
    url: `/pages/product/list/index?categoryId=c-apparel&title=${encodeURIComponent('服饰')}`,
  });
  await tap(page.find('.category--all'));
  t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/category/index' });

  await tap(page.find('.entry--flash'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/promo/flashsale/index?flashSaleId=fs-earphone-199' });
  await tap(page.find('.entry--group'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/promo/groupbuy/index' });
  await tap(page.find('.entry--coupon'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/coupon/center/index' });
  await tap(page.find('.search'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/search/index' });
  page.detach();
});

test.serial(
  'scrolling to the bottom loads the rest of the catalog, page by page, each product once, until 没有更多了',
  async (t) => {
    // 25 more products than the demo's 12, so the grid goes on for several pages of product.list.
    const extra = extraProducts(25, { idPrefix: 'spu-extra', title: '加购商品', categoryId: 'c-cup' });
    await mp.withProducts(extra, async () => {
      const page = await openHome();
      const onShelf = (await mp.shop.db.collection('spus').where({ status: 'on_shelf' }).count()).total;
      t.is(onShelf, 37);

      const listCalls = mp.callsOf('product', 'list').length;
      page.reachBottom();
      page.reachBottom(); // a second scroll while the first is loading asks nothing more
      t.is(page.data.more, 'loading');
      t.is(text(page.find('.more')), '加载中…');
      await waitFor('the next products', () => page.data.more !== 'loading');
      t.is(page.data.products.length, 20, 'a page of products the first screen did not show');
      // The first list page repeats the recommended products: it was read, and the next one too.
      t.is(mp.callsOf('product', 'list').length - listCalls, 2);

      let scrolls = 1;
      while (page.data.more !== 'done' && scrolls < 10) {
        page.reachBottom();
        scrolls++;
        await waitFor('a page of products', () => page.data.more !== 'loading');
      }
      t.is(page.data.more, 'done');
      t.is(scrolls, 3);
      const shown = page.findAll('.products__item >>> .card__title').map(text);
      t.is(shown.length, onShelf);
      t.is(new Set(page.data.products.map((p: { spuId: string }) => p.spuId)).size, onShelf, 'no product twice');
      t.deepEqual(
        shown,
        (await bestSellers(100)).map((p) => p.title),
        'best sellers first, as product.list orders them',
      );
      t.is(text(page.find('.more')), '没有更多了');

      // At the end, another scroll asks nothing.
      const calls = mp.calls.length;
      page.reachBottom();
      await new Promise((resolve) => setTimeout(resolve, 50));
      t.is(mp.calls.length, calls);
      page.detach();
    });
  },
);

// A product document written half-way (no images: the catalog's card cannot be drawn) makes the catalog routes fail
// for real, with the route's Chinese message; removing it mends them.
const broken = (sales: number) => ({
  _id: 'spu-broken',
  title: '坏数据',
  status: 'on_shelf',
  categoryId: 'c-tshirt',
  minPrice: 100,
  maxPrice: 100,
  sales,
  createdAt: new Date(),
});

test.serial('an error answer shows the route’s message and a retry that loads the page once mended', async (t) => {
  await mp.shop.db.collection('spus').add(broken(1_000_000));
  try {
    const refusal = await mp.shop.call<HomeData>('product', 'home');
    t.false(refusal.ok);
    const message = refusal.ok ? '' : refusal.message;

    const page = await openHome();
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${message}重新加载`);
    t.is(message, '系统繁忙，请稍后再试');
    t.false(page.has('.products__item'));

    await mp.shop.db.collection('spus').doc('spu-broken').remove();
    const calls = mp.callsOf('product', 'home').length;
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the page after retrying', () => page.data.status !== 'loading' && page.data.status !== 'error');
    t.is(mp.callsOf('product', 'home').length, calls + 1);
    t.is(page.findAll('.products__item').length, dataOf(await mp.shop.call<HomeData>('product', 'home')).recommended.length);
    t.false(page.has('.state--error'));
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-broken').remove();
  }
});

test.serial('a page of more products that fails says so and loads on a tap once mended', async (t) => {
  // The least sold product: past the first screen, so only scrolling reaches it.
  await mp.shop.db.collection('spus').add(broken(0));
  try {
    const page = await openHome();
    t.is(page.data.status, 'ready');
    for (let i = 0; i < 10 && page.data.more !== 'error' && page.data.more !== 'done'; i++) {
      page.reachBottom();
      await waitFor('a page of products', () => page.data.more !== 'loading');
    }
    t.is(page.data.more, 'error');
    const shownBefore = page.data.products.length;
    t.is(text(page.find('.more')), '系统繁忙，请稍后再试，点击重试');

    await mp.shop.db.collection('spus').doc('spu-broken').remove();
    await tap(page.find('.more__error'));
    await waitFor('the retried page', () => page.data.more !== 'loading' && page.data.more !== 'error');
    t.true(page.data.products.length > shownBefore);
    page.detach();
  } finally {
    await mp.shop.db.collection('spus').doc('spu-broken').remove();
  }
});

test.serial('pulling down shows what changed meanwhile and keeps the page on screen while it loads', async (t) => {
  const page = await openHome();
  const slides = page.findAll('.banner').length;
  await mp.shop.db.collection('banners').add({
    _id: 'banner-new',
    title: '新品上市',
    image: 'cloud://local-env.local-env-1250000000/products/spu-002.svg',
    link: '/pages/product/detail/index?spuId=spu-002',
    sort: 99,
    active: true,
  });
  try {
    const refreshing = page.pullDownRefresh();
    t.is(page.data.status, 'ready', 'the page stays while it refreshes');
    await refreshing;
    t.is(page.findAll('.banner').length, slides + 1);
    t.is(page.findAll('.banner').at(-1)!.dom!.getAttribute('data-link'), '/pages/product/detail/index?spuId=spu-002');
    page.detach();
  } finally {
    await mp.shop.db.collection('banners').doc('banner-new').remove();
  }
});

test.serial('page views reach the track function when the page hides, counted for the shopper’s day', async (t) => {
  mp.signInAs('o-home-visitor');
  try {
    const page = await openHome();
    page.hide();
    await waitFor('the visit to be counted', async () => {
      const { data } = await mp.shop.db.collection('visits').where({ openid: 'o-home-visitor' }).get();
      return data.length === 1;
    });
    t.is(mp.appModule<{ pendingEvents(): number }>('services/tracker.js').pendingEvents(), 0);
    const [batch] = mp.callsOf('track', 'events').slice(-1);
    t.deepEqual(batch!.params.events, [{ type: 'page_view', page: 'pages/home/index' }]);
    page.detach();
  } finally {
    mp.signInAs('o-mp-shopper');
  }
});

test.serial('sharing the home page shares its path and is tracked', async (t) => {
  const page = await openHome();
  const share = page.share();
  t.is(share.path, '/pages/home/index');
  t.truthy(share.title);
  page.detach();
  await mp.appModule<{ flushEvents(): Promise<void> }>('services/tracker.js').flushEvents();
  const sent = mp.callsOf('track', 'events').flatMap((c) => c.params.events as Array<{ type: string }>);
  t.true(sent.some((e) => e.type === 'share'));
});

test.serial('opened from an invitation, the home page binds the shopper to the friend who shared it', async (t) => {
  const sharer = 'o-mp-home-sharer';
  const friend = 'o-mp-home-friend';
  const { inviteCode, path } = dataOf(await mp.shop.call<ShareData>('member', 'referral.share', {}, sharer));
  t.true(path.startsWith('/pages/home/index?'), path);
  mp.signInAs(friend);
  try {
    const page = await openHome({ inviteCode });
    await waitFor(
      'the binding',
      async () =>
        ((await mp.shop.db.collection('users').doc(friend).get()).data[0] as { inviterOpenid?: string } | undefined)
          ?.inviterOpenid,
    );
    t.is(((await mp.shop.db.collection('users').doc(friend).get()).data[0] as { inviterOpenid: string }).inviterOpenid, sharer);
    page.detach();
  } finally {
    mp.signInAs('o-mp-shopper');
  }
});

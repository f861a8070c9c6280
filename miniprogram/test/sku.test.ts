import test from 'ava';
import { createRequire } from 'node:module';
import path from 'node:path';
import { buildTestApp } from '../../testkit/miniprogram.js';
import type { FlashSaleView } from '../../typings/flashsale.js';
import type { ActivityDetail, GroupTier } from '../../typings/groupbuy.js';
import type { ListSort, SpecDimension } from '../../typings/product.js';
import type { ReviewSummary } from '../../typings/review.js';

// The SKU picker's logic and the browsing pages' other pure helpers, on their own: the modules as the app is built
// (they are written for WeChat, so the tests load the built ones and describe what they use of them).

interface PickableSku {
  skuId: string;
  specValues: Record<string, string>;
  price: number;
  stock: number;
  image: string;
}
type Choice = Record<string, string>;
type Options = Array<{ name: string; values: Array<{ value: string; selected: boolean; disabled: boolean }> }>;
type Specs = SpecDimension[];

interface SkuModule {
  isAvailable(skus: PickableSku[], choice: Choice, dim: string, value: string): boolean;
  optionsOf(specs: Specs, skus: PickableSku[], choice: Choice): Options;
  choose(specs: Specs, skus: PickableSku[], choice: Choice, dim: string, value: string): Choice;
  retain(specs: Specs, skus: PickableSku[], choice: Choice, keep?: string): Choice;
  missingDimensions(specs: Specs, choice: Choice): string[];
  chosenSku(specs: Specs, skus: PickableSku[], choice: Choice): PickableSku | undefined;
  initialChoice(specs: Specs, skus: PickableSku[], preferred?: string): Choice;
  specText(specs: Specs, specValues: Record<string, string>): string;
  priceSpan(skus: PickableSku[]): { min: number; max: number };
  quantityLimit(stock: number, cap?: number): number;
  clampQuantity(quantity: number, limit: number): number;
}
interface SortModule {
  nextSort(current: ListSort, tab: 'default' | 'sales' | 'price' | 'new'): ListSort;
  tabOf(sort: ListSort): string;
}
interface HistoryModule {
  MAX_SEARCH_HISTORY: number;
  normalizeKeyword(raw: string): string;
  withKeyword(history: string[], keyword: string): string[];
}
interface PromotionModule {
  flashView(sale: FlashSaleView): Record<string, unknown>;
  groupBuyView(activity: ActivityDetail): { tiers: Array<{ text: string }>; openPrice: number; lowestPrice: number };
  openGroupViews(detail: ActivityDetail): Array<{ groupId: string; joinPrice: number }>;
  tierPrice(tiers: GroupTier[], members: number): number;
}
interface ReviewsModule {
  filterParams(filter: string): Record<string, unknown>;
  filterCount(summary: ReviewSummary, filter: string): number;
  starsOf(rating: number): string;
  dayOf(iso: string): string;
}

let app: Awaited<ReturnType<typeof buildTestApp>>;
let sku: SkuModule;
let sorts: SortModule;
let searchHistory: HistoryModule;
let promotions: PromotionModule;
let reviews: ReviewsModule;

test.before(async () => {
  app = await buildTestApp();
  const load = createRequire(import.meta.url);
  const of = <T>(file: string) => load(path.join(app.rootPath, file)) as T;
  sku = of<SkuModule>('utils/sku.js');
  sorts = of<SortModule>('utils/product-sort.js');
  searchHistory = of<HistoryModule>('utils/search-history.js');
  promotions = of<PromotionModule>('utils/promotion-view.js');
  reviews = of<ReviewsModule>('services/reviews.js');
});

test.after.always(() => app?.remove());

const specs: SpecDimension[] = [
  { name: '颜色', values: ['白色', '黑色', '蓝色'] },
  { name: '尺码', values: ['S', 'M', 'L'] },
];

/** Every combination, with the stock given per `颜色/尺码` (0 when not listed); 蓝色/L does not exist at all. */
function matrix(stock: Record<string, number>): PickableSku[] {
  const skus: PickableSku[] = [];
  for (const color of specs[0]!.values)
    for (const size of specs[1]!.values) {
      if (color === '蓝色' && size === 'L') continue;
      skus.push({
        skuId: `${color}-${size}`,
        specValues: { 颜色: color, 尺码: size },
        price: 5900 + skus.length * 100,
        stock: stock[`${color}/${size}`] ?? 0,
        image: `img-${color}`,
      });
    }
  return skus;
}

const disabledOf = (skus: PickableSku[], choice: Record<string, string>) =>
  sku.optionsOf(specs, skus, choice).map(
    (d) =>
      `${d.name}:${d.values
        .filter((v) => v.disabled)
        .map((v) => v.value)
        .join(',')}`,
  );

test('with nothing chosen, only values without any SKU in stock are disabled', (t) => {
  const skus = matrix({ '白色/S': 3, '白色/M': 1, '黑色/M': 2 });
  t.deepEqual(disabledOf(skus, {}), ['颜色:蓝色', '尺码:L']);
});

test('a chosen value disables the other dimension’s values whose combination with it is out of stock', (t) => {
  const skus = matrix({ '白色/S': 3, '白色/M': 1, '黑色/M': 2, '蓝色/S': 5 });
  // 黑色 only has M; 白色 has S and M; 蓝色/L does not exist.
  t.deepEqual(disabledOf(skus, { 颜色: '黑色' }), ['颜色:', '尺码:S,L']);
  t.deepEqual(disabledOf(skus, { 颜色: '白色' }), ['颜色:', '尺码:L']);
  // Choosing S: colours are judged against S, S itself against nothing else.
  t.deepEqual(disabledOf(skus, { 尺码: 'S' }), ['颜色:黑色', '尺码:L']);
  t.true(sku.isAvailable(skus, { 尺码: 'M' }, '颜色', '黑色'));
  t.false(sku.isAvailable(skus, { 尺码: 'S' }, '颜色', '黑色'));
  const options = sku.optionsOf(specs, skus, { 颜色: '白色', 尺码: 'M' });
  t.deepEqual(
    options.map((d) => d.values.filter((v) => v.selected).map((v) => v.value)),
    [['白色'], ['M']],
  );
});

test('choose: a tap chooses, a second tap unchooses, a disabled value changes nothing, a broken pair is dropped', (t) => {
  const skus = matrix({ '白色/S': 3, '黑色/M': 2 });
  let choice = sku.choose(specs, skus, {}, '颜色', '白色');
  t.deepEqual(choice, { 颜色: '白色' });
  t.is(sku.choose(specs, skus, choice, '尺码', 'M'), choice, '白色/M has no stock: nothing changes');
  choice = sku.choose(specs, skus, choice, '尺码', 'S');
  t.deepEqual(choice, { 颜色: '白色', 尺码: 'S' });
  t.is(sku.chosenSku(specs, skus, choice)?.skuId, '白色-S');
  // M is disabled with 白色 chosen; with 白色 unchosen first, M can be chosen.
  choice = sku.choose(specs, skus, choice, '颜色', '白色');
  t.deepEqual(choice, { 尺码: 'S' });
  t.is(sku.chosenSku(specs, skus, choice), undefined);
  t.deepEqual(sku.missingDimensions(specs, choice), ['颜色']);
  // 黑色 with S has no stock: 黑色 is disabled while S is chosen.
  t.is(sku.choose(specs, skus, choice, '颜色', '黑色'), choice);
  choice = sku.choose(specs, skus, {}, '颜色', '黑色');
  t.deepEqual(sku.choose(specs, skus, choice, '尺码', 'M'), { 颜色: '黑色', 尺码: 'M' });
});

test('retain keeps what still leads to stock when the SKUs on offer change', (t) => {
  const all = matrix({ '白色/S': 3, '黑色/M': 2 });
  const onlyBlack = all.filter((s) => s.skuId === '黑色-M');
  t.deepEqual(sku.retain(specs, onlyBlack, { 颜色: '白色', 尺码: 'S' }), {});
  t.deepEqual(sku.retain(specs, onlyBlack, { 颜色: '黑色' }), { 颜色: '黑色' });
  t.deepEqual(sku.retain(specs, all, { 颜色: '白色', 尺码: 'M' }), { 颜色: '白色' }, '白色/M has no stock: M goes');
  t.deepEqual(sku.retain(specs, all, { 颜色: '紫色' }), {}, 'a value the specs no longer have');
});

test('initialChoice starts from a promotion’s SKU, and from single-valued dimensions', (t) => {
  const skus = matrix({ '白色/S': 3, '黑色/M': 2 });
  t.deepEqual(sku.initialChoice(specs, skus, '黑色-M'), { 颜色: '黑色', 尺码: 'M' });
  t.deepEqual(sku.initialChoice(specs, skus, '白色-M'), {}, 'a preferred SKU without stock is not chosen');
  const single: SpecDimension[] = [{ name: '规格', values: ['500g'] }];
  const one: PickableSku[] = [{ skuId: 'a', specValues: { 规格: '500g' }, price: 100, stock: 1, image: '' }];
  t.deepEqual(sku.initialChoice(single, one), { 规格: '500g' });
  t.deepEqual(sku.initialChoice(single, [{ ...one[0]!, stock: 0 }]), {});
  // A product without specs has its one SKU.
  t.is(sku.chosenSku([], one, {})?.skuId, 'a');
});

test('specText, priceSpan and the quantity limits', (t) => {
  t.is(sku.specText(specs, { 尺码: 'M', 颜色: '黑色' }), '黑色 / M');
  t.is(sku.specText(specs, { 颜色: '黑色', 套装: '礼盒' }), '黑色 / 礼盒');
  const skus = matrix({ '黑色/M': 2, '蓝色/S': 1 });
  const inStock = skus.filter((s) => s.stock > 0).map((s) => s.price);
  t.deepEqual(sku.priceSpan(skus), { min: Math.min(...inStock), max: Math.max(...inStock) });
  t.deepEqual(sku.priceSpan(matrix({})), { min: 5900, max: 5900 + 7 * 100 }, 'all sold out: every price');
  t.is(sku.quantityLimit(41), 41);
  t.is(sku.quantityLimit(41, 2), 2);
  t.is(sku.quantityLimit(1, 2), 1);
  t.is(sku.quantityLimit(0, 2), 0);
  t.is(sku.clampQuantity(5, 3), 3);
  t.is(sku.clampQuantity(0, 3), 1);
  t.is(sku.clampQuantity(Number.NaN, 3), 1);
  t.is(sku.clampQuantity(2.7, 3), 2);
  t.is(sku.clampQuantity(4, 0), 1);
});

test('the price tab goes up first, then turns over; the others sort as named', (t) => {
  t.is(sorts.nextSort('default', 'price'), 'price_asc');
  t.is(sorts.nextSort('price_asc', 'price'), 'price_desc');
  t.is(sorts.nextSort('price_desc', 'price'), 'price_asc');
  t.is(sorts.nextSort('price_desc', 'sales'), 'sales');
  t.is(sorts.nextSort('sales', 'new'), 'new');
  t.is(sorts.tabOf('price_desc'), 'price');
  t.is(sorts.tabOf('new'), 'new');
});

test('the search history: most recent first, each keyword once, at most ten', (t) => {
  t.is(searchHistory.normalizeKeyword('  降噪   耳机 '), '降噪 耳机');
  t.is(searchHistory.normalizeKeyword('a'.repeat(80)).length, 50);
  let history: string[] = [];
  for (const word of ['T恤', '耳机', 'T恤 ', '茶']) history = searchHistory.withKeyword(history, word);
  t.deepEqual(history, ['茶', 'T恤', '耳机']);
  t.deepEqual(searchHistory.withKeyword(history, '   '), history, 'blank: nothing remembered');
  for (let i = 0; i < 12; i++) history = searchHistory.withKeyword(history, `词${i}`);
  t.is(history.length, searchHistory.MAX_SEARCH_HISTORY);
  t.is(history[0], '词11');
  t.false(history.includes('茶'));
});

const sale: FlashSaleView = {
  flashSaleId: 'fs-1',
  title: '秒杀',
  image: '',
  spuId: 'spu-004',
  skuId: 'spu-004-01',
  specValues: { 颜色: '曜石黑' },
  price: 19900,
  normalPrice: 39900,
  stock: 20,
  remaining: 5,
  perUser: 2,
  startAt: '2026-12-01T10:00:00.000Z',
  endAt: '2026-12-01T11:00:00.000Z',
  state: 'running',
  bought: 1,
};

test('a flash sale as the detail page shows it: units left for the shopper, the limit, the countdown', (t) => {
  t.like(promotions.flashView(sale), {
    running: true,
    soldOut: false,
    left: 1,
    limitReached: false,
    label: '距结束',
    target: sale.endAt,
  });
  t.like(promotions.flashView({ ...sale, bought: 2 }), { running: true, left: 0, limitReached: true });
  t.like(promotions.flashView({ ...sale, state: 'sold_out', remaining: 0 }), { running: false, soldOut: true, left: 0 });
  t.like(promotions.flashView({ ...sale, state: 'upcoming' }), {
    upcoming: true,
    running: false,
    left: 0,
    label: '距开始',
    target: sale.startAt,
  });
});

test('group-buy tiers: the price a group of n members pays, and the join price of each open group', (t) => {
  const tiers = [
    { minMembers: 3, price: 4900 },
    { minMembers: 2, price: 5900 },
  ];
  t.is(promotions.tierPrice(tiers, 1), 5900, 'below the first tier: the first tier’s price');
  t.is(promotions.tierPrice(tiers, 2), 5900);
  t.is(promotions.tierPrice(tiers, 3), 4900);
  t.is(promotions.tierPrice(tiers, 9), 4900);
  const detail: ActivityDetail = {
    activityId: 'gb',
    title: '拼团',
    image: '',
    spuId: 'spu-007',
    skus: [],
    tiers,
    targetSize: 3,
    timeLimitMinutes: 60,
    maxQuantity: 2,
    startAt: '2026-12-01T00:00:00.000Z',
    endAt: '2026-12-31T00:00:00.000Z',
    state: 'running',
    openGroups: [
      {
        groupId: 'g1',
        leader: { displayName: '小明', avatarUrl: null, leader: true, paid: true },
        joined: 1,
        seatsLeft: 2,
        expiresAt: '2026-12-02T00:00:00.000Z',
      },
      {
        groupId: 'g2',
        leader: { displayName: '小红', avatarUrl: null, leader: true, paid: true },
        joined: 2,
        seatsLeft: 1,
        expiresAt: '2026-12-02T00:00:00.000Z',
      },
    ],
  };
  const view = promotions.groupBuyView(detail);
  t.deepEqual(
    view.tiers.map((x) => x.text),
    ['2人团 ¥59.00', '3人团 ¥49.00'],
  );
  t.is(view.openPrice, 5900);
  t.is(view.lowestPrice, 4900);
  t.deepEqual(
    promotions.openGroupViews(detail).map((g) => [g.groupId, g.joinPrice]),
    [
      ['g1', 5900],
      ['g2', 4900],
    ],
  );
});

test('reviews: the filters’ parameters and counts, stars and the Beijing day', (t) => {
  t.deepEqual(reviews.filterParams('all'), {});
  t.deepEqual(reviews.filterParams('photos'), { withPhotos: true });
  t.deepEqual(reviews.filterParams('bad'), { band: 'bad' });
  const summary = { count: 5, withPhotos: 2, bands: { good: 3, medium: 1, bad: 1 } } as ReviewSummary;
  t.is(reviews.filterCount(summary, 'all'), 5);
  t.is(reviews.filterCount(summary, 'photos'), 2);
  t.is(reviews.filterCount(summary, 'medium'), 1);
  t.is(reviews.starsOf(4), '★★★★☆');
  t.is(reviews.starsOf(5), '★★★★★');
  t.is(reviews.dayOf('2026-12-01T17:30:00.000Z'), '2026-12-02', 'past 16:00 UTC it is the next day in Beijing');
  t.is(reviews.dayOf('garbage'), '');
});

import test from 'ava';
import { fenParts, formatFen } from '../utils/money.js';
import { PAGES, pageUrl } from '../utils/pages.js';
import { remaining } from '../utils/time.js';

test('formatFen shows integer fen as yuan with two decimals', (t) => {
  const cases: Array<[number, string]> = [
    [0, '¥0.00'],
    [1, '¥0.01'],
    [99, '¥0.99'],
    [100, '¥1.00'],
    [6400, '¥64.00'],
    [12345, '¥123.45'],
    [100000000, '¥1000000.00'],
    [-500, '-¥5.00'],
  ];
  for (const [fen, shown] of cases) t.is(formatFen(fen), shown, String(fen));
  t.deepEqual(fenParts(1905), { sign: '', yuan: '19', cents: '05' });
});

test('remaining splits the time left into what a countdown shows, rounding up to the second', (t) => {
  t.deepEqual(remaining(0), { done: true, days: 0, hours: '00', minutes: '00', seconds: '00' });
  t.deepEqual(remaining(-5000), { done: true, days: 0, hours: '00', minutes: '00', seconds: '00' });
  t.deepEqual(remaining(1), { done: false, days: 0, hours: '00', minutes: '00', seconds: '01' });
  t.deepEqual(remaining(3_599_000), { done: false, days: 0, hours: '00', minutes: '59', seconds: '59' });
  t.deepEqual(remaining(26 * 3_600_000 + 61_000), { done: false, days: 1, hours: '02', minutes: '01', seconds: '01' });
});

test('pageUrl encodes the query and leaves out empty values', (t) => {
  t.is(pageUrl(PAGES.productDetail, { spuId: 'spu-001' }), '/pages/product/detail/index?spuId=spu-001');
  t.is(
    pageUrl(PAGES.productList, { categoryId: 'c-tea', title: '茶饮 & 咖啡' }),
    '/pages/product/list/index?categoryId=c-tea&title=%E8%8C%B6%E9%A5%AE%20%26%20%E5%92%96%E5%95%A1',
  );
  t.is(pageUrl(PAGES.flashSale, { flashSaleId: undefined }), '/pages/promo/flashsale/index');
});

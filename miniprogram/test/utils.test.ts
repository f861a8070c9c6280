import test from 'ava';
import {
  CHECKOUT_ATTEMPT,
  checkoutKeyParams,
  FLASH_SALE_ATTEMPT,
  IdempotentAttempt,
  type KeyStore,
  newIdempotencyKey,
  outcomeUnknown,
  signatureOf,
} from '../utils/idempotent-attempt.js';
import { fenParts, formatFen } from '../utils/money.js';
import { PAGES, pageUrl } from '../utils/pages.js';
import { appendedRows, canLoadMore, pagePatch } from '../utils/paging.js';
import { remaining } from '../utils/time.js';

/** A KeyStore in memory, read as wx.getStorageSync reads (an empty string for nothing). */
function memoryStore(): KeyStore & { map: Map<string, unknown> } {
  const map = new Map<string, unknown>();
  return { map, get: (k) => map.get(k) ?? '', set: (k, v) => void map.set(k, v), remove: (k) => void map.delete(k) };
}

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

test('paged lists send only the new rows after the first page, and ask for more only when they may', (t) => {
  t.deepEqual(appendedRows('rows', 2, ['c', 'd']), { 'rows[2]': 'c', 'rows[3]': 'd' });
  t.deepEqual(pagePatch('rows', 0, { rows: ['a'], nextCursor: 'x' }, true), {
    rows: ['a'],
    cursor: 'x',
    more: 'idle',
    moreError: '',
  });
  t.deepEqual(pagePatch('rows', 1, { rows: ['b'] }, false), { 'rows[1]': 'b', cursor: '', more: 'done', moreError: '' });
  t.true(canLoadMore('ready', 'idle'));
  t.true(canLoadMore('ready', 'error'), 'a failed page is asked for again');
  t.false(canLoadMore('ready', 'loading'));
  t.false(canLoadMore('ready', 'done'));
  t.false(canLoadMore('loading', 'idle'));
  t.false(canLoadMore('error', 'idle'));
});

test('idempotency keys fit the routes’ pattern, differ, and say which submit made them', (t) => {
  const key = newIdempotencyKey('co', Date.UTC(2026, 11, 5));
  t.regex(key, /^co-[a-z0-9]+-[a-z0-9]{16}$/);
  t.true(key.length >= 8 && key.length <= 64);
  t.not(newIdempotencyKey('fs'), newIdempotencyKey('fs'));
  t.is(
    newIdempotencyKey('co', 0, () => 0),
    'co-0-aaaaaaaaaaaaaaaa',
  );
  t.is(signatureOf({ b: 2, a: 'x' }), 'a=x&b=2');
  const lines = [
    { skuId: 'b', quantity: 1 },
    { skuId: 'a', quantity: 2 },
  ];
  t.deepEqual(checkoutKeyParams(lines), checkoutKeyParams([...lines].reverse()), 'a checkout’s lines in any order');
});

test('an attempt keeps its key for the same parameters until its outcome is known, or it is too old', (t) => {
  const store = memoryStore();
  const attempt = new IdempotentAttempt(store, CHECKOUT_ATTEMPT);
  const lines = checkoutKeyParams([{ skuId: 'a', quantity: 2 }]);
  const first = attempt.keyFor(lines, 1000);
  t.regex(first.key, /^co-/);
  t.deepEqual(store.map.get(CHECKOUT_ATTEMPT.slot), first);
  t.is(attempt.keyFor(lines, 2000).key, first.key, 'a retry sends the same key');
  t.true(attempt.markUncertain(first).uncertain);
  t.true(attempt.keyFor(lines, 3000).uncertain, 'what the lost attempt left is remembered');

  t.not(attempt.keyFor(checkoutKeyParams([{ skuId: 'a', quantity: 3 }]), 4000).key, first.key, 'other lines: another key');
  const again = attempt.keyFor(lines, 5000);
  t.not(again.key, first.key);
  t.not(attempt.keyFor(lines, 5000 + CHECKOUT_ATTEMPT.lifetimeMs!).key, again.key, 'too old: nothing left to protect');
  attempt.settle();
  t.false(store.map.has(CHECKOUT_ATTEMPT.slot));
  store.map.set(CHECKOUT_ATTEMPT.slot, { key: 42 });
  t.regex(attempt.keyFor(lines).key, /^co-/, 'something else in the slot is replaced');

  // Without a lifetime (a flash-sale buy), the key lives as long as its store.
  const buy = new IdempotentAttempt(memoryStore(), FLASH_SALE_ATTEMPT);
  const pending = buy.keyFor({ flashSaleId: 'fs-1', quantity: 1, addressId: 'a1' }, 0);
  t.is(buy.keyFor({ addressId: 'a1', quantity: 1, flashSaleId: 'fs-1' }, 1e12).key, pending.key);
  t.not(buy.keyFor({ flashSaleId: 'fs-1', quantity: 1, addressId: 'a2' }).key, pending.key, 'another address: another key');
});

test('send: an answer or a refusal settles the attempt, a failure on the way keeps its key for the retry', async (t) => {
  const store = memoryStore();
  const attempt = new IdempotentAttempt(store, FLASH_SALE_ATTEMPT);
  const params = { flashSaleId: 'fs-1', quantity: 1, addressId: 'a1' };
  const keys: string[] = [];
  const failWith = (code: string) => async (key: string) => {
    keys.push(key);
    throw Object.assign(new Error(code), { code });
  };
  await t.throwsAsync(() => attempt.send(params, failWith('NETWORK')));
  await t.throwsAsync(() => attempt.send(params, failWith('INTERNAL')));
  t.is(keys[1], keys[0], 'the retry sent the same key');
  t.is(
    await attempt.send(params, async (key) => {
      keys.push(key);
      return 'order-1';
    }),
    'order-1',
  );
  t.is(keys[2], keys[0]);
  t.false(store.map.has(FLASH_SALE_ATTEMPT.slot), 'answered: settled');

  await t.throwsAsync(() => attempt.send(params, failWith('OUT_OF_STOCK')));
  t.false(store.map.has(FLASH_SALE_ATTEMPT.slot), 'refused: settled');
  t.true(outcomeUnknown({ code: 'NETWORK' }));
  t.true(outcomeUnknown({ code: 'INTERNAL' }));
  for (const code of ['OUT_OF_STOCK', 'INVALID_STATE', 'CONFLICT', 'VALIDATION', 'NOT_FOUND'])
    t.false(outcomeUnknown({ code }), code);
  t.false(outcomeUnknown(null));
});

import test from 'ava';
import { quintileScores, rfmOf, rfmOverview, segmentOf } from './rfm.js';

test('quintile scores: 1 + ⌊5 × worse ÷ n⌋, ties share a score, fewer days is better for R', (t) => {
  t.deepEqual(quintileScores([10, 20, 30, 40, 50], true), [1, 2, 3, 4, 5]);
  t.deepEqual(quintileScores([10, 20, 30, 40, 50], false), [5, 4, 3, 2, 1]);
  t.deepEqual(quintileScores([1, 1, 1, 2], true), [1, 1, 1, 4]);
  t.deepEqual(quintileScores([7], true), [1]);
  t.deepEqual(
    quintileScores(
      Array.from({ length: 10 }, (_v, i) => i),
      true,
    ),
    [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
  );
});

test('the eight segments by R, F, M high or low', (t) => {
  t.is(segmentOf(true, true, true), '重要价值客户');
  t.is(segmentOf(true, false, true), '重要发展客户');
  t.is(segmentOf(false, true, true), '重要保持客户');
  t.is(segmentOf(false, false, true), '重要挽留客户');
  t.is(segmentOf(true, true, false), '一般价值客户');
  t.is(segmentOf(true, false, false), '一般发展客户');
  t.is(segmentOf(false, true, false), '一般保持客户');
  t.is(segmentOf(false, false, false), '一般挽留客户');
});

test('R in Beijing days since the last paid order, F and M over the last 365 days', (t) => {
  const now = new Date('2026-12-05T04:00:00Z');
  const paid = (openid: string, iso: string, payable: number) => ({ openid, paidAt: new Date(iso), payable });
  const customers = rfmOf(
    [
      paid('a', '2026-12-04T17:00:00Z', 1000), // Beijing 12-05: today
      paid('a', '2026-11-01T00:00:00Z', 2000),
      paid('b', '2025-12-01T00:00:00Z', 5000), // over 365 days ago
      paid('c', '2026-12-04T15:00:00Z', 100), // Beijing 12-04 23:00
      paid('c', '2026-06-01T00:00:00Z', 100),
      paid('c', '2026-07-01T00:00:00Z', 100),
    ],
    now,
  );
  t.deepEqual(
    customers.map((c) => [c.openid, c.recencyDays, c.frequency, c.monetary]),
    [
      ['a', 0, 2, 3000],
      ['b', 369, 0, 0],
      ['c', 1, 3, 300],
    ],
  );
  t.deepEqual(
    customers.map((c) => [c.r, c.f, c.m]),
    [
      [4, 2, 4],
      [1, 1, 1],
      [2, 4, 2],
    ],
  );
  t.deepEqual(
    customers.map((c) => c.segment),
    ['重要发展客户', '一般挽留客户', '一般保持客户'],
  );
  const overview = rfmOverview(customers);
  t.is(overview.customers, 3);
  t.is(
    overview.segments.reduce((n, s) => n + s.customers, 0),
    3,
  );
  t.deepEqual(overview.averages, { r: 2.33, f: 2.33, m: 2.33 });
  t.deepEqual(rfmOverview([]).averages, { r: 0, f: 0, m: 0 });
});

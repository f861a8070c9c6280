import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ms, summarize } from '../../emulator/index.js';
import { dataOf } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';
import { saveBenchAddress, startBenchShop } from './shop-client.js';

/**
 * npm run bench:routes [-- --calls 20 --concurrent-calls 100 --latency 8]
 * What a shopper feels of each route, on the demo shop with three weeks of history, through the gateway as the
 * mini-program calls it: database round trips in all and on the critical path (the longest chain of sequential ones,
 * counted by the emulator per invocation), and p50/p95 latency at 0 ms and at `--latency` ms per function-to-service
 * round trip (the emulator's simulated network), for 1 shopper at a time and for 50 at once. Then the cold start:
 * requiring each built function against requiring wx-server-sdk alone.
 *
 * Goals at 8 ms: product.home ≤ 2 sequential round trips and p50 ≤ 40 ms; every read route ≤ 3; order.create ≤ 5 and
 * p50 ≤ 80 ms; no route's round trips grow with its lines (the cart and checkout rows are measured at 1 and 10 lines).
 */
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const CALLS = Number(args.get('--calls') ?? 20);
const CONCURRENT_CALLS = Number(args.get('--concurrent-calls') ?? 100);
const LATENCY = Number(args.get('--latency') ?? 8);
const SHOPPERS = 50;
const COLD_RUNS = Number(args.get('--cold-runs') ?? 7);

/** SKUs with stock enough for every order the run places. */
const SKUS = [
  'spu-001-01',
  'spu-002-01',
  'spu-003-01',
  'spu-006-01',
  'spu-007-01',
  'spu-008-01',
  'spu-009-01',
  'spu-010-01',
  'spu-011-01',
  'spu-012-01',
];
const linesOf = (n: number) => SKUS.slice(0, n).map((skuId) => ({ skuId, quantity: 1 }));

const started = performance.now();
const shop = await startBenchShop({ history: true });
const openids = Array.from({ length: SHOPPERS }, (_v, i) => `o-routes-${i}`);
let keySeq = 0;
const key = () => `routes-${++keySeq}-${Date.now()}`;

// ---- the scene: stock, each shopper's address and a cart of 3 lines ----
for (const skuId of SKUS) await shop.db.collection('skus').doc(skuId).update({ stock: 1_000_000 });
const addressIds = await Promise.all(openids.map((openid) => saveBenchAddress(shop, openid)));
for (const openid of openids) for (const line of linesOf(3)) dataOf((await shop.call('cart', 'add', line, openid)).answer);

interface RouteCase {
  label: string;
  fn: string;
  route: string;
  kind: 'read' | 'write';
  /** Parameters of call `i` by shopper `s`; `prepared` is what `prepare` made for this call. */
  params: (s: number, i: number, prepared?: string) => Record<string, unknown>;
  /** Made before a measured batch, one per call, at 0 ms (e.g. the unpaid orders pay.create pays). */
  prepare?: (s: number) => Promise<string>;
}

const createOrder = async (s: number) =>
  dataOf(
    (
      await shop.call<OrderView>(
        'order',
        'create',
        { lines: linesOf(1), addressId: addressIds[s]!, idempotencyKey: key(), couponId: null },
        openids[s]!,
      )
    ).answer,
  ).orderId;

const CASES: RouteCase[] = [
  { label: 'home', fn: 'product', route: 'home', kind: 'read', params: () => ({}) },
  { label: 'list', fn: 'product', route: 'list', kind: 'read', params: () => ({ sort: 'sales' }) },
  { label: 'category list', fn: 'product', route: 'list', kind: 'read', params: () => ({ categoryId: 'c-apparel' }) },
  { label: 'detail', fn: 'product', route: 'detail', kind: 'read', params: (_s, i) => ({ spuId: `spu-00${1 + (i % 9)}` }) },
  { label: 'cart (3 lines)', fn: 'cart', route: 'list', kind: 'read', params: () => ({}) },
  {
    label: 'preview (1 line)',
    fn: 'order',
    route: 'preview',
    kind: 'read',
    params: (s) => ({ lines: linesOf(1), addressId: addressIds[s] }),
  },
  {
    label: 'preview (10 lines)',
    fn: 'order',
    route: 'preview',
    kind: 'read',
    params: (s) => ({ lines: linesOf(10), addressId: addressIds[s] }),
  },
  {
    label: 'create (1 line)',
    fn: 'order',
    route: 'create',
    kind: 'write',
    params: (s) => ({ lines: linesOf(1), addressId: addressIds[s], idempotencyKey: key() }),
  },
  {
    label: 'create (10 lines)',
    fn: 'order',
    route: 'create',
    kind: 'write',
    params: (s) => ({ lines: linesOf(10), addressId: addressIds[s], idempotencyKey: key() }),
  },
  { label: 'pay', fn: 'pay', route: 'create', kind: 'write', params: (_s, _i, orderId) => ({ orderId }), prepare: createOrder },
  { label: 'order list', fn: 'order', route: 'list', kind: 'read', params: () => ({}) },
  { label: 'coupons claimable', fn: 'coupon', route: 'claimable', kind: 'read', params: () => ({}) },
  { label: 'coupons for cart', fn: 'coupon', route: 'forCart', kind: 'read', params: () => ({ lines: linesOf(3) }) },
  { label: 'member', fn: 'member', route: 'summary', kind: 'read', params: () => ({}) },
  { label: 'check-in calendar', fn: 'member', route: 'checkin.calendar', kind: 'read', params: () => ({}) },
  { label: 'flash sales', fn: 'flashsale', route: 'list', kind: 'read', params: () => ({}) },
  { label: 'group-buy activity', fn: 'groupbuy', route: 'activity', kind: 'read', params: () => ({ activityId: 'gb-nuts' }) },
];

interface Measured {
  p50: number;
  p95: number;
  refused: number;
  calls: number[];
  chain: number[];
}

/** `count` calls, `concurrency` in flight at once, each by the next shopper in turn. */
async function measure(c: RouteCase, count: number, concurrency: number, latency: number): Promise<Measured> {
  await shop.setLatency(0);
  const prepared = c.prepare ? await Promise.all(Array.from({ length: count }, (_v, i) => c.prepare!(i % SHOPPERS))) : [];
  await shop.setLatency(latency);
  const times: number[] = [];
  const ids: string[] = [];
  let refused = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const s = i % SHOPPERS;
        const t0 = performance.now();
        const { answer, requestID } = await shop.call(c.fn, c.route, c.params(s, i, prepared[i]), openids[s]!);
        times.push(performance.now() - t0);
        ids.push(requestID);
        if (!answer.ok) refused++;
      }
    }),
  );
  const invocations = await Promise.all(ids.slice(0, 20).map((id) => shop.invocation(id)));
  const stats = summarize(times);
  return {
    p50: stats.p50,
    p95: stats.p95,
    refused,
    calls: invocations.map((i) => i.databaseCalls),
    chain: invocations.map((i) => i.databaseChain),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const range = (xs: number[]) => (Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}–${Math.max(...xs)}`);

// Every function's instances started before measuring: a cold start is measured apart, below.
for (const fn of ['product', 'cart', 'order', 'pay', 'coupon', 'member', 'flashsale', 'groupbuy'])
  await shop.warm(fn, fn === 'product' ? 'home' : fn === 'order' ? 'list' : 'nothing.here', {});

const rows: string[][] = [];
const misses: string[] = [];
for (const c of CASES) {
  const one0 = await measure(c, CALLS, 1, 0);
  const one8 = await measure(c, CALLS, 1, LATENCY);
  const many0 = await measure(c, CONCURRENT_CALLS, SHOPPERS, 0);
  const many8 = await measure(c, CONCURRENT_CALLS, SHOPPERS, LATENCY);
  const chain = median(one8.chain);
  const refused = one0.refused + one8.refused + many0.refused + many8.refused;
  rows.push([
    `${c.fn}.${c.route}`,
    c.label,
    range(one8.calls),
    range(one8.chain),
    `${ms(one0.p50)} / ${ms(one0.p95)}`,
    `${ms(one8.p50)} / ${ms(one8.p95)}`,
    `${ms(many0.p50)} / ${ms(many0.p95)}`,
    `${ms(many8.p50)} / ${ms(many8.p95)}`,
    refused ? String(refused) : '',
  ]);
  const goal =
    c.fn === 'product' && c.route === 'home'
      ? { chain: 2, p50: 40 }
      : c.fn === 'order' && c.route === 'create'
        ? { chain: 5, p50: 80 }
        : c.kind === 'read'
          ? { chain: 3 }
          : undefined;
  if (goal && chain > goal.chain) misses.push(`${c.label}: ${chain} sequential round trips (goal ≤ ${goal.chain})`);
  if (goal?.p50 && one8.p50 > goal.p50) misses.push(`${c.label}: p50 ${ms(one8.p50)} at ${LATENCY} ms (goal ≤ ${goal.p50} ms)`);
}
await shop.close();

const header = [
  'route',
  'case',
  'db round trips',
  'sequential',
  `1 shopper, 0 ms: p50 / p95`,
  `1 shopper, ${LATENCY} ms`,
  `${SHOPPERS} at once, 0 ms`,
  `${SHOPPERS} at once, ${LATENCY} ms`,
  'refused',
];
console.log(
  `\nShopper routes (${CALLS} calls one at a time, ${CONCURRENT_CALLS} calls ${SHOPPERS} at a time; round trips of one call)\n`,
);
console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
console.log(misses.length ? `\nGoals missed at ${LATENCY} ms:\n  ${misses.join('\n  ')}` : `\nEvery goal met at ${LATENCY} ms.`);

// ---- cold start: requiring each built function against requiring wx-server-sdk alone, in fresh processes ----
const functionsDir = path.resolve('build', 'functions');
const requireMs = (cwd: string, target: string) => {
  const script = `const t = performance.now(); require(${JSON.stringify(target)}); process.stdout.write(String(performance.now() - t));`;
  const out = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`requiring ${target} failed: ${out.stderr}`);
  return Number(out.stdout);
};
const functions = fs.readdirSync(functionsDir).filter((f) => fs.existsSync(path.join(functionsDir, f, 'index.js')));
const sdkTimes: number[] = [];
const fnTimes = new Map<string, number[]>(functions.map((f) => [f, []]));
// Interleaved, so a machine that slows down mid-run slows both sides alike.
for (let run = 0; run < COLD_RUNS; run++) {
  sdkTimes.push(requireMs(functionsDir, 'wx-server-sdk'));
  for (const f of functions) fnTimes.get(f)!.push(requireMs(path.join(functionsDir, f), './index.js'));
}
const sdk = median(sdkTimes);
console.log(`\nCold start: require() in a fresh process, median of ${COLD_RUNS} (goal ≤ 1.2× wx-server-sdk alone)\n`);
console.log(`  wx-server-sdk alone  ${ms(sdk)}`);
for (const f of functions) {
  const t = median(fnTimes.get(f)!);
  console.log(`  ${f.padEnd(20)} ${ms(t).padStart(9)}   ${(t / sdk).toFixed(2)}×${t / sdk > 1.2 ? '  over the goal' : ''}`);
}
console.log(`\n(${((performance.now() - started) / 1000).toFixed(0)} s in all)`);

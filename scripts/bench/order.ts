import type { OrderView } from '../../typings/order.js';
import { saveBenchAddress, startBenchShop } from './shop-client.js';
import { describeMachineCpu, machineCpu, ms, summarize, timed } from '../../emulator/index.js';

/**
 * npm run bench:order [-- --attempts 2000 --stock 100 --latency 8 --instances 16]
 * The shop's real functions on the emulator (built, seeded, in a child process), called through the gateway as the
 * mini-program calls them:
 * 1. `attempts` concurrent order.create calls for one SKU holding `stock`: exactly `stock` must succeed;
 *    prints attempts per second and p50/p95 latency. Target: >= 300 attempts/s.
 * 2. database round trips of one order.create for carts of 1, 5 and 20 lines: reads must not grow with the lines
 *    (no N+1); only the per-SKU stock writes may.
 */
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const ATTEMPTS = Number(args.get('--attempts') ?? 2000);
const STOCK = Number(args.get('--stock') ?? 100);
const SHOPPERS = 100;
// `--latency 8`: each function-to-service round trip takes 8 ms, as on the platform (the emulator's simulated network).
const LATENCY = Number(args.get('--latency') ?? 0);
// Instances per function at most. On the platform a function scales out to many instances; the emulator's default
// (twice the cores) suits work that burns CPU, but an instance waiting on the simulated network burns none, so with
// latency the default is 16.
const INSTANCES = args.has('--instances') ? Number(args.get('--instances')) : LATENCY > 0 ? 16 : undefined;

const shop = await startBenchShop({ only: ['order', 'user'], instances: INSTANCES });
let keySeq = 0;
const key = () => `bench-${++keySeq}-${Date.now()}`;

const openids = Array.from({ length: SHOPPERS }, (_v, i) => `o-bench-${i}`);
const addressIds = await Promise.all(openids.map((openid) => saveBenchAddress(shop, openid)));

if (LATENCY > 0) await shop.setLatency(LATENCY);

// ---- 1. contention on one SKU ----
const skuId = 'spu-004-01';
await shop.db.collection('skus').doc(skuId).update({ stock: STOCK });
const warmed = await shop.warm('order', 'preview', { lines: [{ skuId, quantity: 1 }] }, INSTANCES);
const txBefore = await shop.transactions();
const cpuBefore = shop.cpuSeconds();
const machineBefore = machineCpu();
const latencies: number[] = [];
const outcomes = new Map<string, number>();
const finished: Array<{ at: number; ok: boolean }> = [];
let sold = 0;
let cpuAtSoldOut: number | undefined;
const started = performance.now();
const [, wallMs] = await timed(() =>
  Promise.all(
    Array.from({ length: ATTEMPTS }, async (_v, i) => {
      const [{ answer }, t] = await timed(() =>
        shop.call<OrderView>(
          'order',
          'create',
          // As the checkout page sends it for a shopper with no coupon or points to use.
          {
            lines: [{ skuId, quantity: 1 }],
            addressId: addressIds[i % SHOPPERS]!,
            couponId: null,
            usePoints: 0,
            idempotencyKey: key(),
          },
          openids[i % SHOPPERS]!,
        ),
      );
      latencies.push(t);
      finished.push({ at: performance.now() - started, ok: answer.ok });
      if (answer.ok && ++sold === STOCK) cpuAtSoldOut = shop.cpuSeconds();
      const outcome = answer.ok ? 'ok' : answer.code;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
  ),
);
const txAfter = await shop.transactions();
const cpuAfter = shop.cpuSeconds();
const machineAfter = machineCpu();
const remaining = (await shop.db.collection('skus').doc(skuId).get()).data[0].stock as number;
const lat = summarize(latencies);
// Two phases: while stock lasts every attempt holds a unit by a conditional write on the one SKU (they queue at the
// database, no transaction conflicts on the SKU); after that attempts end on the fast path.
const soldOutMs = Math.max(...finished.filter((f) => f.ok).map((f) => f.at));
// What the shop's process (emulator and instances) spent while the stock lasted: on 2 cores, the bound of this phase.
const sellingCpu =
  cpuBefore === undefined || cpuAtSoldOut === undefined
    ? 'n/a'
    : `${((cpuAtSoldOut - cpuBefore) / (soldOutMs / 1000)).toFixed(2)} cores busy, ${(((cpuAtSoldOut - cpuBefore) * 1000) / STOCK).toFixed(1)} ms per sale`;
const refusedAfter = finished.filter((f) => f.at > soldOutMs).length;

// ---- 2. round trips per order.create by cart size ----
const skus = ((await shop.db.collection('skus').limit(100).get()).data as Array<{ _id: string }>).map((s) => s._id);
for (const id of skus) await shop.db.collection('skus').doc(id).update({ stock: 10_000 });
const roundTrips: Array<[number, number]> = [];
for (const size of [1, 5, 20]) {
  const { answer, requestID } = await shop.call(
    'order',
    'create',
    { lines: skus.slice(0, size).map((s) => ({ skuId: s, quantity: 1 })), addressId: addressIds[0], idempotencyKey: key() },
    openids[0]!,
  );
  if (!answer.ok) throw new Error(`create of ${size} lines failed: ${JSON.stringify(answer)}`);
  roundTrips.push([size, (await shop.invocation(requestID)).databaseCalls]);
}
await shop.close();

const cpu =
  cpuBefore === undefined || cpuAfter === undefined
    ? 'n/a'
    : `${((cpuAfter - cpuBefore) / (wallMs / 1000)).toFixed(2)} cores busy, ${(((cpuAfter - cpuBefore) * 1000) / ATTEMPTS).toFixed(2)} ms per attempt`;
const tx = {
  started: txAfter.started - txBefore.started,
  committed: txAfter.committed - txBefore.committed,
  conflicts: txAfter.conflicts - txBefore.conflicts,
  requests: txAfter.requests - txBefore.requests,
};
const transactionOutcomes = `${tx.committed} committed, ${tx.conflicts} conflicts; ${tx.requests} database requests in all`;
const refusingSeconds = (wallMs - soldOutMs) / 1000;
console.log(`
order.create under contention: ${ATTEMPTS} concurrent attempts, one SKU with stock ${STOCK}, ${SHOPPERS} shoppers
  set-up                   ${warmed} instances started before the rush, ${LATENCY} ms per service round trip
  outcomes                 ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}   (must be ok ${STOCK})
  stock left               ${remaining}
  throughput               ${Math.round(ATTEMPTS / (wallMs / 1000))} attempts/s over ${(wallMs / 1000).toFixed(1)} s   target >= 300/s
  shop process CPU         ${cpu}
  machine CPU              ${describeMachineCpu(machineBefore, machineAfter)}
  latency                  p50 ${ms(lat.p50)}  p95 ${ms(lat.p95)}  (includes waiting for a free instance)
  selling the stock        ${(soldOutMs / 1000).toFixed(1)} s (${Math.round(STOCK / (soldOutMs / 1000))} sales/s)   target >= 100/s at 8 ms
    shop process CPU       ${sellingCpu}
  transactions             ${tx.started} started (${(tx.started / STOCK).toFixed(1)} per sale), ${transactionOutcomes}
  refusing the rest        ${refusedAfter} in ${refusingSeconds.toFixed(1)} s (${Math.round(refusedAfter / refusingSeconds)}/s on the fast path)
database round trips per order.create with the best coupon chosen for the shopper (retry check + SKUs; a stock hold
per line beside the address, SPUs, member, coupons and points, and the transaction's start; the order; commit; the
holds dropped in one call)
${roundTrips.map(([size, n]) => `  ${String(size).padStart(2)} lines                 ${n}`).join('\n')}`);
if ((outcomes.get('ok') ?? 0) !== STOCK || remaining !== 0) {
  console.error('OVERSOLD OR UNDERSOLD');
  process.exit(1);
}
process.exit(0);

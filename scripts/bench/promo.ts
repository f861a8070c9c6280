import { addressBinding, encryptField } from '../../cloudfunctions/shared/platform/field-crypto.js';
import { TEST_DATA_KEY } from '../../testkit/shop.js';
import { describeLedger, stockLedger } from '../../testkit/stock-ledger.js';
import { startBenchShop } from './shop-client.js';
import { controlClient, ms, sdkEnvironment, summarize, timed } from '../../emulator/index.js';

/**
 * npm run bench:promo [-- --attempts 5000 --units 50 --claims 1000 --left 100 --mixed-stock 300]
 * The shop's real functions on the emulator (built, seeded, in a child process), called through the gateway as the
 * mini-program calls them; flash sales are scheduled with the store's `scheduleFlashSale`, run in this process
 * against the bench shop, so their units come out of the SKU's stock (the stock rule):
 * 1. flash sale: `attempts` concurrent `flashsale.buy` on a sale of `units` (2 per shopper, 1,000 shoppers): exactly
 *    `units` units sold, nobody above the limit, the SKU's own stock untouched; attempts per second, p50/p95 latency,
 *    outcome counts.
 * 2. coupon claim rush: `claims` concurrent `coupon.claim` on a template with `left` coupons left (1 per shopper, 500
 *    shoppers claiming twice each): exactly `left` issued, nobody above the limit.
 * 3. mixed rush on one SKU of `mixed-stock` units: `order.create`, `flashsale.buy`, `groupbuy.open` / `join` and
 *    `order.cancel` all at once, while the flash sale ends and the jobs timer settles it. Prints the stock ledger
 *    (SKU stock + units held by promotions + units in live orders + units sold, testkit/stock-ledger.ts) against
 *    the SKU's starting stock; any difference fails the run.
 */
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const ATTEMPTS = Number(args.get('--attempts') ?? 5000);
const UNITS = Number(args.get('--units') ?? 50);
const CLAIMS = Number(args.get('--claims') ?? 1000);
const LEFT = Number(args.get('--left') ?? 100);
const MIXED_STOCK = Number(args.get('--mixed-stock') ?? 300);
const SHOPPERS = 1000;
const PER_USER = 2;

type Doc = Record<string, any>;

const shop = await startBenchShop({ only: ['flashsale', 'coupon', 'order', 'user', 'pay', 'jobs', 'groupbuy'] });
// The store modules open the database when they load: this process's wx-server-sdk is pointed at the bench shop first.
const { envId } = (await (await fetch(`${shop.url}/__emulator/status`)).json()) as { envId: string };
Object.assign(process.env, sdkEnvironment({ url: shop.url, envId }), { TCB_ENV: envId });
const { scheduleFlashSale } = await import('../../cloudfunctions/shared/store/flash-sale-units.js');
const control = controlClient(shop.url);

interface Rush {
  wallMs: number;
  latencies: number[];
  outcomes: Map<string, number>;
  /** When the last success finished, after the start. */
  lastOkMs: number;
}

/** Fires every call at once and records each one's latency and outcome (`ok` or the refusal's code and message). */
async function rush(calls: Array<() => Promise<{ answer: { ok: boolean; code?: string; message?: string } }>>): Promise<Rush> {
  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let lastOkMs = 0;
  const started = performance.now();
  const [, wallMs] = await timed(() =>
    Promise.all(
      calls.map(async (call) => {
        const [{ answer }, t] = await timed(call);
        latencies.push(t);
        if (answer.ok) lastOkMs = Math.max(lastOkMs, performance.now() - started);
        const outcome = answer.ok ? 'ok' : `${answer.code} ${answer.message}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
    ),
  );
  return { wallMs, latencies, outcomes, lastOkMs };
}

function report(title: string, attempts: number, r: Rush): string {
  const lat = summarize(r.latencies);
  return `${title}
  outcomes                 ${[...r.outcomes].map(([k, v]) => `${k} × ${v}`).join(', ')}
  throughput               ${Math.round(attempts / (r.wallMs / 1000))} attempts/s over ${(r.wallMs / 1000).toFixed(1)} s
  latency                  p50 ${ms(lat.p50)}  p95 ${ms(lat.p95)}  (includes waiting for a free instance)
  last success after       ${(r.lastOkMs / 1000).toFixed(2)} s; the rest refused in ${((r.wallMs - r.lastOkMs) / 1000).toFixed(2)} s`;
}

// ---- the scene: shoppers with addresses (stored encrypted, as the address book does) ----
process.env.SHOP_DATA_KEY = TEST_DATA_KEY; // the key the bench shop's functions run with
const openids = Array.from({ length: SHOPPERS }, (_v, i) => `o-promo-${i}`);
const now = new Date();
const addresses = openids.map((openid, i) => ({
  _id: `addr-${openid}`,
  openid,
  name: `压测${i}`,
  phone: encryptField('13900000000', addressBinding(`addr-${openid}`, 'phone')),
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: encryptField('世纪大道 1 号', addressBinding(`addr-${openid}`, 'detail')),
  isDefault: true,
  createdAt: now,
  updatedAt: now,
}));
for (let i = 0; i < addresses.length; i += 500) await shop.db.collection('addresses').add(addresses.slice(i, i + 500));

// ---- 1. flash sale ----
const saleId = 'fs-bench';
const skuId = 'spu-004-02';
// The merchant stocks exactly the sale's units and schedules it: the SKU itself is left with none.
await shop.db.collection('skus').doc(skuId).update({ stock: UNITS });
await scheduleFlashSale(
  {
    flashSaleId: saleId,
    skuId,
    price: 9900,
    units: UNITS,
    perUser: PER_USER,
    startAt: new Date(Date.now() - 60_000),
    endAt: new Date(Date.now() + 3_600_000),
  },
  new Date(),
);
// Start the instances first, so the figures are the rush's and not the cold starts'.
await shop.warm('flashsale', 'list', {});
let keySeq = 0;
const flash = await rush(
  Array.from(
    { length: ATTEMPTS },
    (_v, i) => () =>
      shop.call(
        'flashsale',
        'buy',
        {
          flashSaleId: saleId,
          quantity: 1,
          addressId: `addr-${openids[i % SHOPPERS]}`,
          idempotencyKey: `promo-${++keySeq}-${Date.now()}`,
        },
        openids[i % SHOPPERS]!,
      ),
  ),
);
const flashOrders = (await shop.db.collection('orders').where({ 'promotion.flashSaleId': saleId }).limit(1000).get())
  .data as Doc[];
const perShopper = new Map<string, number>();
for (const o of flashOrders) perShopper.set(o.openid, (perShopper.get(o.openid) ?? 0) + (o.lines[0].quantity as number));
const remaining = ((await shop.db.collection('flash_sales').doc(saleId).get()).data[0] as Doc).remaining as number;
const flashOver = [...perShopper.values()].filter((n) => n > PER_USER).length;
const flashSkuStock = ((await shop.db.collection('skus').doc(skuId).get()).data[0] as Doc).stock as number;

// ---- 2. coupon claim rush ----
const templateId = 'ct-all-99-10'; // seeded: total 1000, 1 per shopper
const template = (await shop.db.collection('coupon_templates').doc(templateId).get()).data[0] as Doc;
const total = template.total as number;
await shop.db
  .collection('coupon_templates')
  .doc(templateId)
  .update({ issued: total - LEFT });
await shop.warm('coupon', 'claimable', {});
const claimers = openids.slice(0, Math.ceil(CLAIMS / 2));
const claims = await rush(
  Array.from({ length: CLAIMS }, (_v, i) => () => shop.call('coupon', 'claim', { templateId }, claimers[i % claimers.length]!)),
);
const coupons = (await shop.db.collection('user_coupons').where({ templateId }).limit(1000).get()).data as Doc[];
const perClaimer = new Map<string, number>();
for (const c of coupons) perClaimer.set(c.openid, (perClaimer.get(c.openid) ?? 0) + 1);
const issued = ((await shop.db.collection('coupon_templates').doc(templateId).get()).data[0] as Doc).issued as number;
const couponOver = [...perClaimer.values()].filter((n) => n > (template.perUser as number)).length;
// ---- 3. mixed rush on one SKU: every way of taking its stock at once, and the flash sale's end ----
const mixed = await mixedRush();
await shop.close();

/**
 * Section 3: on one SKU of MIXED_STOCK units, with a flash sale holding a third of them and a group-buy on it, fires at
 * once: group-buy joins (one too many per group) and opens, ordinary orders for more than the SKU has, flash buys (a
 * first wave, then a second that the sale's end cuts through), and cancels of unpaid ordinary and flash orders, some
 * after the end. The sale ends (moved to now, then the jobs timer) once 20 of the second wave have answered; the timer
 * fires again at the end. Answers the ledger with the rush's outcomes and figures.
 */
async function mixedRush() {
  const sku = 'spu-005-01';
  const saleUnits = Math.floor(MIXED_STOCK / 3);
  await shop.db.collection('skus').doc(sku).update({ stock: MIXED_STOCK });
  const spuId = ((await shop.db.collection('skus').doc(sku).get()).data[0] as Doc).spuId as string;
  const at = Date.now();
  await shop.db.collection('group_buy_activities').add({
    _id: 'gb-bench',
    spuId,
    skuIds: [sku],
    title: '',
    tiers: [
      { minMembers: 2, price: 2000 },
      { minMembers: 3, price: 1500 },
    ],
    targetSize: 3,
    timeLimitMinutes: 60,
    maxQuantity: 2,
    startAt: new Date(at - 3_600_000),
    endAt: new Date(at + 3_600_000),
    status: 'active',
    createdAt: new Date(at),
    updatedAt: new Date(at),
  });
  let seq = 0;
  const key = () => `mixed-${++seq}-${Date.now()}`;
  const as = (i: number) => openids[i % SHOPPERS]!;
  const call = (name: string, route: string, params: Record<string, unknown>, openid: string) =>
    shop.call<Doc>(name, route, { addressId: `addr-${openid}`, ...params }, openid);
  const orderId = (r: { answer: { ok: boolean; data?: Doc; code?: string; message?: string } }): string => {
    if (!r.answer.ok) throw new Error(`setup refused: ${r.answer.code} ${r.answer.message}`);
    return (r.answer.data!.orderId ?? r.answer.data!.order.orderId) as string;
  };
  const open = (openid: string) =>
    call('groupbuy', 'open', { activityId: 'gb-bench', skuId: sku, quantity: 1, idempotencyKey: key() }, openid);

  // Before the rush: 10 groups whose leaders paid (so others can join) and unpaid orders to cancel during it.
  const leaders = Array.from({ length: 10 }, (_v, i) => as(500 + i));
  const groups = await Promise.all(
    leaders.map(async (openid) => {
      const opened = await open(openid);
      const id = orderId(opened);
      await shop.call('pay', 'create', { orderId: id }, openid);
      await control.request('POST', `/pay/orders/${id}/pay`, { openid });
      return (opened.answer as { data: Doc }).data.groupId as string;
    }),
  );
  await control.payIdle();
  const early = Array.from({ length: 40 }, (_v, i) => as(600 + i));
  const normalToCancel = await Promise.all(
    early
      .slice(0, 30)
      .map(async (openid) =>
        orderId(await call('order', 'create', { lines: [{ skuId: sku, quantity: 1 }], idempotencyKey: key() }, openid)),
      ),
  );
  const sale = await scheduleFlashSale(
    {
      flashSaleId: 'fs-bench-mixed',
      skuId: sku,
      price: 990,
      units: saleUnits,
      perUser: PER_USER,
      startAt: new Date(Date.now() - 60_000),
      endAt: new Date(Date.now() + 3_600_000),
    },
    new Date(),
  );
  const flashBuy = (openid: string) =>
    call('flashsale', 'buy', { flashSaleId: sale._id, quantity: 1, idempotencyKey: key() }, openid);
  const flashToCancel = await Promise.all(early.slice(30).map(async (openid) => orderId(await flashBuy(openid))));
  await Promise.all([shop.warm('order', 'preview', { lines: [{ skuId: sku, quantity: 1 }] }), shop.warm('groupbuy', 'list', {})]);

  const outcomes = new Map<string, number>();
  let attempts = 0;
  const keep = async (kind: string, call: Promise<{ answer: { ok: boolean; code?: string; message?: string } }>) => {
    attempts++;
    const { answer } = await call;
    const outcome = `${kind}: ${answer.ok ? 'ok' : `${answer.code} ${answer.message}`}`;
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    return answer;
  };
  // A cancel whose transaction gave up under the contention (CONFLICT, nothing changed) is asked again, as a page would.
  const cancel = async (kind: string, id: string, openid: string) => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const answer = await keep(kind, shop.call('order', 'cancel', { orderId: id }, openid));
      if (answer.ok || answer.code !== 'CONFLICT') return;
    }
  };
  const fireJobs = async () => {
    const fired = await control.request<{ outcome?: { ok: boolean; result?: { data?: Doc } } }>('POST', '/timers/jobs/run');
    if (!fired.body.outcome?.ok) throw new Error(`jobs failed: ${JSON.stringify(fired.body)}`);
    return fired.body.outcome.result!.data!.promotionsEnded as number;
  };
  let endNow!: () => void;
  const ending = new Promise<void>((resolve) => (endNow = resolve));
  const firings: number[] = [];
  const waveOne = Array.from({ length: saleUnits / 2 }, (_v, i) => as(i));
  const waveTwo = Array.from({ length: 2 * saleUnits }, (_v, i) => as(100 + i));
  let waveTwoDone = 0;

  const [, wallMs] = await timed(() =>
    Promise.all([
      // Seats first: sent after the orders, they would only find the SKU sold out.
      ...groups.flatMap((groupId, g) =>
        [0, 1, 2].map((j) =>
          keep(
            'join',
            call('groupbuy', 'join', { groupId, skuId: sku, quantity: 1, idempotencyKey: key() }, as(300 + 3 * g + j)),
          ),
        ),
      ),
      ...Array.from({ length: 20 }, (_v, i) => keep('open', open(as(400 + i)))),
      ...Array.from({ length: MIXED_STOCK }, (_v, i) =>
        keep('order', call('order', 'create', { lines: [{ skuId: sku, quantity: 1 + (i % 2) }], idempotencyKey: key() }, as(i))),
      ),
      (async () => {
        await Promise.all(waveOne.map((openid) => keep('flash', flashBuy(openid))));
        // The second wave, 20 at a time, so the end falls among buys still coming.
        let next = 0;
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            while (next < waveTwo.length) {
              await keep('flash, second wave', flashBuy(waveTwo[next++]!));
              if (++waveTwoDone === 20) endNow();
            }
          }),
        );
      })(),
      ...normalToCancel.map((id, i) => cancel('cancel', id, early[i]!)),
      ...flashToCancel.slice(0, 5).map((id, i) => cancel('cancel', id, early[30 + i]!)),
      (async () => {
        await ending;
        await shop.db.collection('flash_sales').doc(sale._id).update({ endAt: new Date() });
        firings.push(await fireJobs());
        await Promise.all(flashToCancel.slice(5).map((id, i) => cancel('cancel after the end', id, early[35 + i]!)));
        firings.push(await fireJobs());
      })(),
    ]),
  );
  await control.payIdle();
  const settled = (await shop.db.collection('flash_sales').doc(sale._id).get()).data[0] as Doc;
  return { sku, saleUnits, ledger: await stockLedger(shop.db, sku), outcomes, attempts, wallMs, firings, settled };
}

const unitsSold = [...perShopper.values()].reduce((a, b) => a + b, 0);
const mixedBalance = mixed.ledger.total - MIXED_STOCK;
console.log(`
${report(`flash sale: ${ATTEMPTS} concurrent flashsale.buy, ${UNITS} units, ${PER_USER} per shopper, ${SHOPPERS} shoppers`, ATTEMPTS, flash)}
  orders / units sold      ${flashOrders.length} orders, ${unitsSold} units (must be ${UNITS}); remaining ${remaining}; shoppers over the limit ${flashOver}

${report(`coupon claim rush: ${CLAIMS} concurrent coupon.claim, ${LEFT} left, ${template.perUser} per shopper, ${claimers.length} shoppers`, CLAIMS, claims)}
  coupons issued           ${coupons.length} (must be ${LEFT}); template issued ${issued}/${total}; shoppers over the limit ${couponOver}

mixed rush on ${mixed.sku} (stock ${MIXED_STOCK}, a flash sale holding ${mixed.saleUnits}): ${mixed.attempts} calls and the sale's end
  calls                    order.create, flashsale.buy, groupbuy.open / join, order.cancel, all at once
  outcomes                 ${[...mixed.outcomes].map(([k, v]) => `${k} × ${v}`).join(', ')}
  throughput               ${Math.round(mixed.attempts / (mixed.wallMs / 1000))} calls/s over ${(mixed.wallMs / 1000).toFixed(1)} s
  the sale's end           ${mixed.settled.status}, ${mixed.settled.returned} unsold units back to the SKU
  sales settled by firing  ${mixed.firings.join(', ')} (the sale must be settled once in all)
  stock ledger             ${describeLedger(mixed.ledger, MIXED_STOCK)}
  flash SKU's own stock    ${flashSkuStock} (must be 0: the sale's ${UNITS} units came out of it when it was scheduled)`);
const soldUnits = [...perShopper.values()].reduce((a, b) => a + b, 0);
if (
  soldUnits !== UNITS ||
  remaining !== 0 ||
  flashOver ||
  flashSkuStock !== 0 ||
  coupons.length !== LEFT ||
  issued !== total ||
  couponOver
) {
  console.error('OVERSOLD, UNDERSOLD OR OVER THE LIMIT');
  process.exit(1);
}
if (mixedBalance !== 0 || mixed.firings.reduce((a, b) => a + b, 0) !== 1 || mixed.settled.status !== 'ended') {
  console.error(`THE STOCK LEDGER DOES NOT BALANCE (difference ${mixedBalance}) OR THE SALE WAS NOT SETTLED ONCE`);
  process.exit(1);
}
process.exit(0);

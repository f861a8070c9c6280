import { encryptField } from '../../cloudfunctions/shared/platform/field-crypto.js';
import { TEST_DATA_KEY } from '../../testkit/shop.js';
import { startBenchShop } from './shop-client.js';
import { ms, summarize, timed } from '../../emulator/index.js';

/**
 * npm run bench:promo [-- --attempts 5000 --units 50 --claims 1000 --left 100]
 * The shop's real functions on the emulator (built, seeded, in a child process), called through the gateway as the
 * mini-program calls them:
 * 1. flash sale: `attempts` concurrent `flashsale.buy` on a sale of `units` (2 per shopper, 1,000 shoppers): exactly
 *    `units` units sold, nobody above the limit; attempts per second, p50/p95 latency, outcome counts.
 * 2. coupon claim rush: `claims` concurrent `coupon.claim` on a template with `left` coupons left (1 per shopper, 500
 *    shoppers claiming twice each): exactly `left` issued, nobody above the limit.
 */
const args = new Map(process.argv.slice(2).map((a, i, all) => [a, all[i + 1]]));
const ATTEMPTS = Number(args.get('--attempts') ?? 5000);
const UNITS = Number(args.get('--units') ?? 50);
const CLAIMS = Number(args.get('--claims') ?? 1000);
const LEFT = Number(args.get('--left') ?? 100);
const SHOPPERS = 1000;
const PER_USER = 2;

type Doc = Record<string, any>;

const shop = await startBenchShop({ only: ['flashsale', 'coupon'] });

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
  phone: encryptField('13900000000'),
  province: '上海市',
  city: '上海市',
  district: '浦东新区',
  detail: encryptField('世纪大道 1 号'),
  isDefault: true,
  createdAt: now,
  updatedAt: now,
}));
for (let i = 0; i < addresses.length; i += 500) await shop.db.collection('addresses').add(addresses.slice(i, i + 500));

// ---- 1. flash sale ----
const saleId = 'fs-bench';
const skuId = 'spu-004-02';
await shop.db.collection('flash_sales').add({
  _id: saleId,
  skuId,
  title: '',
  price: 9900,
  stock: UNITS,
  remaining: UNITS,
  perUser: PER_USER,
  startAt: new Date(Date.now() - 60_000),
  endAt: new Date(Date.now() + 3_600_000),
  status: 'active',
  createdAt: now,
  updatedAt: now,
});
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
await shop.close();

const unitsSold = [...perShopper.values()].reduce((a, b) => a + b, 0);
console.log(`
${report(`flash sale: ${ATTEMPTS} concurrent flashsale.buy, ${UNITS} units, ${PER_USER} per shopper, ${SHOPPERS} shoppers`, ATTEMPTS, flash)}
  orders / units sold      ${flashOrders.length} orders, ${unitsSold} units (must be ${UNITS}); remaining ${remaining}; shoppers over the limit ${flashOver}

${report(`coupon claim rush: ${CLAIMS} concurrent coupon.claim, ${LEFT} left, ${template.perUser} per shopper, ${claimers.length} shoppers`, CLAIMS, claims)}
  coupons issued           ${coupons.length} (must be ${LEFT}); template issued ${issued}/${total}; shoppers over the limit ${couponOver}`);
const soldUnits = [...perShopper.values()].reduce((a, b) => a + b, 0);
if (soldUnits !== UNITS || remaining !== 0 || flashOver || coupons.length !== LEFT || issued !== total || couponOver) {
  console.error('OVERSOLD, UNDERSOLD OR OVER THE LIMIT');
  process.exit(1);
}
process.exit(0);

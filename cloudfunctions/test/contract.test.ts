import test from 'ava';
import { collections } from '../../database/collections.js';
import { startShop } from '../../testkit/shop.js';
import { AdminRoutes } from '../../typings/admin.js';
import { CartRoutes } from '../../typings/cart.js';
import { CouponRoutes } from '../../typings/coupon.js';
import { MemberRoutes } from '../../typings/member.js';
import { OrderAfterSaleRoutes } from '../../typings/order-after-sale.js';
import { OrderRoutes } from '../../typings/order.js';
import { PayRoutes } from '../../typings/pay.js';
import { ProductRoutes } from '../../typings/product.js';
import { UserRoutes } from '../../typings/user.js';

/**
 * The contract every route keeps, checked over every route name the typings declare: a hostile client's parameters
 * (unknown keys, 10,000-character strings, operators where ids go) answer `VALIDATION` with a message, an unknown route
 * answers `UNKNOWN_ROUTE`, and none of it writes anything.
 */
const shop = await startShop();
const MERCHANT = 'o-contract-merchant';
await shop.db.collection('admins').add({ _id: MERCHANT, role: 'owner', name: '契约测试', active: true });

const functions: Array<[name: string, routes: Record<string, string>, openid: string]> = [
  ['product', ProductRoutes, 'o-contract'],
  ['cart', CartRoutes, 'o-contract'],
  ['user', UserRoutes, 'o-contract'],
  ['order', { ...OrderRoutes, ...OrderAfterSaleRoutes }, 'o-contract'],
  ['pay', PayRoutes, 'o-contract'],
  ['coupon', CouponRoutes, 'o-contract'],
  ['member', MemberRoutes, 'o-contract'],
  ['admin', AdminRoutes, MERCHANT],
];

const hostile: Array<[string, Record<string, unknown>]> = [
  ['an unknown key holding 10,000 characters', { note: '好'.repeat(10_000) }],
  [
    'an operator object where an id goes',
    { orderId: { $ne: '' }, skuId: { $gt: '' }, spuId: { $regex: '.*' }, addressId: { $exists: true } },
  ],
  [
    'a prototype-polluting key',
    JSON.parse('{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}') as Record<string, unknown>,
  ],
];

/** How many documents each declared collection holds: any write a refusal let through shows up here. */
async function fingerprint(): Promise<Record<string, number>> {
  const counts = await Promise.all(
    collections.map(async (c) => [c.name, (await shop.db.collection(c.name).count()).total as number] as const),
  );
  return Object.fromEntries(counts);
}

const before = await fingerprint();

for (const [fn, routes, openid] of functions) {
  for (const route of Object.values(routes)) {
    test(`${fn}.${route} refuses hostile parameters with VALIDATION`, async (t) => {
      for (const [what, params] of hostile) {
        const answer = await shop.call(fn, route, params, openid);
        t.like(answer, { ok: false, code: 'VALIDATION' }, what);
        if (!answer.ok) t.true(answer.message.length > 0);
      }
    });
  }
  test(`${fn}: an unknown route is UNKNOWN_ROUTE`, async (t) => {
    t.like(await shop.call(fn, 'no.such.route', {}, openid), { ok: false, code: 'UNKNOWN_ROUTE' });
  });
}

/** A cursor as the routes encode one (base64url JSON of [sort value, id]), holding what a client should never send. */
const forged = (value: unknown, id: unknown = 'x') => Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
const badCursors: Array<[string, string]> = [
  ['not base64 JSON', '%%%'],
  ['JSON that is not a pair', Buffer.from('{"a":1}').toString('base64url')],
  ['a number where an id goes', forged(1, 2)],
  ['an operator where a value goes', forged({ $gt: 0 })],
];
/** On pages sorted by a time: a value that is no time at all. */
const badTimes: Array<[string, string]> = [
  ['a date out of range', forged(1e20)],
  ['text where a time goes', forged('yesterday')],
  ['a fraction of a millisecond', forged(1.5)],
];
const paged: Array<[fn: string, route: string, params: Record<string, unknown>, openid: string, byTime: boolean]> = [
  ['order', 'list', {}, 'o-contract', true],
  ['product', 'list', { sort: 'new' }, 'o-contract', true],
  ['product', 'list', { sort: 'price_asc' }, 'o-contract', false],
  ['product', 'list', { sort: 'sales' }, 'o-contract', false],
  ['coupon', 'mine', {}, 'o-contract', true],
  ['coupon', 'mine', { status: 'used' }, 'o-contract', true],
  ['member', 'points.ledger', {}, 'o-contract', true],
  ['member', 'commission.ledger', {}, 'o-contract', true],
  ['member', 'withdrawals.list', {}, 'o-contract', true],
  ['admin', 'orders.list', {}, MERCHANT, true],
  ['admin', 'withdrawals.list', {}, MERCHANT, true],
];
for (const [fn, route, params, openid, byTime] of paged) {
  test(`${fn}.${route} ${JSON.stringify(params)}: a malformed or out-of-range cursor is VALIDATION`, async (t) => {
    for (const [what, cursor] of byTime ? [...badCursors, ...badTimes] : badCursors) {
      t.like(await shop.call(fn, route, { ...params, cursor }, openid), { ok: false, code: 'VALIDATION' }, what);
    }
  });
}

test.after('nothing the refusals touched was written', async (t) => {
  t.deepEqual(await fingerprint(), before);
});
test.after.always(() => shop.close());

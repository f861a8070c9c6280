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

test.after('nothing the refusals touched was written', async (t) => {
  t.deepEqual(await fingerprint(), before);
});
test.after.always(() => shop.close());

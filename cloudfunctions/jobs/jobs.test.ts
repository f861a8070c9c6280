import test from 'ava';
import type { Envelope } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';
import type { OrderView } from '../../typings/order.js';
import type { Address } from '../../typings/user.js';
import { shipOrder } from '../test/merchant.js';
import { dataOf, startShop } from '../test/shop.js';

/**
 * The every-minute timer, fired through the emulator's control API (timers do not fire on their own in tests). The
 * timer tests run serially so each firing's summary counts exactly their own orders.
 */
const shop = await startShop();
test.after.always(() => shop.close());

const DAY_MS = 86_400_000;
let keys = 0;
const key = () => `jobs-key-${process.pid}-${++keys}`;

async function orderFor(openid: string, skuId: string, quantity = 1): Promise<string> {
  const address = dataOf(
    await shop.call<Address>('user', 'addresses.save', { name: '王五', phone: '13712345678', province: '北京市', city: '北京市', district: '海淀区', detail: '中关村大街 1 号' }, openid),
  );
  const order = dataOf(await shop.call<OrderView>('order', 'create', { lines: [{ skuId, quantity }], addressId: address.addressId, idempotencyKey: key() }, openid));
  return order.orderId;
}

/** Stands in for the pay function: the order is marked paid as the payment notification would. */
async function markPaid(orderId: string): Promise<void> {
  const entry = { event: 'pay', from: 'pending_payment', to: 'paid', actor: 'system', at: new Date() };
  const res = await shop.db.collection('orders').where({ _id: orderId, status: 'pending_payment' }).update({ status: 'paid', paidAt: entry.at, history: shop.db.command.push(entry) });
  if (res.updated !== 1) throw new Error(`markPaid: ${orderId} was not pending payment`);
}

async function expire(orderId: string, minutesAgo = 1): Promise<void> {
  await shop.db.collection('orders').doc(orderId).update({ expiresAt: new Date(Date.now() - minutesAgo * 60_000) });
}

async function stored(orderId: string): Promise<Record<string, unknown> & { status: string; history: Array<{ event: string; from: string; to: string; actor: string }> }> {
  return (await shop.db.collection('orders').doc(orderId).get()).data[0];
}

async function stockOf(skuId: string): Promise<number> {
  return (await shop.db.collection('skus').doc(skuId).get()).data[0].stock as number;
}

/** Fires the jobs timer now and answers with what the function returned. */
async function runTimer(): Promise<Envelope<JobsSummary>> {
  const res = await fetch(`${shop.emulator.url}/__emulator/timers/jobs/run`, { method: 'POST' });
  const firing = (await res.json()) as { outcome?: { ok: true; result: Envelope<JobsSummary> } | { ok: false; code: string; message: string }; message?: string };
  if (!firing.outcome) throw new Error(`timer run refused: ${res.status} ${firing.message}`);
  if (!firing.outcome.ok) throw new Error(`jobs failed: ${firing.outcome.code} ${firing.outcome.message}`);
  return firing.outcome.result;
}

test('the jobs function has an every-minute timer', async (t) => {
  const { timers } = (await (await fetch(`${shop.emulator.url}/__emulator/timers`)).json()) as { timers: Array<{ functionName: string; cron: string; error?: string }> };
  t.like(timers.find((x) => x.functionName === 'jobs'), { cron: '0 * * * * * *', error: undefined });
});

test.serial('expired unpaid orders are cancelled and return their stock; unexpired ones are untouched', async (t) => {
  const openid = 'o-jobs-expiry';
  const before = await stockOf('spu-004-01');
  const expired = [await orderFor(openid, 'spu-004-01', 2), await orderFor(openid, 'spu-004-01', 3)];
  const waiting = await orderFor(openid, 'spu-004-01', 1);
  for (const id of expired) await expire(id);
  t.is(await stockOf('spu-004-01'), before - 6);

  t.deepEqual(dataOf(await runTimer()), { cancelled: 2, confirmed: 0 });
  for (const id of expired) {
    const order = await stored(id);
    t.is(order.status, 'cancelled');
    t.truthy(order.cancelledAt);
    t.like(order.history.at(-1), { event: 'timeout', from: 'pending_payment', to: 'cancelled', actor: 'system' });
  }
  t.is((await stored(waiting)).status, 'pending_payment');
  t.is(await stockOf('spu-004-01'), before - 1, 'only the unexpired order still holds stock');
  t.is(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: expired[0]! }, openid)).status, 'cancelled');

  t.deepEqual(dataOf(await runTimer()), { cancelled: 0, confirmed: 0 }, 'a second firing has nothing to do');
  t.is(await stockOf('spu-004-01'), before - 1, 'stock is returned once');
});

test.serial('a paid order is never cancelled, even past its payment window', async (t) => {
  const orderId = await orderFor('o-jobs-paid', 'spu-005-01');
  await markPaid(orderId);
  await expire(orderId);
  const before = await stockOf('spu-005-01');
  t.deepEqual(dataOf(await runTimer()), { cancelled: 0, confirmed: 0 });
  t.is((await stored(orderId)).status, 'paid');
  t.is(await stockOf('spu-005-01'), before);
});

test.serial('more expired orders than one batch are all cancelled in one firing', async (t) => {
  const template = await stored(await orderFor('o-jobs-batch', 'spu-006-01'));
  await shop.db.collection('skus').doc('spu-006-01').update({ stock: 0 });
  const past = new Date(Date.now() - 60_000);
  const clones = Array.from({ length: 249 }, (_v, i) => {
    const { _id, ...rest } = template;
    return { ...rest, _id: `${_id}b${i}`, idempotencyKey: `${String(template.idempotencyKey)}-${i}`, expiresAt: past, createdAt: new Date(template.createdAt as string) };
  });
  await shop.db.collection('orders').add(clones);
  await expire(template._id as string);
  t.deepEqual(dataOf(await runTimer()), { cancelled: 250, confirmed: 0 });
  t.is((await shop.db.collection('orders').where({ openid: 'o-jobs-batch', status: 'pending_payment' }).count()).total, 0);
  t.is(await stockOf('spu-006-01'), 250, 'each order gave back its one unit');
});

test.serial('shipped orders older than 7 days are confirmed automatically; recent ones are not', async (t) => {
  const openid = 'o-jobs-confirm';
  const old = await orderFor(openid, 'spu-007-01');
  const recent = await orderFor(openid, 'spu-007-01');
  for (const id of [old, recent]) await markPaid(id);
  await shipOrder(shop, old, { carrier: '顺丰速运', trackingNo: 'SF-OLD', at: new Date(Date.now() - 7 * DAY_MS - 60_000) });
  await shipOrder(shop, recent, { carrier: '顺丰速运', trackingNo: 'SF-NEW', at: new Date(Date.now() - 6 * DAY_MS) });

  t.deepEqual(dataOf(await runTimer()), { cancelled: 0, confirmed: 1 });
  const done = await stored(old);
  t.is(done.status, 'completed');
  t.truthy(done.completedAt);
  t.like(done.history.at(-1), { event: 'auto_confirm', from: 'shipped', to: 'completed', actor: 'system' });
  t.is((await stored(recent)).status, 'shipped');
});

test.serial('an order in refunding is not confirmed automatically', async (t) => {
  const openid = 'o-jobs-refunding';
  const orderId = await orderFor(openid, 'spu-008-01');
  await markPaid(orderId);
  await shipOrder(shop, orderId, { carrier: '中通快递', trackingNo: 'ZT-OLD', at: new Date(Date.now() - 10 * DAY_MS) });
  dataOf(await shop.call('order', 'refund', { orderId, reason: '没收到货' }, openid));
  t.deepEqual(dataOf(await runTimer()), { cancelled: 0, confirmed: 0 });
  t.is((await stored(orderId)).status, 'refunding');
});

test.serial('a shopper calling the jobs function through the gateway is refused and nothing changes', async (t) => {
  const openid = 'o-jobs-sneaky';
  const orderId = await orderFor(openid, 'spu-010-02');
  await expire(orderId);
  const before = await stockOf('spu-010-02');
  const timerLike = { Type: 'Timer', TriggerName: 'every-minute', Time: new Date().toISOString() };
  for (const answer of [await shop.call('jobs', 'run', timerLike, openid), await shop.call('jobs', '', {}, openid)]) {
    t.like(answer, { ok: false, code: 'FORBIDDEN' });
  }
  t.is((await stored(orderId)).status, 'pending_payment');
  t.is(await stockOf('spu-010-02'), before);
});

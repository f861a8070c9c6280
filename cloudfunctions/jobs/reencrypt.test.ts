import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { verifyMerchant } from '../../testkit/merchant.js';
import { TEST_DATA_KEY, dataOf, startShop } from '../../testkit/shop.js';
import type { AdminOrderDetail } from '../../typings/admin.js';
import type { Envelope } from '../../typings/common.js';
import type { JobsSummary } from '../../typings/jobs.js';
import type { OrderView } from '../../typings/order.js';
import type { Address } from '../../typings/user.js';
import { addressBinding, decryptField, orderAddressBinding } from '../shared/platform/field-crypto.js';

/**
 * Key rotation end to end, as an operator does it: the shop runs under key A, is deployed again with key B and A kept
 * as an old key, the jobs timer re-encrypts everything under B, and the shop is deployed once more without A. Each
 * deployment is an emulator started on the database file the previous one left, with the functions' variables of that
 * step; the timer is fired through the control API as in jobs.test.ts.
 */

const KEY_A = TEST_DATA_KEY;
const KEY_B = 'b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecf';
/** Written by the v1 code under KEY_A (no binding, no key id): what databases held before bindings existed. */
const V1_PHONE = 'v1:0MwI0fTJpacFYTi5:ahMflMPokZbXVmxuAxb2IA:QImKvaG2qt0MVUc';
const V1_DETAIL = 'v1:kin9RWHZBZqV7n3M:agyULQ_pQdXmJN_xHVGWKQ:Frrk7ivuN3TUsD2YJesZpfg';
const V1_PLAIN = { phone: '13812345678', detail: '文三路 478 号' };
/** testkit's addressFor. */
const SAVED = { phone: '13912345678', detail: '文三路 1 号' };
/** More than one page of the job (100). */
const LEGACY_ADDRESSES = 130;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-reencrypt-'));
const dataFile = path.join(dir, 'database.sqlite');
test.after.always(() => fs.rmSync(dir, { recursive: true, force: true }));

type Shop = Awaited<ReturnType<typeof startShop>>;
type Rec = Record<string, any>;

/** A deployment: the same database, these key variables (all three always given, so none leaks from this process). */
const deploy = (keys: { SHOP_DATA_KEY: string; SHOP_DATA_KEY_ID: string; SHOP_DATA_OLD_KEYS: string }, seed: boolean) =>
  startShop({ only: ['user', 'order', 'admin', 'jobs'], dataFile, seed, env: keys });

async function fireTimer(shop: Shop): Promise<JobsSummary> {
  const res = await fetch(`${shop.emulator.url}/__emulator/timers/jobs/run`, { method: 'POST' });
  const firing = (await res.json()) as {
    outcome?: { ok: true; result: Envelope<JobsSummary> } | { ok: false; code: string; message: string };
    message?: string;
  };
  if (!firing.outcome) throw new Error(`timer run refused: ${res.status} ${firing.message}`);
  if (!firing.outcome.ok) throw new Error(`jobs failed: ${firing.outcome.code} ${firing.outcome.message}`);
  return dataOf(firing.outcome.result);
}

async function all(shop: Shop, collection: string): Promise<Rec[]> {
  const docs: Rec[] = [];
  for (;;) {
    const page = (await shop.db.collection(collection).orderBy('_id', 'asc').skip(docs.length).limit(1000).get()).data as Rec[];
    docs.push(...page);
    if (page.length < 1000) return docs;
  }
}

/** Every stored phone and street with its binding. */
async function storedValues(shop: Shop): Promise<Array<{ value: string; binding: string }>> {
  const values = [];
  for (const a of await all(shop, 'addresses')) {
    values.push({ value: a.phone, binding: addressBinding(a._id, 'phone') });
    values.push({ value: a.detail, binding: addressBinding(a._id, 'detail') });
  }
  for (const o of await all(shop, 'orders')) {
    values.push({ value: o.address.phone, binding: orderAddressBinding(o._id, 'phone') });
    values.push({ value: o.address.detail, binding: orderAddressBinding(o._id, 'detail') });
  }
  return values;
}

interface World {
  shoppers: Array<{ openid: string; addressId: string; orderId: string }>;
  legacyOrderId: string;
}

/** What every deployment must still show in full or masked, through the real routes. */
async function everythingReads(t: import('ava').ExecutionContext, shop: Shop, world: World, step: string): Promise<void> {
  const owner = 'o-reencrypt-owner';
  await verifyMerchant(shop, owner, 'owner');
  for (const s of world.shoppers) {
    t.like(dataOf(await shop.call<Address>('user', 'addresses.get', { addressId: s.addressId }, s.openid)), SAVED, step);
    t.like(dataOf(await shop.call<OrderView>('order', 'detail', { orderId: s.orderId }, s.openid)).address, {
      phone: '139****5678',
      detail: '文三路****',
    });
    const revealed = dataOf(
      await shop.call<AdminOrderDetail>('admin', 'orders.detail', { orderId: s.orderId, reveal: true }, owner),
    );
    t.like(revealed.address, SAVED, step);
  }
  for (const i of [0, 1, LEGACY_ADDRESSES - 1]) {
    const legacy = await shop.call<Address>('user', 'addresses.get', { addressId: `legacy-${i}` }, `o-legacy-${i}`);
    t.like(dataOf(legacy), V1_PLAIN, `${step}: legacy address ${i}`);
  }
  const legacyOrder = await shop.call<AdminOrderDetail>(
    'admin',
    'orders.detail',
    { orderId: world.legacyOrderId, reveal: true },
    owner,
  );
  t.like(dataOf(legacyOrder).address, V1_PLAIN, `${step}: legacy order`);
}

test.serial('rotation: under A, rotated to B with A kept, re-encrypted by the timer, then A dropped', async (t) => {
  // --- 1. the shop as it ran before: key A (no id), v1 values from before bindings ---------------------------------
  let shop = await deploy({ SHOP_DATA_KEY: KEY_A, SHOP_DATA_KEY_ID: '', SHOP_DATA_OLD_KEYS: '' }, true);
  const world: World = { shoppers: [], legacyOrderId: '' };
  try {
    for (const openid of ['o-reencrypt-1', 'o-reencrypt-2', 'o-reencrypt-3']) {
      const order = await shop.orderFor(openid, 'spu-001-01');
      const addressId = (await shop.db.collection('addresses').where({ openid }).get()).data[0]._id as string;
      world.shoppers.push({ openid, addressId, orderId: order.orderId });
    }
    const now = new Date();
    const legacy = Array.from({ length: LEGACY_ADDRESSES }, (_v, i) => ({
      _id: `legacy-${i}`,
      openid: `o-legacy-${i}`,
      name: '老用户',
      phone: V1_PHONE,
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: V1_DETAIL,
      isDefault: true,
      createdAt: now,
      updatedAt: now,
    }));
    await shop.db.collection('addresses').add(legacy);
    // An order placed by the v1 code kept the address book's ciphertexts as they were.
    const create = { lines: [{ skuId: 'spu-001-01', quantity: 1 }], addressId: 'legacy-0', idempotencyKey: 'legacy-order' };
    world.legacyOrderId = dataOf(await shop.call<OrderView>('order', 'create', create, 'o-legacy-0')).orderId;
    await shop.db
      .collection('orders')
      .doc(world.legacyOrderId)
      .update({ 'address.phone': V1_PHONE, 'address.detail': V1_DETAIL });
    const values = await storedValues(shop);
    t.true(values.every((v) => /^(v1:|v2:k1:)/.test(v.value)));
    await everythingReads(t, shop, world, 'under A');
  } finally {
    await shop.close();
  }

  // --- 2. rotated: B is current, A kept for reading; the timer moves everything to B --------------------------------
  shop = await deploy({ SHOP_DATA_KEY: KEY_B, SHOP_DATA_KEY_ID: 'k2', SHOP_DATA_OLD_KEYS: `k1:${KEY_A}` }, false);
  try {
    await everythingReads(t, shop, world, 'rotated, before the timer');
    const due = (await storedValues(shop)).filter((v) => !v.value.startsWith('v2:k2:'));
    const dueRecords = new Set(due.map((v) => v.binding.split('/').slice(0, 2).join('/'))).size;
    t.is(dueRecords, 3 + LEGACY_ADDRESSES + 3 + 1, 'every address and order, none under B yet');

    // Two firings at once: each record is rewritten by one of them only (the write checks the value read is still there).
    const firings = await Promise.all([fireTimer(shop), fireTimer(shop)]);
    t.is(firings[0].reencrypted + firings[1].reencrypted, dueRecords);
    const values = await storedValues(shop);
    t.deepEqual(
      values.filter((v) => !v.value.startsWith('v2:k2:')),
      [],
      'all under B',
    );
    process.env.SHOP_DATA_KEY = KEY_B;
    process.env.SHOP_DATA_KEY_ID = 'k2';
    delete process.env.SHOP_DATA_OLD_KEYS;
    const plain = values.map((v) => decryptField(v.value, v.binding));
    t.true(plain.every((p) => p === SAVED.phone || p === SAVED.detail || p === V1_PLAIN.phone || p === V1_PLAIN.detail));
    t.is((await fireTimer(shop)).reencrypted, 0, 'idempotent: nothing left to do');
    t.deepEqual(await storedValues(shop), values, 'and nothing rewritten');

    // Settled for this configuration: later firings no longer scan (a value planted behind the sweep's back stays).
    const state = (await shop.db.collection('settings').doc('field_crypto').get()).data[0] as Rec;
    t.truthy(state?.settledFor);
    await shop.db.collection('addresses').doc('legacy-0').update({ phone: V1_PHONE });
    t.is((await fireTimer(shop)).reencrypted, 0, 'no scan while settled');
    t.is((await shop.db.collection('addresses').doc('legacy-0').get()).data[0].phone, V1_PHONE);
    // Deleting the record makes the next firing sweep again.
    await shop.db.collection('settings').doc('field_crypto').remove();
    t.is((await fireTimer(shop)).reencrypted, 1);
    t.regex((await shop.db.collection('addresses').doc('legacy-0').get()).data[0].phone as string, /^v2:k2:/);
  } finally {
    await shop.close();
  }

  // --- 3. A dropped: everything still reads ------------------------------------------------------------------------
  shop = await deploy({ SHOP_DATA_KEY: KEY_B, SHOP_DATA_KEY_ID: 'k2', SHOP_DATA_OLD_KEYS: '' }, false);
  try {
    await everythingReads(t, shop, world, 'A dropped');
  } finally {
    await shop.close();
  }
});

test.serial('the sweep stops at the deadline, and never overwrites a value changed since it was read', async (t) => {
  const shop = await startShop({
    only: ['user', 'jobs'],
    env: { SHOP_DATA_KEY: KEY_A, SHOP_DATA_KEY_ID: '', SHOP_DATA_OLD_KEYS: '' },
  });
  try {
    const now = new Date();
    const legacy = (i: number) => ({
      _id: `stale-${i}`,
      openid: 'o-stale',
      name: '老用户',
      phone: V1_PHONE,
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: V1_DETAIL,
      isDefault: i === 0,
      createdAt: now,
      updatedAt: now,
    });
    await shop.db.collection('addresses').add([legacy(0), legacy(1)]);
    shop.useSdkInThisProcess();
    Object.assign(process.env, { SHOP_DATA_KEY: KEY_A, SHOP_DATA_KEY_ID: '', SHOP_DATA_OLD_KEYS: '' });
    const { reencryptPersonalData, reencryptRecord } = await import('./reencrypt.js');

    t.is(await reencryptPersonalData(Date.now() - 1), 0, 'no time left: nothing done');
    const stored = async (id: string) => (await shop.db.collection('addresses').doc(id).get()).data[0] as Rec;
    t.is((await stored('stale-0')).phone, V1_PHONE);

    // Read by the sweep, then saved by the shopper before the sweep writes: the shopper's value stays.
    const read = await stored('stale-0');
    const saved = { name: '老用户', province: '浙江省', city: '杭州市', district: '西湖区', ...SAVED, addressId: 'stale-0' };
    dataOf(await shop.call('user', 'addresses.save', saved, 'o-stale'));
    const afterSave = await stored('stale-0');
    t.false(await reencryptRecord('addresses', read as never), 'refused: the stored value is no longer the one read');
    t.is((await stored('stale-0')).phone, afterSave.phone);
    t.is(decryptField((await stored('stale-0')).phone, addressBinding('stale-0', 'phone')), SAVED.phone);

    t.true(await reencryptRecord('addresses', (await stored('stale-1')) as never));
    t.false(await reencryptRecord('addresses', (await stored('stale-1')) as never), 'already current: nothing to write');
    t.regex((await stored('stale-1')).phone, /^v2:k1:/);
  } finally {
    await shop.close();
  }
});

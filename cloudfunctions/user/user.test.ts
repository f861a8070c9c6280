import test from 'ava';
import { verifyMerchant } from '../../testkit/merchant.js';
import { TEST_DATA_KEY, dataOf, startShop } from '../../testkit/shop.js';
import type { AdminOrderDetail } from '../../typings/admin.js';
import type { OrderView } from '../../typings/order.js';
import type { Address, Profile } from '../../typings/user.js';
import { UNREADABLE_FIELD, addressBinding, decryptField, orderAddressBinding } from '../shared/platform/field-crypto.js';
import { maskDetail, maskPhone } from '../shared/rules/masks.js';

/** Profile and address book through the gateway. Each test is its own shopper, since tests run concurrently. */
const shop = await startShop();
test.after.always(() => shop.close());

const user = <T = Address[]>(route: string, params: Record<string, unknown>, openid: string) =>
  shop.call<T>('user', route, params, openid);
const PHONE = '13812345678';
const DETAIL = '文三路 478 号华星时代广场 A 座 1201 室';
const address = (overrides: Record<string, unknown> = {}) => ({
  name: '张三',
  phone: PHONE,
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: DETAIL,
  ...overrides,
});
const save = async (openid: string, overrides: Record<string, unknown> = {}) =>
  dataOf(await user<Address>('addresses.save', address(overrides), openid));

type StoredAddress = Record<string, unknown> & { _id: string; isDefault: boolean };
async function stored(openid: string): Promise<StoredAddress[]> {
  const { data } = (await shop.db.collection('addresses').where({ openid }).get()) as { data: StoredAddress[] };
  return data.sort((a, b) => a._id.localeCompare(b._id));
}
const defaults = async (openid: string) => (await stored(openid)).filter((a) => a.isDefault).map((a) => a._id);

test('masks: the phone keeps its first 3 and last 4 digits, the street its first 5 characters', (t) => {
  t.is(maskPhone(PHONE), '138****5678');
  t.is(maskDetail(DETAIL), '文三路 47****');
  t.is(maskDetail('一号'), '一****');
});

test('profile: created on first use, keeps its member-since date, nickname and avatar can be set', async (t) => {
  const me = 'o-user-profile-8f2a';
  const first = dataOf(await user<Profile>('profile', {}, me));
  t.like(first, { nickname: null, avatarUrl: null, displayName: '微信用户8f2a' });
  t.false(Number.isNaN(Date.parse(first.memberSince)));
  const updated = dataOf(
    await user<Profile>('profile.update', { nickname: ' 小明 ', avatarUrl: 'cloud://env/avatars/a.png' }, me),
  );
  t.like(updated, {
    nickname: '小明',
    avatarUrl: 'cloud://env/avatars/a.png',
    displayName: '小明',
    memberSince: first.memberSince,
  });
  t.like(dataOf(await user<Profile>('profile', {}, me)), { nickname: '小明', memberSince: first.memberSince });
  for (const bad of [
    {},
    { nickname: '' },
    { nickname: 'x'.repeat(10_000) },
    { avatarUrl: 'javascript:alert(1)' },
    { nickname: 1 },
    { nickname: '小红', openid: 'o-other' },
  ]) {
    t.like(await user('profile.update', bad, me), { ok: false, code: 'VALIDATION' }, JSON.stringify(bad).slice(0, 40));
  }
  t.like(dataOf(await user<Profile>('profile', {}, me)), { nickname: '小明' });
});

test('addresses: the first is the default; the list masks phone and street, default and get give them in full', async (t) => {
  const me = 'o-user-addresses';
  t.is(dataOf(await user<Address | null>('addresses.default', {}, me)), null);
  const home = await save(me);
  t.like(home, { isDefault: true, phone: '138****5678', name: '张三' });
  const office = await save(me, { name: '李四', phone: '13900001111', detail: '科技园 1 号' });
  t.false(office.isDefault);
  const list = dataOf(await user('addresses.list', {}, me));
  t.deepEqual(
    list.map((a) => [a.name, a.phone, a.detail, a.isDefault]),
    [
      ['张三', '138****5678', '文三路 47****', true],
      ['李四', '139****1111', '科技园****', false],
    ],
  );
  t.like(dataOf(await user<Address>('addresses.default', {}, me)), {
    addressId: home.addressId,
    phone: PHONE,
    detail: DETAIL,
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
  });
  t.like(dataOf(await user<Address>('addresses.get', { addressId: office.addressId }, me)), {
    phone: '13900001111',
    detail: '科技园 1 号',
  });
});

test('addresses: phone and street are stored encrypted', async (t) => {
  const me = 'o-user-encrypted';
  const saved = await save(me);
  const [doc] = await stored(me);
  t.is(doc!._id, saved.addressId);
  t.regex(String(doc!.phone), /^v2:k1:/);
  t.regex(String(doc!.detail), /^v2:k1:/);
  const text = JSON.stringify(doc);
  t.false(text.includes(PHONE));
  t.false(text.includes('5678'));
  t.false(text.includes('华星时代'));
  process.env.SHOP_DATA_KEY = TEST_DATA_KEY;
  t.is(decryptField(String(doc!.phone), addressBinding(saved.addressId, 'phone')), PHONE);
  t.is(decryptField(String(doc!.detail), addressBinding(saved.addressId, 'detail')), DETAIL);
});

// --- encrypted values are bound to their record and field -------------------------------------------------------

const setAddress = (addressId: string, fields: Record<string, unknown>) =>
  shop.db.collection('addresses').doc(addressId).update(fields);
const storedAddress = async (addressId: string) =>
  (await shop.db.collection('addresses').doc(addressId).get()).data[0] as Record<string, string>;

test("binding: another shopper's phone copied into my address, or my phone into my street, is never shown", async (t) => {
  const me = 'o-user-bind-me';
  const other = 'o-user-bind-other';
  const mine = await save(me);
  const second = await save(me, { name: '李四', phone: '13900001111', detail: '科技园 1 号' });
  const theirs = await save(other, { name: '王五', phone: '13700002222', detail: '人民路 9 号' });
  const [myDoc, theirDoc] = [await storedAddress(mine.addressId), await storedAddress(theirs.addressId)];
  await setAddress(mine.addressId, { phone: theirDoc.phone, detail: myDoc.phone });

  const list = dataOf(await user('addresses.list', {}, me));
  t.deepEqual(
    list.map((a) => [a.addressId, a.phone, a.detail]),
    [
      [mine.addressId, UNREADABLE_FIELD, UNREADABLE_FIELD],
      [second.addressId, '139****1111', '科技园****'],
    ],
    'the list still answers, the moved values shown as unreadable',
  );
  t.like(dataOf(await user<Address>('addresses.get', { addressId: mine.addressId }, me)), {
    name: '张三',
    phone: UNREADABLE_FIELD,
    detail: UNREADABLE_FIELD,
  });
  t.like(dataOf(await user<Address>('addresses.default', {}, me)), { addressId: mine.addressId, phone: UNREADABLE_FIELD });
  t.like(dataOf(await user<Address>('addresses.get', { addressId: theirs.addressId }, other)), {
    phone: '13700002222',
    detail: '人民路 9 号',
  });

  // Checkout refuses the unreadable address, taking nothing; saving it again repairs it.
  const stockBefore = await shop.inspect.stockOf('spu-002-01');
  const create = { lines: [{ skuId: 'spu-002-01', quantity: 1 }], addressId: mine.addressId, idempotencyKey: 'bind-me-1' };
  const refused = await shop.call('order', 'create', create, me);
  t.like(refused, { ok: false, code: 'INVALID_STATE' });
  t.regex(refused.ok ? '' : refused.message, /收货地址无法读取/);
  t.is(await shop.inspect.stockOf('spu-002-01'), stockBefore);
  t.deepEqual((await shop.db.collection('orders').where({ openid: me }).get()).data, []);
  await save(me, { addressId: mine.addressId });
  t.like(dataOf(await user<Address>('addresses.get', { addressId: mine.addressId }, me)), { phone: PHONE, detail: DETAIL });
});

test("binding: an order's address is re-encrypted for the order; copied into another order it is never shown", async (t) => {
  const [me, other] = ['o-user-bind-order-me', 'o-user-bind-order-other'];
  const mine = await shop.orderFor(me, 'spu-001-01');
  const theirs = await shop.orderFor(other, 'spu-001-01');
  const [myOrder, theirOrder] = [await shop.inspect.order(mine.orderId), await shop.inspect.order(theirs.orderId)];
  const book = (await shop.db.collection('addresses').where({ openid: me }).get()).data[0] as Record<string, string>;
  t.not(myOrder.address.phone, book.phone, 'not a copy of the address book value');
  process.env.SHOP_DATA_KEY = TEST_DATA_KEY;
  t.is(decryptField(myOrder.address.phone, orderAddressBinding(mine.orderId, 'phone')), '13912345678');
  t.is(decryptField(myOrder.address.detail, orderAddressBinding(mine.orderId, 'detail')), '文三路 1 号');
  t.throws(() => decryptField(myOrder.address.phone, addressBinding(book._id!, 'phone')));

  const orderDetail = async () => dataOf(await shop.call<OrderView>('order', 'detail', { orderId: mine.orderId }, me));
  t.like((await orderDetail()).address, { phone: '139****5678', detail: '文三路****' });
  await shop.db
    .collection('orders')
    .doc(mine.orderId)
    .update({ address: { ...myOrder.address, phone: theirOrder.address.phone, detail: book.detail } });
  t.like((await orderDetail()).address, { phone: UNREADABLE_FIELD, detail: UNREADABLE_FIELD });
  const listed = dataOf(await shop.call<{ items: OrderView[] }>('order', 'list', {}, me)).items;
  t.like(
    listed.find((o) => o.orderId === mine.orderId),
    { address: { phone: UNREADABLE_FIELD } },
    'the list still answers',
  );
  const owner = 'o-user-bind-owner';
  await verifyMerchant(shop, owner, 'owner');
  const revealed = dataOf(
    await shop.call<AdminOrderDetail>('admin', 'orders.detail', { orderId: mine.orderId, reveal: true }, owner),
  );
  t.like(revealed, { addressRevealed: true, address: { phone: UNREADABLE_FIELD, detail: UNREADABLE_FIELD } });
  const theirsRevealed = dataOf(
    await shop.call<AdminOrderDetail>('admin', 'orders.detail', { orderId: theirs.orderId, reveal: true }, owner),
  );
  t.like(theirsRevealed.address, { phone: '13912345678', detail: '文三路 1 号' });
});

test('addresses: edit, setDefault and save with isDefault keep exactly one default', async (t) => {
  const me = 'o-user-defaults';
  const a = await save(me);
  const b = await save(me, { name: 'B' });
  const c = await save(me, { name: 'C', isDefault: true });
  t.true(c.isDefault);
  t.deepEqual(await defaults(me), [c.addressId]);
  const afterSet = dataOf(await user('addresses.setDefault', { addressId: b.addressId }, me));
  t.is(afterSet[0]!.addressId, b.addressId, 'the default is listed first');
  t.deepEqual(await defaults(me), [b.addressId]);
  const edited = await save(me, { addressId: b.addressId, name: 'B2', isDefault: false });
  t.like(edited, { name: 'B2', isDefault: true }, 'the default cannot be unset, only moved');
  await save(me, { addressId: a.addressId, phone: '13700000000' });
  t.like(dataOf(await user<Address>('addresses.get', { addressId: a.addressId }, me)), {
    phone: '13700000000',
    isDefault: false,
  });
  t.deepEqual(await defaults(me), [b.addressId]);
});

test('addresses: removing the default promotes the most recently changed address', async (t) => {
  const me = 'o-user-remove';
  const a = await save(me, { name: 'A' });
  const b = await save(me, { name: 'B' });
  const c = await save(me, { name: 'C' });
  await save(me, { addressId: b.addressId, name: 'B (edited last)' });
  const left = dataOf(await user('addresses.remove', { addressId: a.addressId }, me));
  t.deepEqual(
    left.map((x) => x.addressId),
    [b.addressId, c.addressId],
  );
  t.deepEqual(await defaults(me), [b.addressId]);
  dataOf(await user('addresses.remove', { addressId: c.addressId }, me));
  t.deepEqual(await defaults(me), [b.addressId], 'removing a non-default leaves the default alone');
  t.deepEqual(dataOf(await user('addresses.remove', { addressId: b.addressId }, me)), []);
  t.is(dataOf(await user<Address | null>('addresses.default', {}, me)), null);
  t.like(await user('addresses.remove', { addressId: b.addressId }, me), { ok: false, code: 'NOT_FOUND' });
});

test('addresses: at most 20; the 21st is a CONFLICT and writes nothing', async (t) => {
  const me = 'o-user-max';
  for (let i = 0; i < 20; i++) await save(me, { name: `收货人${i}` });
  t.like(await user('addresses.save', address(), me), { ok: false, code: 'CONFLICT' });
  t.is((await stored(me)).length, 20);
  t.is((await defaults(me)).length, 1);
  t.is(dataOf(await user('addresses.list', {}, me)).length, 20);
});

test('addresses: concurrent first saves still leave exactly one default', async (t) => {
  const me = 'o-user-concurrent';
  const answers = await Promise.all(
    Array.from({ length: 4 }, (_v, i) => user<Address>('addresses.save', address({ name: `并发${i}` }), me)),
  );
  t.deepEqual(
    answers.filter((a) => !a.ok),
    [],
  );
  t.is((await stored(me)).length, 4);
  t.is((await defaults(me)).length, 1);
});

test("ownership: another shopper cannot read, edit, remove or make default someone's address", async (t) => {
  const owner = 'o-user-owner';
  const other = 'o-user-intruder';
  const mine = await save(owner);
  const before = await stored(owner);
  const id = { addressId: mine.addressId };
  t.like(await user('addresses.get', id, other), { ok: false, code: 'NOT_FOUND' });
  t.like(await user('addresses.save', address({ ...id, name: '黑客' }), other), { ok: false, code: 'NOT_FOUND' });
  t.like(await user('addresses.remove', id, other), { ok: false, code: 'NOT_FOUND' });
  t.like(await user('addresses.setDefault', id, other), { ok: false, code: 'NOT_FOUND' });
  t.deepEqual(dataOf(await user('addresses.list', {}, other)), []);
  t.is(dataOf(await user<Address | null>('addresses.default', {}, other)), null);
  t.deepEqual(await stored(owner), before);
  t.deepEqual(await stored(other), []);
});

const malformed: Array<[string, string, Record<string, unknown>]> = [
  ['unknown key', 'addresses.save', address({ openid: 'o-someone' })],
  ['phone not a mainland mobile', 'addresses.save', address({ phone: '12345678901' })],
  ['phone with extra digits', 'addresses.save', address({ phone: '138123456789' })],
  ['phone as a number', 'addresses.save', address({ phone: 13812345678 })],
  ['detail of 121 characters', 'addresses.save', address({ detail: '路'.repeat(121) })],
  ['10,000-character name', 'addresses.save', address({ name: 'x'.repeat(10_000) })],
  ['blank detail', 'addresses.save', address({ detail: '   ' })],
  ['isDefault as a string', 'addresses.save', address({ isDefault: 'true' })],
  ['missing city', 'addresses.save', { name: '张三', phone: PHONE, province: '浙江省', district: '西湖区', detail: DETAIL }],
  ['address id with an operator', 'addresses.get', { addressId: { $ne: null } }],
  ['10,000-character address id', 'addresses.remove', { addressId: 'a'.repeat(10_000) }],
  ['array as address id', 'addresses.setDefault', { addressId: ['a', 'b'] }],
  ['unknown key on list', 'addresses.list', { openid: 'o-someone' }],
];
for (const [title, route, params] of malformed) {
  test(`malformed input is refused with VALIDATION and writes nothing: ${title}`, async (t) => {
    const me = `o-user-bad-${title.replace(/[^a-z0-9]+/gi, '-')}`;
    t.like(await user(route, params, me), { ok: false, code: 'VALIDATION' });
    t.is((await stored(me)).length, 0);
  });
}

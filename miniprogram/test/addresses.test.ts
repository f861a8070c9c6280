import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { Address } from '../../typings/user.js';

// 收货地址 and its form on the real user function: what the pages save is read back from the database (encrypted)
// and from the routes (masked in the list, in full for the form).

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['user'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
const wx = () => (globalThis as Rec).wx as Rec;

/** Each test its own shopper, so the books do not mix. */
const newShopper = (): string => mp.newShopper('o-addr');

const sample = {
  name: '王五',
  phone: '13800138000',
  province: '广东省',
  city: '深圳市',
  district: '南山区',
  detail: '科技园南路 88 号 3 栋',
};

async function saveFor(openid: string, fields: Rec = {}): Promise<Address> {
  return dataOf(await mp.shop.call<Address>('user', 'addresses.save', { ...sample, ...fields }, openid));
}

async function bookOf(openid: string): Promise<Address[]> {
  return dataOf(await mp.shop.call<Address[]>('user', 'addresses.list', {}, openid));
}

const openList = (query: Record<string, string> = {}): Promise<RenderedPage> =>
  mp.renderLoaded('pages/mine/addresses/index', query);

const openForm = (query: Record<string, string> = {}): Promise<RenderedPage> =>
  mp.renderLoaded('pages/mine/address-edit/index', query);

/** Typing in a native input (simulate's inputs are inert: the event carries the value, as WeChat's does). */
async function type(page: RenderedPage, selector: string, value: string): Promise<void> {
  page.find(selector).dispatchEvent('input', { detail: { value } });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

async function pickRegion(page: RenderedPage, region: string[]): Promise<void> {
  page.find('.field--region').dispatchEvent('change', { detail: { value: region } });
  await new Promise((resolve) => setTimeout(resolve, 20));
}

test.serial('an empty book says so and offers the form', async (t) => {
  newShopper();
  const page = await openList();
  t.is(page.data.status, 'ready');
  t.is(text(page.find('.state--empty')), '还没有收货地址');
  await tap(page.find('.footer__add >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/mine/address-edit/index' });
  page.detach();
});

test.serial(
  'the form checks before sending, then saves an address the database keeps encrypted and the list shows masked',
  async (t) => {
    const openid = newShopper();
    const form = await openForm();
    t.is(form.data.status, 'ready');

    const saves = mp.callsOf('user', 'addresses.save').length;
    await tap(form.find('.footer__save >>> .t-button'));
    t.is(text(form.find('.form-error')), '请填写收货人');
    await type(form, '.field__name', '张三');
    await type(form, '.field__phone', '1380013');
    await tap(form.find('.footer__save >>> .t-button'));
    t.is(text(form.find('.form-error')), '请填写正确的手机号');
    await type(form, '.field__phone', '13800138000');
    await tap(form.find('.footer__save >>> .t-button'));
    t.is(text(form.find('.form-error')), '请选择所在地区');
    await pickRegion(form, ['浙江省', '杭州市', '西湖区']);
    t.is(text(form.find('.field--region .field__value')), '浙江省 杭州市 西湖区');
    await type(form, '.field__detail', '文三路 478 号 12 楼');
    t.is(mp.callsOf('user', 'addresses.save').length, saves, 'nothing was sent while the form was wrong');

    await tap(form.find('.footer__save >>> .t-button'));
    await waitFor('the save', () => mp.navigations.at(-1)?.method === 'navigateBack');
    t.is(mp.toasts.at(-1), '已保存');
    form.detach();

    // Stored: phone and street encrypted, the rest as typed; the first address is the default.
    const { data } = await mp.shop.db.collection('addresses').where({ openid }).get();
    t.is(data.length, 1);
    const stored = data[0];
    t.like(stored, { name: '张三', province: '浙江省', city: '杭州市', district: '西湖区', isDefault: true });
    t.false(String(stored.phone).includes('13800138000'), 'the phone is not stored in the clear');
    t.false(String(stored.detail).includes('文三路'), 'nor the street');
    const full = dataOf(await mp.shop.call<Address>('user', 'addresses.get', { addressId: stored._id }, openid));
    t.like(full, { phone: '13800138000', detail: '文三路 478 号 12 楼' });

    // The list shows what addresses.list answers: masked.
    const list = await openList();
    const [masked] = await bookOf(openid);
    t.is(masked!.phone, '138****8000');
    t.is(text(list.find('.address__phone')), masked!.phone);
    t.is(text(list.find('.address__line')), `浙江省杭州市西湖区 ${masked!.detail}`);
    t.false(text(list.find('.address')).includes('文三路 478'), 'the full street is not shown in the list');
    t.is(text(list.find('.address__default')), '默认');
    list.detach();
  },
);

test.serial('editing loads the address in full and saves the change', async (t) => {
  const openid = newShopper();
  const saved = await saveFor(openid);
  const form = await openForm({ addressId: saved.addressId });
  t.is(mp.titles.at(-1), '编辑收货地址');
  t.is(form.data.form.phone, '13800138000', 'in full, to be edited');
  t.is(form.data.form.detail, sample.detail);
  t.is(text(form.find('.field--region .field__value')), '广东省 深圳市 南山区');

  await type(form, '.field__detail', '科技园南路 99 号');
  await pickRegion(form, ['广东省', '深圳市', '福田区']);
  await tap(form.find('.footer__save >>> .t-button'));
  await waitFor('the save', () => mp.navigations.at(-1)?.method === 'navigateBack');
  form.detach();

  const after = dataOf(await mp.shop.call<Address>('user', 'addresses.get', { addressId: saved.addressId }, openid));
  t.like(after, { detail: '科技园南路 99 号', district: '福田区', phone: '13800138000' });
  t.is((await bookOf(openid)).length, 1, 'edited, not added');
});

test.serial('set default and remove (after confirming) change the book; cancelling removes nothing', async (t) => {
  const openid = newShopper();
  const first = await saveFor(openid, { name: '甲' });
  const second = await saveFor(openid, { name: '乙' });
  const page = await openList();
  t.deepEqual(page.findAll('.address__name').map(text), ['甲', '乙'], 'the default first');

  // 乙 becomes the default.
  await tap(page.findAll('.address__make-default')[0]!);
  await waitFor('the new default', () => page.data.rows[0]?.addressId === second.addressId);
  t.true((await bookOf(openid)).find((a) => a.addressId === second.addressId)!.isDefault);
  t.is(mp.toasts.at(-1), '已设为默认地址');

  // Removing asks first; cancelled, the address stays.
  mp.answerModals(false);
  await tap(page.findAll('.address__remove')[1]!);
  t.deepEqual(mp.modals.at(-1), { title: '删除收货地址', content: '确定删除这个收货地址吗？' });
  t.is((await bookOf(openid)).length, 2);

  mp.answerModals(true);
  await tap(page.findAll('.address__remove')[1]!);
  await waitFor('the removal', () => page.data.rows.length === 1);
  const book = await bookOf(openid);
  t.deepEqual(
    book.map((a) => a.addressId),
    [second.addressId],
  );
  t.is((await mp.shop.db.collection('addresses').doc(first.addressId).get()).data.length, 0, 'gone from the database');
  t.deepEqual(page.findAll('.address__name').map(text), ['乙']);
  page.detach();
});

test.serial('as a chooser (?select=1) a tap stores the address for checkout and goes back', async (t) => {
  const openid = newShopper();
  await saveFor(openid, { name: '甲' });
  const other = await saveFor(openid, { name: '乙' });
  const page = await openList({ select: '1' });
  t.is(mp.titles.at(-1), '选择收货地址');
  const row = page.findAll('.address__body').find((n) => text(n).includes('乙'))!;
  await tap(row);
  t.is(mp.storage.get('checkout:addressId'), other.addressId);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateBack', url: '' });
  page.detach();

  // Opened again, the chosen one is marked.
  const again = await openList({ select: '1' });
  t.true(text(again.find('.address--chosen')).includes('乙'));
  again.detach();
  mp.storage.delete('checkout:addressId');

  // The opener may name the address it uses now: marked too.
  const named = await openList({ select: '1', addressId: other.addressId });
  t.true(text(named.find('.address--chosen')).includes('乙'));
  named.detach();

  // Outside the chooser a tap on an address does nothing.
  const plain = await openList();
  const before = mp.navigations.length;
  await tap(plain.find('.address__body'));
  t.is(mp.navigations.length, before);
  plain.detach();
});

test.serial('errors show the route’s message: an address that is not the shopper’s, a full book', async (t) => {
  const owner = newShopper();
  const theirs = await saveFor(owner);
  newShopper();
  const refusal = await mp.shop.call('user', 'addresses.get', { addressId: theirs.addressId }, mp.openid);
  t.false(refusal.ok);
  const form = await openForm({ addressId: theirs.addressId });
  t.is(form.data.status, 'error');
  t.is(text(form.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  form.detach();

  // A book of 20: the list refuses to open the form, and the route's own refusal reaches the form.
  const full = newShopper();
  for (let i = 0; i < 20; i++) await saveFor(full, { name: `收货人${i}` });
  const list = await openList();
  t.is(list.findAll('.address').length, 20);
  const navigations = mp.navigations.length;
  await tap(list.find('.footer__add >>> .t-button'));
  t.is(mp.navigations.length, navigations);
  t.is(mp.toasts.at(-1), '最多保存 20 个收货地址，请先删除不用的地址');
  list.detach();

  const extra = await openForm();
  await type(extra, '.field__name', '多余');
  await type(extra, '.field__phone', '13900000000');
  await pickRegion(extra, ['北京市', '北京市', '朝阳区']);
  await type(extra, '.field__detail', '建国路 1 号');
  await tap(extra.find('.footer__save >>> .t-button'));
  await waitFor('the refusal', () => extra.data.formError);
  const refused = await mp.shop.call('user', 'addresses.save', { ...sample }, full);
  t.is(extra.data.formError, refused.ok ? '' : refused.message);
  t.is(text(extra.find('.form-error')), '最多保存 20 个收货地址，请先删除不用的地址');
  t.is((await bookOf(full)).length, 20);
  extra.detach();
});

test.serial('the list’s loading error shows the message and a retry', async (t) => {
  // A shopper with a broken address document (written half-way: no `updatedAt`) makes addresses.list fail.
  const openid = newShopper();
  await mp.shop.db.collection('addresses').add({
    _id: 'addr-broken',
    openid,
    name: '坏数据',
    province: '北京市',
    city: '北京市',
    district: '东城区',
    isDefault: true,
    createdAt: new Date(),
  });
  const refusal = await mp.shop.call('user', 'addresses.list', {}, openid);
  t.false(refusal.ok);
  const page = await openList();
  t.is(page.data.status, 'error');
  t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);

  await mp.shop.db.collection('addresses').doc('addr-broken').remove();
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the book after retrying', () => page.data.status === 'ready');
  t.true(page.has('.state--empty'));
  page.detach();
});

test.serial('使用微信收货地址 waits for the privacy popup: 拒绝 stops it, 同意 fills the form', async (t) => {
  newShopper();
  // The harness has no wx.chooseAddress: this stand-in behaves as WeChat's, held by the privacy check like every
  // sensitive API (wx.requirePrivacyAuthorize is the harness's gate) and then handing over the shopper's address.
  const original = wx().chooseAddress;
  wx().chooseAddress = (opts: Rec) =>
    wx().requirePrivacyAuthorize({
      success: () =>
        opts.success?.({
          errMsg: 'chooseAddress:ok',
          userName: '赵六',
          telNumber: '+86 139-0000-1111',
          provinceName: '上海市',
          cityName: '上海市',
          countyName: '浦东新区',
          detailInfo: '世纪大道 100 号',
        }),
      fail: (err: Rec) => opts.fail?.({ ...err, errMsg: String(err.errMsg).replace('requirePrivacyAuthorize', 'chooseAddress') }),
    });
  try {
    const form = await openForm();
    mp.needPrivacyAuthorization(true);
    await tap(form.find('.import'));
    await waitFor('the privacy popup', () => form.has('.privacy-popup >>> .privacy'));
    t.is(text(form.find('.privacy-popup >>> .privacy__title')), '用户隐私保护提示');
    t.true(text(form.find('.privacy-popup >>> .privacy__link')).includes('隐私保护指引'));
    await tap(form.find('.privacy-popup >>> .privacy__disagree'));
    await waitFor('the refusal', () => mp.toasts.at(-1) === '未同意隐私保护指引，无法读取微信地址');
    t.false(form.has('.privacy-popup >>> .privacy'));
    t.is(form.data.form.name, '', 'nothing filled');
    t.true(mp.privacyNeeded);

    await tap(form.find('.import'));
    await waitFor('the privacy popup again', () => form.has('.privacy-popup >>> .privacy'));
    // WeChat fires agreeprivacyauthorization when the shopper taps the 同意 button (open-type="agreePrivacyAuthorization").
    const agree = form.find('.privacy-popup >>> #privacy-agree');
    agree.dispatchEvent('agreeprivacyauthorization');
    await waitFor('the address filled in', () => form.data.form.name === '赵六');
    t.false(mp.privacyNeeded);
    t.like(form.data.form, { phone: '13900001111', region: ['上海市', '上海市', '浦东新区'], detail: '世纪大道 100 号' });
    t.is(text(form.find('.field--region .field__value')), '上海市 上海市 浦东新区');
    form.detach();
  } finally {
    mp.needPrivacyAuthorization(false);
    wx().chooseAddress = original;
  }
});

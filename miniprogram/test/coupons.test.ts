import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { couponTemplate, dataOf } from '../../testkit/shop.js';
import type { ClaimableCoupon, CouponPage } from '../../typings/coupon.js';

// 领券中心 and 我的优惠券 on the real coupon function: claims are read back from the database and from coupon.mine.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['coupon'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
const newShopper = (): string => mp.newShopper('o-coupon');

const openCentre = (): Promise<RenderedPage> => mp.renderLoaded('pages/coupon/center/index');

const openMine = (query: Record<string, string> = {}): Promise<RenderedPage> => mp.renderLoaded('pages/coupon/mine/index', query);

const rowOf = (page: RenderedPage, name: string) => page.findAll('.coupon-row').find((n) => text(n).includes(name));
/** The claim button of a coupon: the page's own node, slotted into the coupon's ticket. */
function claimButton(page: RenderedPage, name: string) {
  const index = page.findAll('.coupon-row').findIndex((n) => text(n).includes(name));
  const button = page.findAll('.claim')[index];
  if (index < 0 || !button) throw new Error(`no coupon ${name}`);
  return button;
}

async function claimIn(page: RenderedPage, name: string): Promise<void> {
  const before = mp.callsOf('coupon', 'claimable').length;
  await tap(claimButton(page, name));
  await waitFor(
    'the claim and the list after it',
    () => !page.data.claiming && mp.callsOf('coupon', 'claimable').length > before,
  );
}

test.serial('the centre lists the claimable coupons as coupon.claimable answers them', async (t) => {
  const openid = newShopper();
  const page = await openCentre();
  const claimable = dataOf(await mp.shop.call<ClaimableCoupon[]>('coupon', 'claimable', {}, openid));
  t.true(claimable.length >= 3);
  t.deepEqual(
    page.findAll('.coupon-row >>> .coupon__name').map(text),
    claimable.map((c) => c.name),
  );
  const faces = Object.fromEntries(
    page
      .findAll('.coupon-row')
      .map((row) => [text(row.querySelector('.coupon__name')), text(row.querySelector('.coupon__face'))]),
  );
  t.is(faces['全场满99减10'], '¥10满99可用');
  t.is(faces['食品9折券'], '9折无门槛');
  t.is(faces['5元无门槛券'], '¥5无门槛');
  const free = rowOf(page, '5元无门槛券')!;
  t.is(text(free.querySelector('.coupon__dates')), '领取后 3 天内有效');
  t.is(text(free.querySelector('.coupon__note')), '剩余 2000 张 · 每人限领 2 张');
  t.is(text(free.querySelector('.coupon__scope')), '全场通用');
  t.true(page.findAll('.claim').every((b) => text(b) === '立即领取'));

  await tap(page.find('.head__mine'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/coupon/mine/index' });
  page.detach();
});

test.serial('a claimed coupon turns 已领取 at its limit and appears in 我的优惠券', async (t) => {
  const openid = newShopper();
  const page = await openCentre();

  await claimIn(page, '全场满99减10');
  t.is(mp.toasts.at(-1), '领取成功');
  t.is(text(claimButton(page, '全场满99减10')), '已领取');
  const held = (await mp.shop.db.collection('user_coupons').where({ openid }).get()).data as Rec[];
  t.deepEqual(
    held.map((c) => c.templateId),
    ['ct-all-99-10'],
  );
  t.is(held[0]!.status, 'available');

  // Two per shopper: the first claim leaves the button on, the second turns it off.
  await claimIn(page, '5元无门槛券');
  const free = () => rowOf(page, '5元无门槛券')!;
  t.is(text(claimButton(page, '5元无门槛券')), '立即领取');
  t.true(text(free().querySelector('.coupon__note')).endsWith('已领 1 张'));
  await claimIn(page, '5元无门槛券');
  t.is(text(claimButton(page, '5元无门槛券')), '已领取');
  // Tapping 已领取 asks nothing.
  const claims = mp.callsOf('coupon', 'claim').length;
  await tap(claimButton(page, '5元无门槛券'));
  t.is(mp.callsOf('coupon', 'claim').length, claims);
  page.detach();

  const mine = await openMine();
  const available = dataOf(await mp.shop.call<CouponPage>('coupon', 'mine', { status: 'available' }, openid));
  t.is(available.items.length, 3);
  t.deepEqual(mine.findAll('.list__item >>> .coupon__name').map(text).sort(), available.items.map((c) => c.name).sort());
  t.true(mine.findAll('.use').every((b) => text(b) === '去使用'));
  await tap(mine.find('.use'));
  t.deepEqual(mp.lastNavigation(), { method: 'switchTab', url: '/pages/home/index' });
  mine.detach();
});

test.serial('a coupon claimed out meanwhile answers 已抢光 and stays marked', async (t) => {
  await mp.shop.db.collection('coupon_templates').add(couponTemplate('ct-last-one', { name: '最后一张券', total: 1 }));
  try {
    newShopper();
    const page = await openCentre();
    t.truthy(rowOf(page, '最后一张券'));
    // Another shopper takes the last one first.
    dataOf(await mp.shop.call('coupon', 'claim', { templateId: 'ct-last-one' }, 'o-coupon-faster'));
    const refusal = await mp.shop.call('coupon', 'claim', { templateId: 'ct-last-one' }, 'o-coupon-probe');
    t.false(refusal.ok);

    await claimIn(page, '最后一张券');
    t.is(mp.toasts.at(-1), refusal.ok ? '' : refusal.message);
    t.is(mp.toasts.at(-1), '已抢光');
    const row = rowOf(page, '最后一张券')!;
    t.is(text(claimButton(page, '最后一张券')), '已抢光');
    t.is(text(row.querySelector('.coupon__note')), '已被领完');
    t.is((await mp.shop.db.collection('user_coupons').where({ openid: mp.openid }).get()).data.length, 0);
    page.detach();

    // Opened again, the centre no longer lists it.
    const again = await openCentre();
    t.falsy(rowOf(again, '最后一张券'));
    again.detach();
  } finally {
    await mp.shop.db.collection('coupon_templates').doc('ct-last-one').remove();
  }
});

test.serial('the centre’s empty and error states', async (t) => {
  newShopper();
  const active = (await mp.shop.db.collection('coupon_templates').where({ status: 'active' }).get()).data as Rec[];
  await Promise.all(active.map((c) => mp.shop.db.collection('coupon_templates').doc(c._id).update({ status: 'paused' })));
  try {
    const page = await openCentre();
    t.is(text(page.find('.state--empty')), '暂无可领取的优惠券，过几天再来看看');
    page.detach();
  } finally {
    await Promise.all(active.map((c) => mp.shop.db.collection('coupon_templates').doc(c._id).update({ status: 'active' })));
  }

  // A template written half-way (no validity) makes the real route fail.
  const broken = couponTemplate('ct-broken');
  delete broken.validity;
  await mp.shop.db.collection('coupon_templates').add(broken);
  try {
    const refusal = await mp.shop.call('coupon', 'claimable', {}, mp.openid);
    t.false(refusal.ok);
    const page = await openCentre();
    t.is(page.data.status, 'error');
    t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    await mp.shop.db.collection('coupon_templates').doc('ct-broken').remove();
    await tap(page.find('.state__retry >>> .t-button'));
    await waitFor('the list after retrying', () => page.data.status === 'ready');
    t.true(page.findAll('.coupon-row').length >= 3);
    page.detach();
  } finally {
    await mp.shop.db.collection('coupon_templates').doc('ct-broken').remove();
  }
});

/** Coupons of a shopper written as the wallet keeps them (status and dates set for the tab under test). */
async function wallet(openid: string, coupons: Array<Partial<Rec>>): Promise<void> {
  const day = 86_400_000;
  const now = Date.now();
  await mp.shop.db.collection('user_coupons').add(
    coupons.map((c, i) => ({
      _id: `uc-${openid}-${i}`,
      openid,
      templateId: 'ct-free-5',
      name: `测试券${String(i).padStart(2, '0')}`,
      rule: { kind: 'no_threshold', off: 500 },
      scope: { type: 'all' },
      status: 'available',
      orderId: null,
      claimedAt: new Date(now - 2 * day),
      validFrom: new Date(now - day),
      validUntil: new Date(now + (i + 1) * day),
      ...c,
    })),
  );
}

test.serial('我的优惠券: tabs by status, a page at a time as the shopper scrolls', async (t) => {
  const openid = newShopper();
  const day = 86_400_000;
  await wallet(openid, [
    ...Array.from({ length: 12 }, () => ({})),
    { name: '已用券', status: 'used', orderId: 'order-1', usedAt: new Date() },
    { name: '过期券', validFrom: new Date(Date.now() - 10 * day), validUntil: new Date(Date.now() - day) },
  ]);
  const page = await openMine();
  t.deepEqual(page.findAll('.tab').map(text), ['可使用', '已使用', '已过期']);
  t.is(page.findAll('.list__item').length, 10, 'the first page');
  const first = dataOf(await mp.shop.call<CouponPage>('coupon', 'mine', { status: 'available', pageSize: 10 }, openid));
  t.deepEqual(
    page.findAll('.list__item >>> .coupon__name').map(text),
    first.items.map((c) => c.name),
  );
  page.reachBottom();
  await waitFor('the next page', () => page.data.more !== 'loading' && page.data.rows.length > 10);
  t.is(page.findAll('.list__item').length, 12);
  t.is(text(page.find('.more')), '没有更多了');
  t.is(new Set(page.data.rows.map((r: Rec) => r.couponId)).size, 12, 'each coupon once');

  await tap(page.find('.tab--used'));
  await waitFor('the used tab', () => page.data.status === 'ready' && page.data.tab === 'used');
  t.deepEqual(page.findAll('.list__item >>> .coupon__name').map(text), ['已用券']);
  t.is(text(page.find('.list__item >>> .coupon__note')), '已使用');
  t.true(page.find('.list__item').data.muted);
  t.false(page.has('.use'));

  await tap(page.find('.tab--expired'));
  await waitFor('the expired tab', () => page.data.status === 'ready' && page.data.tab === 'expired');
  t.deepEqual(page.findAll('.list__item >>> .coupon__name').map(text), ['过期券']);
  t.is(text(page.find('.list__item >>> .coupon__note')), '已过期');
  page.detach();

  // ?status=used opens that tab.
  const used = await openMine({ status: 'used' });
  t.is(text(used.find('.tab--active')), '已使用');
  t.is(mp.calls.at(-1)!.params.status, 'used');
  used.detach();
});

test.serial(
  '我的优惠券: an empty tab offers the centre; a wallet that cannot be read shows the message and a retry',
  async (t) => {
    const openid = newShopper();
    const page = await openMine();
    t.is(text(page.find('.state--empty')), '暂无可用的优惠券去领券中心');
    await tap(page.find('.state__centre >>> .t-button'));
    t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/coupon/center/index' });
    page.detach();

    // A coupon written half-way (no rule) makes coupon.mine fail for real.
    await wallet(openid, [{ _id: 'uc-broken', rule: undefined }]);
    await mp.shop.db.collection('user_coupons').doc('uc-broken').update({ rule: mp.shop.db.command.remove() });
    const refusal = await mp.shop.call('coupon', 'mine', { status: 'available' }, openid);
    t.false(refusal.ok);
    const broken = await openMine();
    t.is(broken.data.status, 'error');
    t.is(text(broken.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    await mp.shop.db
      .collection('user_coupons')
      .doc('uc-broken')
      .update({ rule: { kind: 'no_threshold', off: 300 } });
    await tap(broken.find('.state__retry >>> .t-button'));
    await waitFor('the wallet after retrying', () => broken.data.status === 'ready');
    t.is(broken.findAll('.list__item').length, 1);
    broken.detach();
  },
);

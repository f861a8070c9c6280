import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { FlashSaleView } from '../../typings/flashsale.js';
import type { ActivityDetail, GroupView } from '../../typings/groupbuy.js';

// 限时秒杀 and 拼团 (list, activity, group) on the real flashsale, groupbuy, user and pay functions: orders, units and
// seats are read back from the database.

let mp: MiniProgram;
let demoSale: Record<string, any>;

test.before(async () => {
  mp = await startMiniProgram({ only: ['flashsale', 'groupbuy', 'user', 'pay'] });
  demoSale = (await mp.shop.db.collection('flash_sales').doc(SALE).get()).data[0];
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
const SALE = 'fs-earphone-199';
const ACTIVITY = 'gb-nuts';
const HOUR = 3_600_000;

const newShopper = (prefix = 'o-promo'): string => mp.newShopper(prefix);

/** The demo sale as seeded, then changed for a test (`running`: started an hour ago, ends in an hour). */
async function saleAs(fields: Rec): Promise<void> {
  const { _id, ...seeded } = demoSale;
  await mp.shop.db
    .collection('flash_sales')
    .doc(SALE)
    .set({ ...seeded, ...fields });
}
const running = () => ({ startAt: new Date(Date.now() - HOUR), endAt: new Date(Date.now() + HOUR) });

const open = (route: string, query: Record<string, string> = {}): Promise<RenderedPage> => mp.renderLoaded(route, query);

/** Waits for a navigation to the order page after `before` navigations. */
async function orderOpened(before: number): Promise<string> {
  await waitFor('the order page', () => mp.navigations.slice(before).some((n) => n.url.startsWith('/pages/order/detail/index')));
  return mp.navigations.slice(before).find((n) => n.url.startsWith('/pages/order/detail/index'))!.url;
}

const ordersOf = async (openid: string) => (await mp.shop.db.collection('orders').where({ openid }).get()).data as Rec[];

test.afterEach.always(async () => {
  await saleAs({});
});

test.serial('秒杀: an upcoming sale counts down to its start and cannot be bought yet', async (t) => {
  newShopper();
  const page = await open('pages/promo/flashsale/index', { flashSaleId: SALE });
  t.is(page.findAll('.sale').length, 1);
  const sale = page.find('.sale');
  t.true(text(sale).includes('降噪蓝牙耳机 限时秒杀'));
  t.is(text(page.find('.sale__price')), '¥199.00¥399.00');
  t.is(text(page.find('.sale__remaining')), '限量 20 件');
  t.is(text(page.find('.sale__limit')), '每人限购 1 件');
  t.regex(text(page.find('.sale__countdown')), /^距开始00:5\d:\d\d$/);
  t.is(text(page.find('.sale__buy')), '即将开始');
  await tap(page.find('.sale__buy'));
  t.is(mp.callsOf('flashsale', 'buy').length, 0);
  t.is(text(page.find('.address >>> .bar__empty')), '请选择收货地址');
  page.detach();
});

test.serial('秒杀: 立即抢购 asks for an address first, then buys one unit and opens the unpaid order', async (t) => {
  await saleAs(running());
  const openid = newShopper();
  const page = await open('pages/promo/flashsale/index', { flashSaleId: SALE });
  t.is(text(page.find('.sale__buy')), '立即抢购');
  t.regex(text(page.find('.sale__countdown')), /^距结束(00:59:[0-5]\d|01:00:00)$/);

  await tap(page.find('.sale__buy'));
  t.is(mp.toasts.at(-1), '请先选择收货地址');
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/mine/addresses/index?select=1' });
  t.is(mp.callsOf('flashsale', 'buy').length, 0);

  // Back from the address book with an address.
  await mp.shop.addressFor(openid);
  page.show();
  await waitFor('the address bar', () => page.data.address);
  t.is(text(page.find('.address >>> .bar__name')), '李四');
  t.is(text(page.find('.address >>> .bar__phone')), '139****5678');
  t.is(text(page.find('.address >>> .bar__line')), '浙江省杭州市西湖区 文三路 1 号');

  // Another address picked in the chooser (which the bar opens with the current one marked) is taken on return.
  const other = dataOf(
    await mp.shop.call<{ addressId: string }>(
      'user',
      'addresses.save',
      { name: '王五', phone: '13800138000', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 1 号' },
      openid,
    ),
  );
  await tap(page.find('.address >>> .bar'));
  t.deepEqual(mp.lastNavigation(), {
    method: 'navigateTo',
    url: `/pages/mine/addresses/index?select=1&addressId=${page.data.address.addressId}`,
  });
  mp.storage.set('checkout:addressId', other.addressId);
  page.show();
  await waitFor('the picked address', () => page.data.address?.addressId === other.addressId);
  t.is(text(page.find('.address >>> .bar__name')), '王五');
  t.false(mp.storage.has('checkout:addressId'), 'taken, as checkout takes it');

  const before = mp.navigations.length;
  await tap(page.find('.sale__buy'));
  await orderOpened(before);
  const [order] = await ordersOf(openid);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${order!._id}` });
  t.is(order!.status, 'pending_payment');
  t.is(order!.address.name, '王五', 'shipped to the address in the bar');
  t.is(order!.idempotencyKey, mp.callsOf('flashsale', 'buy').at(-1)!.params.idempotencyKey);
  t.is((await mp.shop.db.collection('flash_sales').doc(SALE).get()).data[0].remaining, 19);

  await waitFor('the sale as it is now', () => text(page.find('.sale__remaining')) === '仅剩 19 件');
  t.is(text(page.find('.sale__buy')), '已抢购（限购 1 件）');
  t.is(text(page.find('.sale__limit')), '每人限购 1 件，已抢 1 件');
  t.is(page.data.attempt, null, 'the attempt is over');
  const buys = mp.callsOf('flashsale', 'buy').length;
  await tap(page.find('.sale__buy'));
  t.is(mp.callsOf('flashsale', 'buy').length, buys);
  page.detach();
});

test.serial('秒杀: a buy lost on the way is retried with the same key and gives one order', async (t) => {
  await saleAs(running());
  const openid = newShopper();
  await mp.shop.addressFor(openid);
  const page = await open('pages/promo/flashsale/index');
  await waitFor('the address bar', () => page.data.address);

  // Signed out for a moment: the gateway refuses the call, the app cannot know whether it went through.
  mp.signInAs('');
  await tap(page.find('.sale__buy'));
  await waitFor('the failure', () => !page.data.buying && mp.toasts.at(-1) === '网络不给力，请检查网络后重试');
  const kept = page.data.attempt;
  t.truthy(kept, 'the key is kept for the retry');
  t.is(mp.callsOf('flashsale', 'buy').at(-1)!.params.idempotencyKey, kept.key);

  mp.signInAs(openid);
  const before = mp.navigations.length;
  await tap(page.find('.sale__buy'));
  await orderOpened(before);
  const [first, second] = mp.callsOf('flashsale', 'buy').slice(-2);
  t.is(second!.params.idempotencyKey, first!.params.idempotencyKey, 'the retry sent the same key');
  const orders = await ordersOf(openid);
  t.is(orders.length, 1);
  t.is(orders[0]!.idempotencyKey, kept.key);
  page.detach();
});

test.serial('秒杀: a sale that ended meanwhile answers the route’s refusal and shows 已结束', async (t) => {
  await saleAs(running());
  const openid = newShopper();
  await mp.shop.addressFor(openid);
  const page = await open('pages/promo/flashsale/index', { flashSaleId: SALE });
  await waitFor('the address bar', () => page.data.address);
  await saleAs({ startAt: new Date(Date.now() - 2 * HOUR), endAt: new Date(Date.now() - 1000) });
  await tap(page.find('.sale__buy'));
  await waitFor('the refusal', () => !page.data.buying && page.data.rows[0]?.state === 'ended');
  const refusal = await mp.shop.call(
    'flashsale',
    'buy',
    { flashSaleId: SALE, quantity: 1, addressId: page.data.address.addressId, idempotencyKey: 'probe-ended-1' },
    openid,
  );
  t.false(refusal.ok);
  t.true(mp.toasts.includes(refusal.ok ? '' : refusal.message));
  t.is(page.data.attempt, null, 'a refusal settles the attempt: the next buy gets a new key');
  t.is(text(page.find('.sale__buy')), '已结束');
  t.false(page.has('.sale__countdown'));
  t.is((await ordersOf(openid)).length, 0);
  page.detach();
});

test.serial('秒杀: sold out, nothing on, and a sale that cannot be read', async (t) => {
  newShopper();
  await saleAs({ ...running(), remaining: 0 });
  const soldOut = await open('pages/promo/flashsale/index');
  t.is(text(soldOut.find('.sale__buy')), '已抢光');
  t.is(text(soldOut.find('.sale__remaining')), '仅剩 0 件');
  soldOut.detach();

  await saleAs({ startAt: new Date(Date.now() - 2 * HOUR), endAt: new Date(Date.now() - HOUR) });
  const none = await open('pages/promo/flashsale/index');
  t.is(text(none.find('.state--empty')), '暂无秒杀活动，敬请期待');
  none.detach();

  // A sale written half-way (no start) makes flashsale.list fail for real.
  await saleAs({ startAt: null });
  await mp.shop.db.collection('flash_sales').doc(SALE).update({ startAt: mp.shop.db.command.remove() });
  const refusal = await mp.shop.call<FlashSaleView[]>('flashsale', 'list', {}, mp.openid);
  t.false(refusal.ok);
  const broken = await open('pages/promo/flashsale/index');
  t.is(broken.data.status, 'error');
  t.is(text(broken.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  await saleAs({});
  await tap(broken.find('.state__retry >>> .t-button'));
  await waitFor('the sales after retrying', () => broken.data.status === 'ready');
  t.is(broken.findAll('.sale').length, 1);
  broken.detach();
});

test.serial('拼团: the list shows the activities with their tiers and opens one', async (t) => {
  newShopper();
  const page = await open('pages/promo/groupbuy/index');
  t.is(page.findAll('.activity').length, 1);
  t.is(text(page.find('.activity__title')), '每日坚果礼盒 3人拼团');
  t.is(text(page.find('.activity__tiers')), '2人团 ¥59.00 · 3人团 ¥49.00');
  t.true(text(page.find('.activity__price')).startsWith('3人团¥49.00'));
  t.is(text(page.find('.activity__go')), '去拼团');
  await tap(page.find('.activity'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/promo/groupbuy-activity/index?activityId=gb-nuts' });
  page.detach();
});

test.serial('拼团: open a group, the leader pays, another shopper joins it; the group page shows both', async (t) => {
  const leader = newShopper('o-leader');
  await mp.shop.addressFor(leader);
  const page = await open('pages/promo/groupbuy-activity/index', { activityId: ACTIVITY });
  await waitFor('the address bar', () => page.data.address);
  const activity = dataOf(await mp.shop.call<ActivityDetail>('groupbuy', 'activity', { activityId: ACTIVITY }, leader));
  t.deepEqual(page.findAll('.tier').map(text), ['2人¥59.00', '3人¥49.00']);
  t.is(page.findAll('.sku').length, activity.skus.length);
  t.true(page.find('.sku').dom!.getAttribute('class')!.includes('sku--active'), 'the first SKU is chosen');
  t.is(text(page.find('.groups__empty')), '暂时没有可参与的团，发起一个吧');
  t.is(text(page.find('.footer__open >>> .t-button')), '发起拼团');

  // The second SKU, two units (the most one member may buy).
  await tap(page.findAll('.sku')[1]!);
  await tap(page.find('.stepper__more'));
  await tap(page.find('.stepper__more'));
  t.is(page.data.quantity, 2);
  t.is(mp.toasts.at(-1), '每人限购 2 件');
  const before = mp.navigations.length;
  await tap(page.find('.footer__open >>> .t-button'));
  await orderOpened(before);
  const [order] = await ordersOf(leader);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${order!._id}` });
  t.like(mp.callsOf('groupbuy', 'open').at(-1)!.params, { activityId: ACTIVITY, skuId: activity.skus[1]!.skuId, quantity: 2 });
  t.like(order!.promotion, { kind: 'group_buy', activityId: ACTIVITY, leader: true, unitPrice: 5900, quantity: 2 });
  const group = (await mp.shop.db.collection('group_buy_groups').doc(order!.promotion.groupId).get()).data[0];
  t.like(group, { leaderOpenid: leader, seats: 1, paidCount: 0, status: 'open' });
  page.detach();

  // Only once the leader paid can others join.
  await mp.shop.payFor(leader, order!._id);

  const member = newShopper('o-member');
  await mp.shop.addressFor(member);
  const join = await open('pages/promo/groupbuy-activity/index', { activityId: ACTIVITY, groupId: group._id });
  await waitFor('the address bar', () => join.data.address);
  t.is(join.findAll('.group').length, 1);
  t.true(join.find('.group').dom!.getAttribute('class')!.includes('group--targeted'));
  t.is(text(join.find('.group__seats')), '还差 2 人');
  t.regex(text(join.find('.group__countdown')), /^剩余(1天)?\d\d:\d\d:\d\d$/);
  const beforeJoin = mp.navigations.length;
  await tap(join.find('.group__join'));
  await orderOpened(beforeJoin);
  const [memberOrder] = await ordersOf(member);
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${memberOrder!._id}` });
  t.like(mp.callsOf('groupbuy', 'join').at(-1)!.params, { groupId: group._id, quantity: 1 });
  t.like(memberOrder!.promotion, { kind: 'group_buy', groupId: group._id, leader: false });
  t.like((await mp.shop.db.collection('group_buy_groups').doc(group._id).get()).data[0], { seats: 2, paidCount: 1 });
  join.detach();

  // The group page, as the member sees it: two of three seats, the time left, the share.
  const view = dataOf(await mp.shop.call<GroupView>('groupbuy', 'group', { groupId: group._id }, member));
  const page2 = await open('pages/promo/group/index', { groupId: group._id });
  t.is(text(page2.find('.status')), view.statusLabel);
  t.is(text(page2.find('.progress__seats')), '还差 1 人成团');
  t.is(page2.findAll('.seat--filled').length, 2);
  t.is(page2.findAll('.seat--empty').length, 1);
  t.is(text(page2.find('.seat__leader')), '团长');
  t.deepEqual(
    page2.findAll('.seat--filled .seat__name').map(text),
    view.members.map((m) => m.displayName),
  );
  t.regex(text(page2.find('.progress__countdown')), /^剩余/);
  t.true(page2.has('.action--share'), 'a member invites friends');
  const share = page2.share();
  t.is(share.title, view.share.title);
  t.is(share.path, `/pages/promo/group/index?groupId=${group._id}`, 'the app’s own group page');
  t.is(share.imageUrl, view.share.imageUrl);
  await tap(page2.find('.action--order >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: `/pages/order/detail/index?orderId=${memberOrder!._id}` });
  page2.detach();

  // A stranger is offered to join through the activity page, with this group chosen.
  newShopper('o-stranger');
  const stranger = await open('pages/promo/group/index', { groupId: group._id });
  t.false(stranger.has('.action--share'));
  await tap(stranger.find('.action--join >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), {
    method: 'navigateTo',
    url: `/pages/promo/groupbuy-activity/index?activityId=${ACTIVITY}&groupId=${group._id}`,
  });
  t.false(stranger.has('.action--order'));
  stranger.detach();

  // The member cannot join the same group twice: the route's refusal is shown.
  mp.signInAs(member);
  const again = await open('pages/promo/groupbuy-activity/index', { activityId: ACTIVITY, groupId: group._id });
  await waitFor('the address bar', () => again.data.address);
  const joins = mp.callsOf('groupbuy', 'join').length;
  await tap(again.find('.group__join'));
  await waitFor('the refusal', () => mp.callsOf('groupbuy', 'join').length > joins && !again.data.busy);
  const refusal = await mp.shop.call(
    'groupbuy',
    'join',
    {
      groupId: group._id,
      skuId: activity.skus[0]!.skuId,
      addressId: again.data.address.addressId,
      idempotencyKey: 'probe-join-again',
    },
    member,
  );
  t.false(refusal.ok);
  t.true(mp.toasts.includes(refusal.ok ? '' : refusal.message));
  t.is((await ordersOf(member)).length, 1, 'no second order');
  again.detach();
});

test.serial('拼团: a shared group no longer open is said so; unknown activity and group show the route’s message', async (t) => {
  newShopper();
  const page = await open('pages/promo/groupbuy-activity/index', { activityId: ACTIVITY, groupId: 'g-gone' });
  t.is(text(page.find('.groups__missing')), '你打开的团已满员或已结束，可以参与其他团或自己开团');
  page.detach();

  for (const [route, query, fn, params] of [
    ['pages/promo/groupbuy-activity/index', { activityId: 'gb-none' }, 'activity', { activityId: 'gb-none' }],
    ['pages/promo/group/index', { groupId: 'g-none' }, 'group', { groupId: 'g-none' }],
  ] as const) {
    const refusal = await mp.shop.call('groupbuy', fn, params, mp.openid);
    t.false(refusal.ok);
    const broken = await open(route, query);
    t.is(broken.data.status, 'error');
    t.is(text(broken.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    broken.detach();
  }
});

test.serial('拼团: the list’s empty and error states', async (t) => {
  newShopper();
  const seeded = (await mp.shop.db.collection('group_buy_activities').doc(ACTIVITY).get()).data[0];
  const { _id, ...fields } = seeded;
  try {
    await mp.shop.db.collection('group_buy_activities').doc(ACTIVITY).update({ status: 'ended' });
    const empty = await open('pages/promo/groupbuy/index');
    t.is(text(empty.find('.state--empty')), '暂无拼团活动，敬请期待');
    empty.detach();

    // An activity written half-way (no start) makes groupbuy.list fail for real.
    await mp.shop.db
      .collection('group_buy_activities')
      .doc(ACTIVITY)
      .set({ ...fields, startAt: null });
    await mp.shop.db.collection('group_buy_activities').doc(ACTIVITY).update({ startAt: mp.shop.db.command.remove() });
    const refusal = await mp.shop.call('groupbuy', 'list', {}, mp.openid);
    t.false(refusal.ok);
    const broken = await open('pages/promo/groupbuy/index');
    t.is(text(broken.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
    await mp.shop.db.collection('group_buy_activities').doc(ACTIVITY).set(fields);
    await tap(broken.find('.state__retry >>> .t-button'));
    await waitFor('the list after retrying', () => broken.data.status === 'ready');
    t.is(broken.findAll('.activity').length, 1);
    broken.detach();
  } finally {
    await mp.shop.db.collection('group_buy_activities').doc(ACTIVITY).set(fields);
  }
});

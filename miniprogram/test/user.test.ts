import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type { MemberSummary } from '../../typings/member.js';
import type { Profile } from '../../typings/user.js';

// 我的 (tab), 个人资料, 帮助与客服 and 隐私政策 on the real user and member functions; what the pages change is read
// back from the database and the emulator's storage.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['user', 'member'] });
});

test.after.always(async () => {
  await mp?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const newShopper = (): string => mp.newShopper('o-user');

const userDoc = async (openid: string) => (await mp.shop.db.collection('users').doc(openid).get()).data[0];

/**
 * The attributes WeChat reads on a native element (`open-type`, an input's `type`), from the page's template:
 * simulate renders native buttons and inputs without them.
 */
function nativeAttribute(route: string, className: string, attribute: string): string | undefined {
  const wxml = fs.readFileSync(path.resolve('miniprogram', `${route}.wxml`), 'utf8');
  const tag = wxml.match(new RegExp(`<[a-z-]+[^>]*class="(?:[^"]*\\s)?${className}(?:\\s[^"]*)?"[^>]*>`))?.[0] ?? '';
  return tag.match(new RegExp(`\\s${attribute}="([^"]*)"`))?.[1];
}

const openUser = (): Promise<RenderedPage> => mp.renderLoaded('pages/user/index');

const openProfile = (): Promise<RenderedPage> => mp.renderLoaded('pages/mine/profile/index');

test.serial('我的 shows the shopper’s name, level and points as profile and member.summary answer them', async (t) => {
  const openid = newShopper();
  const page = mp.renderPage('pages/user/index');
  t.is(text(page.find('.state--loading')), '加载中…');
  await waitFor('the header', () => page.data.status === 'ready');
  const profile = dataOf(await mp.shop.call<Profile>('user', 'profile', {}, openid));
  t.is(text(page.find('.profile__name')), profile.displayName);
  t.is(profile.displayName, `微信用户${openid.slice(-4)}`);
  t.is(text(page.find('.profile__level')), '普通会员');
  t.is(text(page.find('.figure--points .figure__value')), '0');
  t.is(text(page.find('.profile__avatar--initial')), '微');
  page.detach();

  // A silver member with points and a nickname: shown the next time the tab shows.
  await mp.shop.giveMember(openid, { points: 320, growth: 1500 });
  dataOf(await mp.shop.call('user', 'profile.update', { nickname: '小明' }, openid));
  const again = await openUser();
  const summary = dataOf(await mp.shop.call<MemberSummary>('member', 'summary', {}, openid));
  t.is(summary.level.name, '银卡会员');
  t.is(text(again.find('.profile__name')), '小明');
  t.is(text(again.find('.profile__level')), '银卡会员 · 9.8折');
  t.is(text(again.find('.figure--points .figure__value')), String(summary.points));

  // Shown again (back from another page), it reads the header again.
  dataOf(await mp.shop.call('user', 'profile.update', { nickname: '小明同学' }, openid));
  again.show();
  await waitFor('the new nickname', () => text(again.find('.profile__name')) === '小明同学');
  again.detach();
});

test.serial('我的 opens the orders by status, after-sales and every entry', async (t) => {
  newShopper();
  const page = await openUser();
  const expectations: Array<[string, string]> = [
    ['.shortcut--pending_payment', '/pages/order/list/index?status=pending_payment'],
    ['.shortcut--paid', '/pages/order/list/index?status=paid'],
    ['.shortcut--shipped', '/pages/order/list/index?status=shipped'],
    ['.shortcut--after_sale', '/pages/order/aftersale-list/index'],
    ['.card__head', '/pages/order/list/index'],
    ['.entry--coupons', '/pages/coupon/mine/index'],
    ['.entry--member', '/pages/member/center/index'],
    ['.entry--points', '/pages/member/points/index'],
    ['.entry--invite', '/pages/member/invite/index'],
    ['.entry--favorites', '/pages/mine/favorites/index'],
    ['.entry--footprints', '/pages/mine/footprints/index'],
    ['.entry--addresses', '/pages/mine/addresses/index'],
    ['.entry--help', '/pages/mine/help/index'],
    ['.entry--privacy', '/pages/mine/privacy/index'],
    ['.profile', '/pages/mine/profile/index'],
    ['.profile__level', '/pages/member/center/index'],
    ['.figure--points', '/pages/member/points/index'],
  ];
  for (const [selector, url] of expectations) {
    await tap(page.find(selector));
    t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url }, selector);
  }
  t.deepEqual(page.findAll('.shortcut__label').map(text), ['待付款', '待发货', '待收货', '售后']);
  t.is(text(page.find('.entry--contact')), '联系客服');
  t.is(nativeAttribute('pages/user/index', 'entry--contact', 'open-type'), 'contact');
  page.detach();
});

test.serial('我的: a header that fails shows the route’s message and a retry, the entries stay usable', async (t) => {
  // A user document written half-way (no createdAt) makes the real profile route fail.
  const openid = newShopper();
  await mp.shop.db.collection('users').doc(openid).set({ openid, nickname: null, avatarUrl: null });
  const refusal = await mp.shop.call('user', 'profile', {}, openid);
  t.false(refusal.ok);
  const page = await openUser();
  t.is(page.data.status, 'error');
  t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  await tap(page.find('.entry--help'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/mine/help/index' });

  await mp.shop.db.collection('users').doc(openid).update({ createdAt: new Date(), updatedAt: new Date() });
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the header after retrying', () => page.data.status === 'ready');
  t.is(text(page.find('.profile__name')), `微信用户${openid.slice(-4)}`);
  page.detach();
});

test.serial('个人资料: the nickname is checked, then saved with profile.update', async (t) => {
  const openid = newShopper();
  const page = await openProfile();
  t.is(page.data.status, 'ready');
  t.is(page.data.nickname, '');
  const input = page.find('.nickname');
  t.is(nativeAttribute('pages/mine/profile/index', 'nickname', 'type'), 'nickname');

  const updates = mp.callsOf('user', 'profile.update').length;
  input.dispatchEvent('input', { detail: { value: '   ' } });
  await sleep(20);
  await tap(page.find('.save >>> .t-button'));
  t.is(mp.toasts.at(-1), '昵称不能为空');
  input.dispatchEvent('blur', { detail: { value: '这是一个非常非常非常非常非常非常非常长的昵称' } });
  await sleep(20);
  t.is(page.data.nickname, '这是一个非常非常非常非常非常非常非常长的昵称');
  await tap(page.find('.save >>> .t-button'));
  t.is(mp.toasts.at(-1), '昵称最多 20 个字');
  t.is(mp.callsOf('user', 'profile.update').length, updates, 'nothing sent');

  input.dispatchEvent('input', { detail: { value: '  阿花 ' } });
  await sleep(20);
  await tap(page.find('.save >>> .t-button'));
  await waitFor('the saved nickname', () => mp.toasts.at(-1) === '昵称已保存');
  t.is((await userDoc(openid)).nickname, '阿花');
  t.is(dataOf(await mp.shop.call<Profile>('user', 'profile', {}, openid)).displayName, '阿花');
  page.detach();
});

test.serial('个人资料: the chosen avatar is uploaded to cloud storage and its fileID stored in the profile', async (t) => {
  const openid = newShopper();
  const page = await openProfile();
  const button = page.find('.avatar');
  t.is(nativeAttribute('pages/mine/profile/index', 'avatar', 'open-type'), 'chooseAvatar');
  const uploads = mp.uploads.length;
  button.dispatchEvent('chooseavatar', { detail: { avatarUrl: mp.imageFile() } });
  await waitFor('the new avatar', () => page.data.avatarUrl);
  t.is(mp.toasts.at(-1), '头像已更新');

  t.is(mp.uploads.length, uploads + 1);
  const upload = mp.uploads.at(-1)!;
  t.regex(upload.cloudPath, /^avatars\/[a-z0-9-]+\.png$/);
  t.false(upload.cloudPath.includes(openid), 'the path does not carry the openid');
  t.is((await userDoc(openid)).avatarUrl, upload.fileID);
  t.is(page.data.avatarUrl, upload.fileID);
  const stored = ((await mp.shop.control('GET', '/storage')).files as Array<{ fileID: string }>).map((f) => f.fileID);
  t.true(stored.includes(upload.fileID), 'the file is in the emulator’s storage');
  t.true(page.has('.avatar__image'));
  t.false(page.has('.avatar__image--initial'));
  page.detach();
});

test.serial('个人资料: a profile that cannot be read shows the message and a retry', async (t) => {
  const openid = newShopper();
  await mp.shop.db.collection('users').doc(openid).set({ openid, nickname: '坏', avatarUrl: null });
  const refusal = await mp.shop.call('user', 'profile', {}, openid);
  const page = await openProfile();
  t.is(page.data.status, 'error');
  t.is(text(page.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  await mp.shop.db.collection('users').doc(openid).update({ createdAt: new Date(), updatedAt: new Date() });
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the profile after retrying', () => page.data.status === 'ready');
  t.is(page.data.nickname, '坏');
  page.detach();
});

test.serial('帮助与客服: questions open with a tap, and 联系客服 is WeChat’s contact button', async (t) => {
  const page = mp.renderPage('pages/mine/help/index');
  const titles = page.findAll('.section__title').map(text);
  t.deepEqual(titles, ['订单与支付', '配送与收货', '退款与售后', '优惠与会员']);
  t.false(page.has('.question__a'));
  const [first] = page.findAll('.question');
  await tap(first!);
  t.true(text(page.find('.question--open .question__a')).includes('超时未付款的订单会自动取消'));
  await tap(first!);
  t.false(page.has('.question__a'), 'closed again');
  t.is(text(page.find('.contact__button')), '联系客服');
  t.is(nativeAttribute('pages/mine/help/index', 'contact__button', 'open-type'), 'contact');
  page.detach();
});

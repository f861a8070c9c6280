import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { dataOf } from '../../testkit/shop.js';
import type {
  CheckinCalendar,
  CommissionLedgerPage,
  MemberSummary,
  PointsLedgerPage,
  ReferralSummary,
  ShareData,
  WithdrawalPage,
} from '../../typings/member.js';
import type { MessageTemplates } from '../../typings/user.js';

// 会员中心, 积分明细 and 邀请有礼 on the real member and user functions: check-ins, consents and withdrawals are read
// back from the database.

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['member', 'user'] });
});

test.after.always(async () => {
  await mp?.close();
});

type Rec = Record<string, any>;
const DAY_MS = 86_400_000;
/** The shop's calendar day (UTC+8) `offset` days from today: `20261205`. */
const shopDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3_600_000 + offset * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');

const newShopper = (): string => mp.newShopper('o-member');

const open = (route: string): Promise<RenderedPage> => mp.renderLoaded(route);

test.serial('会员中心 shows points, level and the progress to the next level as member.summary answers them', async (t) => {
  const openid = newShopper();
  await mp.shop.giveMember(openid, { points: 250, growth: 1500 });
  const page = await open('pages/member/center/index');
  const summary = dataOf(await mp.shop.call<MemberSummary>('member', 'summary', {}, openid));
  t.is(text(page.find('.level__name')), summary.level.name);
  t.is(text(page.find('.level__name')), '银卡会员');
  t.is(text(page.find('.level__discount')), '购物享 9.8折');
  t.is(text(page.find('.points__value')), '250');
  t.is(text(page.find('.points__label')), '积分 · 可抵 ¥2.50');
  t.is(text(page.find('.progress__growth')), '成长值 1500');
  t.is(text(page.find('.progress__hint')), `再获得 ${summary.nextLevel!.growthNeeded} 成长值升级为金卡会员`);
  t.is(page.data.card.percent, 12, '1500 of the way from 1000 to 5000');
  t.true(page.find('.progress__fill').dom!.getAttribute('style')!.includes('width: 12%'));

  const calendar = dataOf(await mp.shop.call<CheckinCalendar>('member', 'checkin.calendar', {}, openid));
  const [year, month] = calendar.month.split('-');
  t.is(text(page.find('.checkin__calendar >>> .calendar__title')), `${year}年${Number(month)}月`);
  const today = Number(calendar.checkin.today.slice(8, 10));
  t.is(text(page.find('.checkin__calendar >>> .day--today')), String(today));
  t.false(page.has('.checkin__calendar >>> .day--checked'));
  t.is(text(page.find('.checkin__button >>> .t-button')), '签到 +5');
  t.is(text(page.find('.checkin__streak')), '今天开始连续签到');

  await tap(page.find('.link--points'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateTo', url: '/pages/member/points/index' });
  page.detach();
});

test.serial('签到 writes today’s check-in and its points, shows the reward and marks the day', async (t) => {
  const openid = newShopper();
  const page = await open('pages/member/center/index');
  await tap(page.find('.checkin__button >>> .t-button'));
  await waitFor('the reward', () => page.data.reward && page.data.checkin.checkedInToday);
  t.is(text(page.find('.checkin__reward')), '签到成功 +5 积分');

  const day = shopDay();
  const stored = (await mp.shop.db.collection('checkins').doc(`${openid}:${day}`).get()).data[0];
  t.like(stored, { openid, day, streak: 1, points: 5, bonus: 0 });
  const ledger = (await mp.shop.db.collection('points_ledger').where({ openid }).get()).data as Rec[];
  t.deepEqual(
    ledger.map((e) => [e.reason, e.delta, e.balanceAfter]),
    [['checkin', 5, 5]],
  );
  t.is((await mp.shop.db.collection('users').doc(openid).get()).data[0].points, 5);

  t.is(text(page.find('.points__value')), '5');
  t.is(text(page.find('.checkin__calendar >>> .day--checked')), String(Number(day.slice(6))));
  t.is(text(page.find('.checkin__calendar >>> .calendar__count')), '本月已签到 1 天');
  const button = page.find('.checkin__button');
  t.is(text(button.querySelector('.t-button')), '今日已签到');
  t.true(button.data.disabled);
  t.is(text(page.find('.checkin__streak')), '已连续签到 1 天');

  // Tapping again asks nothing.
  const calls = mp.callsOf('member', 'checkin').length;
  await tap(page.find('.checkin__button >>> .t-button'));
  t.is(mp.callsOf('member', 'checkin').length, calls);
  page.detach();
});

test.serial('the third day in a row brings the streak bonus, shown with the reward', async (t) => {
  const openid = newShopper();
  // Checked in the two days before (as the route writes them).
  for (const [offset, streak] of [
    [-2, 1],
    [-1, 2],
  ] as const) {
    const day = shopDay(offset);
    await mp.shop.db
      .collection('checkins')
      .add({ _id: `${openid}:${day}`, openid, day, streak, points: 5, bonus: 0, at: new Date(Date.now() + offset * DAY_MS) });
  }
  const page = await open('pages/member/center/index');
  t.is(text(page.find('.checkin__streak')), '已连续签到 2 天');
  t.is(text(page.find('.checkin__button >>> .t-button')), '签到 +15');
  await tap(page.find('.checkin__button >>> .t-button'));
  await waitFor('the reward', () => page.data.reward && page.data.checkin.checkedInToday);
  t.is(text(page.find('.checkin__reward')), '签到成功 +15 积分（含连续签到奖励 10）');
  t.like((await mp.shop.db.collection('checkins').doc(`${openid}:${shopDay()}`).get()).data[0], {
    streak: 3,
    points: 5,
    bonus: 10,
  });
  t.is(text(page.find('.checkin__streak')), '已连续签到 3 天');
  page.detach();
});

test.serial('a check-in made elsewhere meanwhile: the route’s refusal is shown and the page catches up', async (t) => {
  const openid = newShopper();
  const page = await open('pages/member/center/index');
  dataOf(await mp.shop.call('member', 'checkin', {}, openid));
  const refusal = await mp.shop.call('member', 'checkin', {}, openid);
  t.false(refusal.ok);
  await tap(page.find('.checkin__button >>> .t-button'));
  await waitFor('the page caught up', () => page.data.checkin.checkedInToday);
  t.true(mp.toasts.includes(refusal.ok ? '' : refusal.message));
  t.true(mp.toasts.includes('今天已经签到过了'));
  t.false(page.has('.checkin__reward'));
  t.is(text(page.find('.checkin__button >>> .t-button')), '今日已签到');
  t.is(((await mp.shop.db.collection('points_ledger').where({ openid }).get()).data as Rec[]).length, 1, 'rewarded once');
  page.detach();
});

test.serial('签到提醒 asks for the 优惠券到账 message in the tap and records what the shopper accepted', async (t) => {
  const openid = newShopper();
  const page = await open('pages/member/center/index');
  await waitFor('the template ids', () => page.data.templates);
  const templates = dataOf(await mp.shop.call<MessageTemplates>('user', 'messages.templates', {}, openid));

  mp.answerSubscriptions('reject');
  await tap(page.find('.remind__button'));
  await waitFor('the answer', () => mp.toasts.at(-1) === '未开启提醒');
  t.deepEqual(mp.subscriptions.at(-1), [templates.coupon_issued]);
  t.is((await mp.shop.db.collection('message_consents').doc(`${openid}:coupon_issued`).get()).data.length, 0);

  mp.answerSubscriptions('accept');
  await tap(page.find('.remind__button'));
  await waitFor('the consent', () => page.data.reminded);
  t.is(mp.toasts.at(-1), '已开启提醒');
  t.deepEqual(mp.subscriptions.at(-1), [templates.coupon_issued]);
  t.like((await mp.shop.db.collection('message_consents').doc(`${openid}:coupon_issued`).get()).data[0], {
    openid,
    kind: 'coupon_issued',
    credits: 1,
  });
  t.is(text(page.find('.remind__button')), '已开启');
  page.detach();
});

test.serial('会员中心 and 积分明细: a balance the route refuses shows its message and a retry', async (t) => {
  const openid = newShopper();
  // Points that are not a whole number (a bad manual edit) make member.summary refuse.
  await mp.shop.giveMember(openid, { points: 10, growth: 0 });
  await mp.shop.db.collection('users').doc(openid).update({ points: 10.5 });
  const refusal = await mp.shop.call('member', 'summary', {}, openid);
  t.false(refusal.ok);
  const message = refusal.ok ? '' : refusal.message;
  for (const route of ['pages/member/center/index', 'pages/member/points/index']) {
    const page = await open(route);
    t.is(page.data.status, 'error', route);
    t.is(text(page.find('.state--error')), `${message}重新加载`, route);
    page.detach();
  }
  const page = await open('pages/member/center/index');
  await mp.shop.db.collection('users').doc(openid).update({ points: 10 });
  await tap(page.find('.state__retry >>> .t-button'));
  await waitFor('the page after retrying', () => page.data.status === 'ready');
  t.is(text(page.find('.points__value')), '10');
  page.detach();
});

test.serial('积分明细 lists every change, newest first, a page at a time', async (t) => {
  const openid = newShopper();
  await mp.shop.giveMember(openid, { points: 0, growth: 0 });
  const base = Date.now() - 30 * DAY_MS;
  await mp.shop.db.collection('points_ledger').add(
    Array.from({ length: 24 }, (_, i) => ({
      _id: `${openid}:adjust:p${i}`,
      openid,
      delta: i % 3 === 2 ? -10 : 20,
      balanceAfter: 100 + i,
      growthDelta: 0,
      growthAfter: 0,
      reason: i % 3 === 2 ? 'order_spend' : 'adjust',
      refId: `p${i}`,
      at: new Date(base + i * 3_600_000),
    })),
  );
  await mp.shop.db.collection('users').doc(openid).update({ points: 123 });
  const page = await open('pages/member/points/index');
  t.is(text(page.find('.balance__value')), '123');
  t.is(text(page.find('.balance__worth')), '下单可抵 ¥1.23');
  const first = dataOf(await mp.shop.call<PointsLedgerPage>('member', 'points.ledger', { pageSize: 20 }, openid));
  t.is(page.findAll('.entry').length, 20);
  t.deepEqual(
    page.findAll('.entry__label').map(text),
    first.items.map((e) => e.label),
  );
  t.deepEqual(
    page.findAll('.entry__delta').slice(0, 3).map(text),
    first.items.slice(0, 3).map((e) => (e.delta > 0 ? `+${e.delta}` : String(e.delta))),
  );
  t.is(text(page.find('.entry__balance')), `余额 ${first.items[0]!.balanceAfter}`);
  page.reachBottom();
  await waitFor('the next page', () => page.data.more === 'done');
  t.is(page.findAll('.entry').length, 25, 'the 24 changes and the setup’s own entry');
  t.is(text(page.find('.more')), '没有更多了');
  page.detach();

  // A shopper without any change of points.
  newShopper();
  const empty = await open('pages/member/points/index');
  t.is(text(empty.find('.state--empty')), '暂无积分记录，签到或下单可获得积分');
  t.is(text(empty.find('.balance__value')), '0');
  empty.detach();
});

/** An inviter with settled commission, as the record and settle entries leave it (cloudfunctions/admin/withdrawals.test.ts). */
async function inviterWith(openid: string, available: number): Promise<void> {
  const at = new Date();
  const zero = { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 };
  await mp.shop.db
    .collection('users')
    .doc(openid)
    .set({ openid, nickname: null, avatarUrl: null, createdAt: at, updatedAt: at, commission: { ...zero, available } });
  await mp.shop.db.collection('commission_ledger').add([
    {
      _id: `record:o-${openid}`,
      openid,
      kind: 'record',
      amount: available,
      deltas: { ...zero, pending: available },
      balancesAfter: { ...zero, pending: available },
      orderId: `o-${openid}`,
      at: new Date(at.getTime() - 2000),
    },
    {
      _id: `settle:o-${openid}`,
      openid,
      kind: 'settle',
      amount: available,
      deltas: { ...zero, pending: -available, available },
      balancesAfter: { ...zero, available },
      orderId: `o-${openid}`,
      at: new Date(at.getTime() - 1000),
    },
  ]);
}

test.serial('邀请有礼: the invite code, copied; the share carries it; commission as referral.summary answers it', async (t) => {
  const openid = newShopper();
  await inviterWith(openid, 2500);
  const page = await open('pages/member/invite/index');
  const summary = dataOf(await mp.shop.call<ReferralSummary>('member', 'referral.summary', {}, openid));
  t.regex(summary.inviteCode, /^[2-9A-HJ-NP-Z]{8}$/);
  t.is(text(page.find('.code__value')), summary.inviteCode);
  t.is(text(page.find('.figure--available .figure__value')), '¥25.00');
  t.is(text(page.find('.figure--pending .figure__value')), '¥0.00');
  t.is(text(page.find('.figure--invitees .figure__value')), '0');
  t.true(text(page.find('.hero__rule')).includes('5% 的佣金'));
  t.is(page.data.figures.minText, '¥10.00', 'the minimum the input shows as its placeholder');
  t.is(text(page.find('.withdraw__hint')), '可提现 ¥25.00，提交后由商家审核打款');

  await tap(page.find('.code__copy'));
  await waitFor('the clipboard', () => mp.clipboard.at(-1) === summary.inviteCode);

  const share = page.share();
  const expected = dataOf(await mp.shop.call<ShareData>('member', 'referral.share', {}, openid));
  t.is(share.title, expected.title);
  t.true(String(share.path).includes(`inviteCode=${summary.inviteCode}`));
  t.regex(String(share.path), /^\/pages\/home\/index\?/, 'the shop’s home page');

  // The ledger tab lists the commission entries, newest first.
  await waitFor('the commission ledger', () => page.data.listStatus === 'ready');
  const ledger = dataOf(await mp.shop.call<CommissionLedgerPage>('member', 'commission.ledger', {}, openid));
  t.is(ledger.items.length, 2);
  t.deepEqual(
    page.findAll('.record__title').map(text),
    ledger.items.map((e) => e.label),
  );
  t.is(ledger.items[0]!.kind, 'settle', 'newest first');
  t.true(page.findAll('.record__amount').every((n) => text(n) === '¥25.00'));
  page.detach();
});

test.serial('邀请有礼: copying the code waits for the privacy popup; 拒绝 copies nothing, 同意 copies it', async (t) => {
  const openid = newShopper();
  const page = await open('pages/member/invite/index');
  const code = page.data.figures.inviteCode as string;
  const copied = mp.clipboard.length;
  mp.needPrivacyAuthorization(true);
  try {
    await tap(page.find('.code__copy'));
    await waitFor('the privacy popup', () => page.has('.privacy-popup >>> .privacy'));
    await tap(page.find('.privacy-popup >>> .privacy__disagree'));
    await waitFor('the refusal', () => mp.toasts.at(-1) === '未同意隐私保护指引，无法复制');
    t.is(mp.clipboard.length, copied);

    await tap(page.find('.code__copy'));
    await waitFor('the privacy popup again', () => page.has('.privacy-popup >>> .privacy'));
    page.find('.privacy-popup >>> #privacy-agree').dispatchEvent('agreeprivacyauthorization');
    await waitFor('the clipboard', () => mp.clipboard.length === copied + 1);
    t.is(mp.clipboard.at(-1), code);
    t.is((await mp.shop.db.collection('users').doc(openid).get()).data[0].inviteCode, code);
  } finally {
    mp.needPrivacyAuthorization(false);
    page.detach();
  }
});

test.serial('邀请有礼: a withdrawal is checked, then requested and recorded; the refusal of the route is shown', async (t) => {
  const openid = newShopper();
  await inviterWith(openid, 2500);
  const page = await open('pages/member/invite/index');
  const input = page.find('.withdraw__input');
  const submit = () => tap(page.find('.withdraw__submit >>> .t-button'));
  const typeAmount = async (value: string) => {
    input.dispatchEvent('input', { detail: { value } });
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  const requests = mp.callsOf('member', 'withdrawals.request').length;
  await typeAmount('abc');
  await submit();
  t.is(text(page.find('.withdraw__error')), '请输入正确的提现金额');
  await typeAmount('5');
  await submit();
  t.is(text(page.find('.withdraw__error')), '最低提现 10.00 元');
  await typeAmount('30');
  await submit();
  t.is(text(page.find('.withdraw__error')), '可提现余额不足');
  t.is(mp.callsOf('member', 'withdrawals.request').length, requests, 'nothing sent while the amount was wrong');

  await typeAmount('12.5');
  await submit();
  await waitFor(
    'the request',
    () => page.data.tab === 'withdrawals' && page.data.listStatus === 'ready' && page.data.rows.length,
  );
  t.is(mp.toasts.at(-1), '提现申请已提交');
  const [withdrawal] = (await mp.shop.db.collection('withdrawals').where({ openid }).get()).data as Rec[];
  t.like(withdrawal, { amount: 1250, status: 'pending' });
  t.like((await mp.shop.db.collection('users').doc(openid).get()).data[0].commission, { available: 1250, withdrawing: 1250 });
  await waitFor('the balances', () => text(page.find('.figure--withdrawing .figure__value')) === '¥12.50');
  t.is(text(page.find('.figure--available .figure__value')), '¥12.50');
  t.is(text(page.find('.record__amount')), '¥12.50');
  const listed = dataOf(await mp.shop.call<WithdrawalPage>('member', 'withdrawals.list', {}, openid));
  t.is(text(page.find('.record__note')), listed.items[0]!.statusLabel);
  t.is(page.data.amount, '');

  // 全部 fills in what is available; taken meanwhile by another request, the route's refusal is shown.
  await tap(page.find('.withdraw__all'));
  t.is(page.data.amount, '12.50');
  dataOf(await mp.shop.call('member', 'withdrawals.request', { amount: 1000 }, openid));
  const refusal = await mp.shop.call('member', 'withdrawals.request', { amount: 1250 }, openid);
  t.false(refusal.ok);
  await submit();
  await waitFor('the refusal', () => page.data.amountError);
  t.is(text(page.find('.withdraw__error')), refusal.ok ? '' : refusal.message);
  t.is(((await mp.shop.db.collection('withdrawals').where({ openid }).get()).data as Rec[]).length, 2);
  page.detach();
});

test.serial('邀请有礼: empty lists, a list that fails and a page that cannot load', async (t) => {
  const openid = newShopper();
  const page = await open('pages/member/invite/index');
  await waitFor('the ledger', () => page.data.listStatus !== 'loading');
  t.is(text(page.find('.records__state--empty')), '还没有佣金记录，快去邀请好友吧');
  await tap(page.find('.tab--withdrawals'));
  await waitFor('the withdrawals', () => page.data.listStatus === 'ready');
  t.is(text(page.find('.records__state--empty')), '还没有提现记录');
  page.detach();

  // A ledger entry written half-way (no time) makes commission.ledger fail for real.
  await mp.shop.db.collection('commission_ledger').add({ _id: `broken:${openid}`, openid, kind: 'record', amount: 100 });
  const refusal = await mp.shop.call('member', 'commission.ledger', {}, openid);
  t.false(refusal.ok);
  const broken = await open('pages/member/invite/index');
  await waitFor('the ledger', () => broken.data.listStatus !== 'loading');
  t.is(broken.data.listStatus, 'error');
  t.is(text(broken.find('.records__state--error')), `${refusal.ok ? '' : refusal.message}，点击重试`);
  await mp.shop.db.collection('commission_ledger').doc(`broken:${openid}`).update({ at: new Date() });
  await tap(broken.find('.records__state--error'));
  await waitFor('the ledger after retrying', () => broken.data.listStatus === 'ready');
  t.is(broken.findAll('.record').length, 1);
  broken.detach();

  // Signed out (no shopper in the call), the gateway refuses and the page says so.
  mp.signInAs('');
  try {
    const out = await open('pages/member/invite/index');
    t.is(out.data.status, 'error');
    t.is(text(out.find('.state--error')), '网络不给力，请检查网络后重试重新加载');
    out.detach();
  } finally {
    mp.signInAs(openid);
  }
});

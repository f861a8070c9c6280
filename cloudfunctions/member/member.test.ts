import test from 'ava';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { Envelope } from '../../typings/common.js';
import type {
  BindResult,
  CheckinCalendar,
  CheckinResult,
  MemberSummary,
  PointsLedgerPage,
  ReferralSummary,
  ShareData,
} from '../../typings/member.js';
import { dayOf, isoDay, shiftDay } from './member.js';

/**
 * The member function through the gateway: summary, check-in, the points ledger, referral binding and share data.
 * Tests run concurrently, so each uses its own shoppers.
 */
const shop = await startShop();
test.after.always(() => shop.close());

const member = <T>(route: string, params: Record<string, unknown>, openid: string) =>
  shop.call<T>('member', route, params, openid);

type Stored = Record<string, unknown> & { _id: string };
async function docs(collection: string, where: Record<string, unknown>): Promise<Stored[]> {
  return ((await shop.db.collection(collection).where(where).limit(1000).get()) as { data: Stored[] }).data;
}
async function user(openid: string): Promise<Stored | undefined> {
  return ((await shop.db.collection('users').doc(openid).get()) as { data: Stored[] }).data[0];
}

/** Writes a past check-in straight to the database, as if the shopper had checked in that day. */
async function pastCheckin(openid: string, daysAgo: number, streak: number): Promise<void> {
  const day = shiftDay(dayOf(new Date()), -daysAgo);
  await shop.db
    .collection('checkins')
    .add({ _id: `${openid}:${day}`, openid, day, streak, points: 5, bonus: 0, at: new Date(Date.now() - daysAgo * 86_400_000) });
}

/** The whole points ledger through `points.ledger`, page by page. */
async function wholeLedger(openid: string, pageSize = 2): Promise<PointsLedgerPage['items']> {
  const items: PointsLedgerPage['items'] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(await member<PointsLedgerPage>('points.ledger', { pageSize, ...(cursor ? { cursor } : {}) }, openid));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

test('summary of a new shopper: no points, the first level, the next one, check-in not done', async (t) => {
  const s = dataOf(await member<MemberSummary>('summary', {}, 'o-member-new'));
  t.like(s, {
    points: 0,
    pointsValue: 0,
    growth: 0,
    level: { index: 0, name: '普通会员', discountBp: 10_000 },
    nextLevel: { name: '银卡会员', growthNeeded: 1000 },
  });
  t.like(s.checkin, { today: isoDay(dayOf(new Date())), checkedInToday: false, streak: 0, todayReward: 5 });
  t.deepEqual(s.redeem, { pointsPerYuan: 100, maxPercentBp: 5000 });
});

test('summary shows the level the stored growth reaches and what the points are worth', async (t) => {
  const openid = 'o-member-gold';
  await shop.db.collection('users').add({
    _id: openid,
    openid,
    nickname: null,
    avatarUrl: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    points: 1234,
    growth: 5200,
  });
  t.like(dataOf(await member<MemberSummary>('summary', {}, openid)), {
    points: 1234,
    pointsValue: 1234,
    growth: 5200,
    level: { name: '金卡会员', discountBp: 9500 },
    nextLevel: { name: '钻石会员', growthNeeded: 14_800 },
  });
});

test('check-in: 10 concurrent attempts count once; the reward is in the ledger and the balance', async (t) => {
  const openid = 'o-member-checkin-race';
  const answers = await Promise.all(Array.from({ length: 10 }, () => member<CheckinResult>('checkin', {}, openid)));
  const won = answers.filter((a) => a.ok);
  t.is(won.length, 1, JSON.stringify(answers.filter((a) => !a.ok).map((a) => !a.ok && a.code)));
  for (const a of answers) if (!a.ok) t.is(a.code, 'INVALID_STATE');
  const day = dayOf(new Date());
  t.like(dataOf(won[0]!), { day: isoDay(day), streak: 1, points: 5, bonus: 0, balance: 5 });

  const checkins = await docs('checkins', { openid });
  t.deepEqual(
    checkins.map((c) => c._id),
    [`${openid}:${day}`],
    'the day in UTC+8 is part of the key',
  );
  const ledger = await docs('points_ledger', { openid });
  t.is(ledger.length, 1);
  t.like(ledger[0], { delta: 5, balanceAfter: 5, reason: 'checkin', refId: day });
  t.like(await user(openid), { points: 5 });
  t.like(dataOf(await member<MemberSummary>('summary', {}, openid)), {
    points: 5,
    checkin: { checkedInToday: true, streak: 1, todayReward: 5 },
  });
  t.like(await member('checkin', {}, openid), { ok: false, code: 'INVALID_STATE', message: '今天已经签到过了' });
});

test('check-in streaks: day 3 and day 7 give their bonus, a missed day starts over, day 10 is day 3 of the next week', async (t) => {
  const cases: Array<[name: string, past: Array<[daysAgo: number, streak: number]>, streak: number, bonus: number]> = [
    ['o-member-streak-first', [], 1, 0],
    ['o-member-streak-2', [[1, 1]], 2, 0],
    [
      'o-member-streak-3',
      [
        [2, 1],
        [1, 2],
      ],
      3,
      10,
    ],
    ['o-member-streak-7', [[1, 6]], 7, 30],
    ['o-member-streak-8', [[1, 7]], 8, 0],
    ['o-member-streak-10', [[1, 9]], 10, 10],
    ['o-member-streak-gap', [[2, 2]], 1, 0],
  ];
  await Promise.all(
    cases.map(async ([openid, past, streak, bonus]) => {
      for (const [daysAgo, s] of past) await pastCheckin(openid, daysAgo, s);
      const before = dataOf(await member<MemberSummary>('summary', {}, openid)).checkin;
      t.is(before.todayReward, 5 + bonus, `${openid} is told what today gives`);
      const result = dataOf(await member<CheckinResult>('checkin', {}, openid));
      t.like(result, { streak, points: 5, bonus, balance: 5 + bonus }, openid);
      const stored = (await docs('checkins', { openid, day: dayOf(new Date()) }))[0];
      t.like(stored, { streak, points: 5, bonus }, openid);
      t.like(await user(openid), { points: 5 + bonus });
    }),
  );
});

test("check-in calendar: this month's days, and another month on request", async (t) => {
  const openid = 'o-member-calendar';
  const today = dayOf(new Date());
  await pastCheckin(openid, 40, 1);
  dataOf(await member('checkin', {}, openid));
  const cal = dataOf(await member<CheckinCalendar>('checkin.calendar', {}, openid));
  t.is(cal.month, `${today.slice(0, 4)}-${today.slice(4, 6)}`);
  t.deepEqual(cal.days, [Number(today.slice(6, 8))]);
  t.like(cal.checkin, { checkedInToday: true, streak: 1 });
  const past = shiftDay(today, -40);
  const older = dataOf(
    await member<CheckinCalendar>('checkin.calendar', { month: `${past.slice(0, 4)}-${past.slice(4, 6)}` }, openid),
  );
  t.deepEqual(older.days, [Number(past.slice(6, 8))]);
  t.deepEqual(dataOf(await member<CheckinCalendar>('checkin.calendar', { month: '2001-02' }, openid)).days, []);
});

test('points ledger: newest first, keyset pages, the sum of the deltas is the balance', async (t) => {
  const openid = 'o-member-ledger';
  const base = Date.now() - 10 * 60_000;
  const entries = [
    { reason: 'order_earn', refId: 'ORDER1', delta: 300 },
    { reason: 'order_spend', refId: 'ORDER2', delta: -120 },
    { reason: 'checkin', refId: '20240101', delta: 5 },
    { reason: 'order_spend_return', refId: 'ORDER2', delta: 120 },
    { reason: 'checkin', refId: '20240102', delta: 5 },
  ];
  let balance = 0;
  for (const [i, e] of entries.entries()) {
    balance += e.delta;
    // Two entries share a time: the page boundary must not drop or repeat one of them.
    const at = new Date(base + Math.min(i, 3) * 1000);
    await shop.db
      .collection('points_ledger')
      .add({ _id: `${openid}:${e.reason}:${e.refId}`, openid, ...e, balanceAfter: balance, growthDelta: 0, growthAfter: 0, at });
  }
  await shop.db.collection('users').add({ _id: openid, openid, createdAt: new Date(), points: balance, growth: 0 });
  const checkin = dataOf(await member<CheckinResult>('checkin', {}, openid));
  t.is(checkin.balance, balance + 5);

  const items = await wholeLedger(openid);
  t.is(items.length, entries.length + 1);
  t.is(new Set(items.map((i) => i.entryId)).size, items.length, 'no entry twice');
  t.like(items[0], { reason: 'checkin', label: '每日签到', delta: 5, balanceAfter: balance + 5 });
  for (let i = 1; i < items.length; i++) t.true(items[i - 1]!.at >= items[i]!.at, 'newest first');
  const summary = dataOf(await member<MemberSummary>('summary', {}, openid));
  t.is(
    items.reduce((n, i) => n + i.delta, 0),
    summary.points,
  );
  t.is(items[0]!.balanceAfter, summary.points);
});

test('referral: share data carries the invite code, never the openid; one code per shopper', async (t) => {
  const openid = 'o-member-sharer';
  const [a, b] = await Promise.all([
    member<ShareData>('referral.share', {}, openid),
    member<ShareData>('referral.share', { spuId: 'spu-001' }, openid),
  ]);
  const home = dataOf(a);
  const product = dataOf(b);
  t.regex(home.inviteCode, /^[2-9A-HJ-NP-Z]{8}$/);
  t.is(product.inviteCode, home.inviteCode, 'two first calls at once agree on one code');
  t.is(home.path, `/pages/home/index?inviteCode=${home.inviteCode}`);
  t.is(product.path, `/pages/product/detail/index?spuId=spu-001&inviteCode=${home.inviteCode}`);
  t.regex(product.title, /纯棉圆领T恤/);
  for (const s of [home, product]) t.false(JSON.stringify(s).includes(openid));
  t.deepEqual(
    (await docs('invite_codes', { openid })).map((c) => c._id),
    [home.inviteCode],
  );
  t.like(await user(openid), { inviteCode: home.inviteCode });
  t.like(await member('referral.share', { spuId: 'spu-nope' }, openid), { ok: false, code: 'NOT_FOUND' });
});

async function codeOf(openid: string): Promise<string> {
  return dataOf(await member<ReferralSummary>('referral.summary', {}, openid)).inviteCode;
}
const bind = (openid: string, inviteCode: string) => member<BindResult>('referral.bind', { inviteCode }, openid);

test('referral binding: first touch wins, no self-referral, no cycles', async (t) => {
  const [a, b, c, d] = ['o-ref-a', 'o-ref-b', 'o-ref-c', 'o-ref-d'];
  const [codeA, codeB, codeC] = await Promise.all([codeOf(a), codeOf(b), codeOf(c)]);

  t.deepEqual(dataOf(await bind(a, codeA)), { bound: false, reason: 'self' });
  t.deepEqual(
    dataOf(await bind(b, codeA.toLowerCase())),
    { bound: true },
    'B joins through A (a typed code in lower case works)',
  );
  t.deepEqual(dataOf(await bind(a, codeB)), { bound: false, reason: 'cycle' }, 'A → B → A');
  t.deepEqual(dataOf(await bind(c, codeB)), { bound: true });
  t.deepEqual(dataOf(await bind(a, codeC)), { bound: false, reason: 'cycle' }, 'A → C → B → A');
  t.deepEqual(dataOf(await bind(d, codeC)), { bound: true });
  t.deepEqual(dataOf(await bind(d, codeA)), { bound: false, reason: 'already_bound' }, 'a second link is ignored');
  t.deepEqual(dataOf(await bind(b, codeC)), { bound: false, reason: 'already_bound' });

  t.like(await user(b), { inviterOpenid: a });
  t.like(await user(c), { inviterOpenid: b });
  t.like(await user(d), { inviterOpenid: c });
  t.is((await user(a))?.inviterOpenid, undefined);
  t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, a)), { inviteCode: codeA, inviteeCount: 1 });
  t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, c)), {
    inviteeCount: 1,
    commission: { pending: 0, available: 0, withdrawing: 0, withdrawn: 0, settled: 0 },
  });
  t.like(await bind(d, 'ZZZZZZZZ'), { ok: false, code: 'NOT_FOUND' });
});

test('referral binding under concurrency: two shoppers binding each other at once never form a cycle; one inviter wins', async (t) => {
  for (let round = 0; round < 3; round++) {
    const [x, y] = [`o-ref-x${round}`, `o-ref-y${round}`];
    const [codeX, codeY] = await Promise.all([codeOf(x), codeOf(y)]);
    const answers = await Promise.all([bind(x, codeY), bind(y, codeX), bind(x, codeY), bind(y, codeX)]);
    const bound = answers.filter((a) => a.ok && a.data.bound);
    t.is(bound.length, 1, JSON.stringify(answers));
    const [ux, uy] = [await user(x), await user(y)];
    t.true(!ux?.inviterOpenid !== !uy?.inviterOpenid, 'exactly one of them is bound');
  }
  const invitee = 'o-ref-popular';
  const inviters = ['o-ref-p1', 'o-ref-p2', 'o-ref-p3', 'o-ref-p4', 'o-ref-p5'];
  const codes = await Promise.all(inviters.map(codeOf));
  const answers = await Promise.all(codes.map((code) => bind(invitee, code)));
  t.is(answers.filter((a) => a.ok && a.data.bound).length, 1);
  const winner = inviters[answers.findIndex((a) => a.ok && a.data.bound)];
  t.like(await user(invitee), { inviterOpenid: winner });
});

test('malformed input is refused with VALIDATION and writes nothing', async (t) => {
  const openid = 'o-member-malformed';
  const bad: Array<[route: string, params: Record<string, unknown>]> = [
    ['summary', { openid: 'o-other' }],
    ['checkin', { day: '20240101' }],
    ['checkin', { openid: 'o-other' }],
    ['checkin.calendar', { month: '2024-13' }],
    ['checkin.calendar', { month: 202401 }],
    ['points.ledger', { pageSize: 0 }],
    ['points.ledger', { pageSize: 51 }],
    ['points.ledger', { cursor: '' }],
    ['points.ledger', { cursor: 'not-a-cursor' }],
    ['points.ledger', { cursor: 'x'.repeat(10_000) }],
    ['referral.bind', {}],
    ['referral.bind', { inviteCode: 'o-ref-a' }],
    ['referral.bind', { inviteCode: 'x'.repeat(10_000) }],
    ['referral.bind', { inviteCode: 12345678 }],
    ['referral.bind', { inviteCode: 'ABCD2345', inviterOpenid: 'o-ref-a' }],
    ['referral.share', { spuId: '../spus' }],
    ['referral.share', { path: '/pages/x' }],
    ['referral.summary', { x: 1 }],
    ['commission.ledger', { pageSize: -1 }],
    ['withdrawals.request', {}],
    ['withdrawals.request', { amount: -100 }],
    ['withdrawals.request', { amount: 0 }],
    ['withdrawals.request', { amount: 10.5 }],
    ['withdrawals.request', { amount: '1000' }],
    ['withdrawals.request', { amount: 1e12 }],
    ['withdrawals.request', { amount: 1000, openid: 'o-other' }],
    ['withdrawals.list', { cursor: 5 }],
  ];
  for (const [route, params] of bad) {
    const answer: Envelope<unknown> = await member(route, params, openid);
    t.like(answer, { ok: false, code: 'VALIDATION' }, `${route} ${JSON.stringify(params).slice(0, 60)}`);
  }
  for (const collection of ['points_ledger', 'checkins', 'withdrawals', 'commission_ledger', 'invite_codes']) {
    t.is((await docs(collection, { openid })).length, 0, collection);
  }
  t.is(await user(openid), undefined);
  t.like(await shop.call('member', 'nope', {}, openid), { ok: false, code: 'UNKNOWN_ROUTE' });
});

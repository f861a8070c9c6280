import test from 'ava';
import { dataOf, startShop } from '../../../testkit/shop.js';
import type {
  CommissionLedgerPage,
  MemberSummary,
  PointsLedgerPage,
  ReferralSummary,
  WithdrawalPage,
  WithdrawalView,
} from '../../../typings/member.js';

/**
 * The shared points and commission helpers that order, pay and jobs call (inside their own transactions), run from
 * this process with the real wx-server-sdk against the emulator; what the shopper sees is read back through the
 * member function's gateway, and the stored ledgers are summed against the stored balances.
 */
const shop = await startShop();
// The store modules open the database when they load, so this process's SDK is pointed at the emulator first.
shop.useSdkInThisProcess();
const { db } = await import('./db.js');
const { withRetries } = await import('./transactions.js');
const points = await import('./points-ledger.js');
const referral = {
  ...(await import('../rules/commission-rules.js')),
  ...(await import('./commission-ledger.js')),
  ...(await import('./invites.js')),
  ...(await import('../workflows/order-effects.js')),
};
test.after.always(() => shop.close());

const DAY_MS = 86_400_000;
const member = <T>(route: string, params: Record<string, unknown>, openid: string) =>
  shop.call<T>('member', route, params, openid);

type Stored = Record<string, unknown> & { _id: string };
async function docs(collection: string, where: Record<string, unknown>): Promise<Stored[]> {
  return ((await shop.db.collection(collection).where(where).limit(1000).get()) as { data: Stored[] }).data;
}
async function user(openid: string): Promise<Stored & { points?: number; growth?: number; commission?: Record<string, number> }> {
  return ((await shop.db.collection('users').doc(openid).get()) as { data: Stored[] }).data[0] ?? { _id: openid };
}

/** The points ledger's sums and the user's balances, read straight from the database. */
async function pointsBooks(openid: string) {
  const entries = (await docs('points_ledger', { openid })) as Array<Stored & { delta: number; growthDelta: number }>;
  const u = await user(openid);
  return {
    deltas: entries.reduce((n, e) => n + e.delta, 0),
    growthDeltas: entries.reduce((n, e) => n + e.growthDelta, 0),
    points: u.points ?? 0,
    growth: u.growth ?? 0,
    entries: entries.length,
  };
}

async function commissionBooks(openid: string) {
  const entries = (await docs('commission_ledger', { openid })) as Array<Stored & { deltas: Record<string, number> }>;
  const sums = { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 };
  for (const e of entries) for (const k of Object.keys(sums) as Array<keyof typeof sums>) sums[k] += e.deltas[k] ?? 0;
  return { sums, balances: referral.commissionBalances(await user(openid)) };
}

const ref = (openid: string, orderId: string) => ({ openid, orderId, at: new Date() });

test('earning for an order is idempotent: the same order twice earns once', async (t) => {
  const openid = 'o-pts-earn';
  const [a, b] = await Promise.all([
    points.earnForOrder({ ...ref(openid, 'EARN1'), paidFen: 12_345 }),
    points.earnForOrder({ ...ref(openid, 'EARN1'), paidFen: 12_345 }),
  ]);
  t.is(a?._id, b?._id);
  t.like(
    await points.earnForOrder({ ...ref(openid, 'EARN1'), paidFen: 99_999 }),
    { delta: 123, growthDelta: 123 },
    'a later call gets the first entry back',
  );
  t.like(await user(openid), { points: 123, growth: 123 });
  t.is((await docs('points_ledger', { openid })).length, 1);
  t.like(dataOf(await member<MemberSummary>('summary', {}, openid)), { points: 123, growth: 123 });
  t.is(
    await points.earnForOrder({ ...ref(openid, 'EARN0'), paidFen: 99 }),
    null,
    'less than ¥1 earns nothing and writes nothing',
  );
  t.is((await docs('points_ledger', { openid })).length, 1);
});

test('spending is refused beyond the balance and writes nothing; spending the balance exactly works', async (t) => {
  const openid = 'o-pts-spend';
  await points.earnForOrder({ ...ref(openid, 'S-EARN'), paidFen: 50_000 });
  const error = await t.throwsAsync(points.spendForOrder({ ...ref(openid, 'S-1'), points: 501 }));
  t.like(error, { code: 'INVALID_STATE', message: '积分不足：可用 500 积分' });
  t.like(await user(openid), { points: 500 });
  t.is((await docs('points_ledger', { openid })).length, 1);
  t.like(await points.spendForOrder({ ...ref(openid, 'S-2'), points: 500 }), {
    delta: -500,
    balanceAfter: 0,
    reason: 'order_spend',
    refId: 'S-2',
  });
  await t.throwsAsync(points.spendForOrder({ ...ref(openid, 'S-3'), points: 1 }), { message: /积分不足/ });
  t.is(await points.spendForOrder({ ...ref(openid, 'S-4'), points: 0 }), null);
  t.like(await user(openid), { points: 0 });
});

test('concurrent spends of the whole balance on different orders: one succeeds', async (t) => {
  const openid = 'o-pts-spend-race';
  await points.earnForOrder({ ...ref(openid, 'R-EARN'), paidFen: 30_000 });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_v, i) => points.spendForOrder({ ...ref(openid, `R-${i}`), points: 300 })),
  );
  t.is(results.filter((r) => r.status === 'fulfilled').length, 1);
  t.like(await user(openid), { points: 0 });
  const books = await pointsBooks(openid);
  t.is(books.deltas, books.points);
});

test("points move with the caller's transaction: an aborted order creation spends nothing", async (t) => {
  const openid = 'o-pts-tx';
  await points.earnForOrder({ ...ref(openid, 'TX-EARN'), paidFen: 10_000 });
  await t.throwsAsync(
    withRetries(db, async (tx) => {
      await points.spendForOrder({ ...ref(openid, 'TX-1'), points: 60 }, tx);
      throw new Error('out of stock after all');
    }),
    { message: 'out of stock after all' },
  );
  t.like(await user(openid), { points: 100 });
  t.is((await docs('points_ledger', { openid, refId: 'TX-1' })).length, 0);
  await withRetries(db, (tx) => points.spendForOrder({ ...ref(openid, 'TX-2'), points: 60 }, tx));
  t.like(await user(openid), { points: 40 });
});

test('cancel or refund returns exactly what the order spent and takes back what it earned, once', async (t) => {
  const openid = 'o-pts-return';
  await points.earnForOrder({ ...ref(openid, 'RET-OLD'), paidFen: 100_000 }); // 1000 points
  await points.spendForOrder({ ...ref(openid, 'RET-1'), points: 400 });
  t.like(await user(openid), { points: 600, growth: 1000 });
  t.deepEqual(await points.returnForOrder(ref(openid, 'RET-1')), { returned: 400, reversed: 0, growthReversed: 0 });
  t.deepEqual(
    await points.returnForOrder(ref(openid, 'RET-1')),
    { returned: 0, reversed: 0, growthReversed: 0 },
    'again: nothing',
  );
  t.like(await user(openid), { points: 1000, growth: 1000 });

  // An order that spent and then earned (completed), refunded afterwards: both undone.
  await points.spendForOrder({ ...ref(openid, 'RET-2'), points: 200 });
  await points.earnForOrder({ ...ref(openid, 'RET-2'), paidFen: 30_000 });
  t.like(await user(openid), { points: 1100, growth: 1300 });
  t.like(dataOf(await member<MemberSummary>('summary', {}, openid)), { level: { name: '银卡会员' } });
  const [x, y] = await Promise.all([points.returnForOrder(ref(openid, 'RET-2')), points.returnForOrder(ref(openid, 'RET-2'))]);
  t.deepEqual(
    [x, y].find((r) => r.returned),
    { returned: 200, reversed: 300, growthReversed: 300 },
  );
  t.like(await user(openid), { points: 1000, growth: 1000 });
  t.is(
    await points.earnForOrder({ ...ref(openid, 'RET-2'), paidFen: 30_000 }),
    null,
    'a refunded order earns nothing afterwards',
  );

  // Points earned and already spent elsewhere: the reversal takes them anyway (the balance goes below 0).
  await points.spendForOrder({ ...ref(openid, 'RET-3'), points: 1000 });
  await points.returnForOrder(ref(openid, 'RET-OLD'));
  t.like(await user(openid), { points: -1000, growth: 0 });
  t.like(dataOf(await member<MemberSummary>('summary', {}, openid)), { points: -1000, pointsValue: 0, level: { index: 0 } });
  await t.throwsAsync(points.spendForOrder({ ...ref(openid, 'RET-4'), points: 1 }), { message: /积分不足：可用 0 积分/ });
  const books = await pointsBooks(openid);
  t.is(books.deltas, books.points);
  t.is(books.growthDeltas, books.growth);
});

test('the points ledger sums to the balance after a mix of check-in, earning, spending and returns', async (t) => {
  const openid = 'o-pts-mix';
  dataOf(await member('checkin', {}, openid));
  await points.earnForOrder({ ...ref(openid, 'MIX-1'), paidFen: 25_050 });
  await points.spendForOrder({ ...ref(openid, 'MIX-2'), points: 100 });
  await t.throwsAsync(points.spendForOrder({ ...ref(openid, 'MIX-3'), points: 10_000 }));
  await points.returnForOrder(ref(openid, 'MIX-2'));
  await points.spendForOrder({ ...ref(openid, 'MIX-4'), points: 55 });
  await points.earnForOrder({ ...ref(openid, 'MIX-1'), paidFen: 25_050 });
  await Promise.all([points.returnForOrder(ref(openid, 'MIX-1')), points.returnForOrder(ref(openid, 'MIX-1'))]);
  await points.returnForOrder(ref(openid, 'MIX-UNKNOWN'));

  const books = await pointsBooks(openid);
  t.is(books.entries, 6); // check-in, earn, spend, return, spend, reversal
  t.is(books.points, 5 + 250 - 100 + 100 - 55 - 250);
  t.is(books.deltas, books.points);
  t.is(books.growthDeltas, books.growth);
  const items: PointsLedgerPage['items'] = [];
  let cursor: string | undefined;
  do {
    const page = dataOf(await member<PointsLedgerPage>('points.ledger', { pageSize: 4, ...(cursor ? { cursor } : {}) }, openid));
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  t.is(items.length, 6);
  t.is(
    items.reduce((n, i) => n + i.delta, 0),
    dataOf(await member<MemberSummary>('summary', {}, openid)).points,
  );
});

test("order events apply points and commission inside the order's transaction", async (t) => {
  const [inviter, buyer] = ['o-fx-inviter', 'o-fx-buyer'];
  const code = dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)).inviteCode;
  dataOf(await member('referral.bind', { inviteCode: code }, buyer));
  const createdAt = new Date();
  await points.earnForOrder({ ...ref(buyer, 'FX-0'), paidFen: 10_000 });
  const order = { orderId: 'FX-1', openid: buyer, createdAt, paidFen: 20_000 };
  await withRetries(db, (tx) => points.spendForOrder({ ...ref(buyer, 'FX-1'), points: 50 }, tx));
  for (const event of ['pay', 'ship', 'confirm_receipt', 'confirm_receipt'] as const) {
    await withRetries(db, (tx) => referral.memberEffectsOfOrderEvent(tx, order, event, new Date()));
  }
  t.like(await user(buyer), { points: 100 - 50 + 200, growth: 300 });
  t.like(await user(inviter), { commission: { pending: 1000, available: 0, withdrawing: 0, withdrawn: 0 } });
  // An aborted transaction (the completion failed) leaves no trace.
  await t.throwsAsync(
    withRetries(db, async (tx) => {
      await referral.memberEffectsOfOrderEvent(tx, { ...order, orderId: 'FX-2' }, 'auto_confirm', new Date());
      throw new Error('abort');
    }),
  );
  t.is((await docs('commissions', { _id: 'FX-2' })).length, 0);
  t.is((await docs('points_ledger', { refId: 'FX-2' })).length, 0);

  const cancelled = { orderId: 'FX-3', openid: buyer, createdAt, paidFen: 0 };
  await points.spendForOrder({ ...ref(buyer, 'FX-3'), points: 30 });
  await withRetries(db, (tx) => referral.memberEffectsOfOrderEvent(tx, cancelled, 'timeout', new Date()));
  t.like(await user(buyer), { points: 250 });
  for (const openid of [buyer, inviter]) {
    const books = await pointsBooks(openid);
    t.is(books.deltas, books.points);
  }
});

// Commission tests settle "everything due by now + N days": they run one after another so none settles another's.

test.serial('commission: pending on completion, available after the refund window, once per order', async (t) => {
  const [inviter, invitee, stranger] = ['o-cm-inviter', 'o-cm-invitee', 'o-cm-stranger'];
  const code = dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)).inviteCode;
  const before = new Date(Date.now() - 60_000);
  dataOf(await member('referral.bind', { inviteCode: code }, invitee));
  const completedAt = new Date();
  const order = { orderId: 'CM-1', openid: invitee, paidFen: 12_345, createdAt: new Date(), at: completedAt };

  const [one, two] = await Promise.all([referral.recordCommission(order), referral.recordCommission(order)]);
  t.like(one, { amount: 617, status: 'pending', inviterOpenid: inviter, rateBp: 500 });
  t.is(one?._id, two?._id);
  t.is(new Date(one!.dueAt).getTime(), completedAt.getTime() + 7 * DAY_MS);
  t.is(await referral.recordCommission({ ...order, orderId: 'CM-OLD', createdAt: before }), null, 'ordered before the binding');
  t.is(await referral.recordCommission({ ...order, orderId: 'CM-S', openid: stranger }), null, 'no inviter');
  t.is(await referral.recordCommission({ ...order, orderId: 'CM-SMALL', paidFen: 19 }), null, 'rounds to 0');
  t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)), {
    inviteeCount: 1,
    commission: { pending: 617, available: 0, settled: 0 },
  });

  t.is(await referral.settleDueCommissions(new Date(completedAt.getTime() + 7 * DAY_MS - 1000)), 0, 'inside the refund window');
  t.is(await referral.settleDueCommissions(new Date(completedAt.getTime() + 7 * DAY_MS)), 1);
  t.is(await referral.settleDueCommissions(new Date(completedAt.getTime() + 8 * DAY_MS)), 0, 'once');
  t.like((await docs('commissions', { _id: 'CM-1' }))[0], { status: 'settled' });
  t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)), {
    commission: { pending: 0, available: 617, settled: 617 },
  });

  const ledger = dataOf(await member<CommissionLedgerPage>('commission.ledger', {}, inviter));
  t.deepEqual(
    ledger.items.map((i) => [i.kind, i.amount, i.orderId]),
    [
      ['settle', 617, 'CM-1'],
      ['record', 617, 'CM-1'],
    ],
  );
  t.false(JSON.stringify(ledger).includes(invitee), "the invitee's openid is not shown");
  const books = await commissionBooks(inviter);
  t.deepEqual(books.sums, books.balances);
});

test.serial('commission reversed on refund: pending is cancelled, settled is taken back by a negative entry', async (t) => {
  const [inviter, invitee] = ['o-rv-inviter', 'o-rv-invitee'];
  const code = dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)).inviteCode;
  dataOf(await member('referral.bind', { inviteCode: code }, invitee));
  const now = new Date();
  const order = (orderId: string, paidFen: number) => ({ orderId, openid: invitee, paidFen, createdAt: now, at: now });
  await referral.recordCommission(order('RV-PENDING', 10_000)); // 500
  await referral.recordCommission(order('RV-SETTLED', 20_000)); // 1000
  await referral.settleCommission('RV-SETTLED', new Date(now.getTime() + 7 * DAY_MS));
  t.like(await user(inviter), { commission: { pending: 500, available: 1000 } });

  t.is(await referral.reverseCommission('RV-PENDING'), 'cancelled');
  t.is(await referral.reverseCommission('RV-SETTLED'), 'reversed');
  t.deepEqual(
    await Promise.all([
      referral.reverseCommission('RV-PENDING'),
      referral.reverseCommission('RV-SETTLED'),
      referral.reverseCommission('RV-NONE'),
    ]),
    [null, null, null],
  );
  t.false(
    await referral.settleCommission('RV-PENDING', new Date(now.getTime() + 30 * DAY_MS)),
    'a cancelled commission never settles',
  );
  t.like(await user(inviter), { commission: { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 } });
  const kinds = (
    (await docs('commission_ledger', { openid: inviter })) as Array<Stored & { kind: string; deltas: Record<string, number> }>
  )
    .map((e) => `${e.kind}:${e.deltas.pending}/${e.deltas.available}`)
    .sort();
  t.deepEqual(kinds, ['cancel:-500/0', 'record:1000/0', 'record:500/0', 'reverse:0/-1000', 'settle:-1000/1000']);
  const books = await commissionBooks(inviter);
  t.deepEqual(books.sums, books.balances);
});

test.serial(
  'withdrawals: at least the minimum, at most the balance; 10 concurrent requests of the whole balance, one succeeds',
  async (t) => {
    const [inviter, invitee] = ['o-wd-inviter', 'o-wd-invitee'];
    const code = dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)).inviteCode;
    dataOf(await member('referral.bind', { inviteCode: code }, invitee));
    const now = new Date();
    for (const [orderId, paidFen] of [
      ['WD-1', 40_000],
      ['WD-2', 60_000],
    ] as const)
      await referral.recordCommission({ orderId, openid: invitee, paidFen, createdAt: now, at: now });
    t.like(
      await member('withdrawals.request', { amount: 1000 }, inviter),
      { ok: false, code: 'INVALID_STATE' },
      'pending commission cannot be withdrawn',
    );
    t.is(await referral.settleDueCommissions(new Date(now.getTime() + 7 * DAY_MS + 1000)), 2);
    t.like(await user(inviter), { commission: { available: 5000 } });

    t.like(await member('withdrawals.request', { amount: 999 }, inviter), {
      ok: false,
      code: 'VALIDATION',
      message: '最低提现金额为 ¥10.00',
    });
    t.like(await member('withdrawals.request', { amount: 5001 }, inviter), {
      ok: false,
      code: 'INVALID_STATE',
      message: '可提现余额不足：可提现 ¥50.00',
    });
    t.is((await docs('withdrawals', { openid: inviter })).length, 0);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => member<WithdrawalView>('withdrawals.request', { amount: 5000 }, inviter)),
    );
    const won = answers.filter((a) => a.ok);
    t.is(won.length, 1, JSON.stringify(answers.filter((a) => !a.ok)));
    for (const a of answers) if (!a.ok) t.is(a.code, 'INVALID_STATE');
    const request = dataOf(won[0]!);
    t.like(request, { amount: 5000, status: 'pending', statusLabel: '处理中' });
    t.is((await docs('withdrawals', { openid: inviter })).length, 1);
    t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)), {
      commission: { available: 0, withdrawing: 5000, withdrawn: 0, settled: 5000 },
    });

    // The merchant pays it out; deciding again the same way changes nothing, the other way is refused.
    t.like(await referral.settleWithdrawal(request.withdrawalId, 'paid'), { status: 'paid' });
    t.like(await referral.settleWithdrawal(request.withdrawalId, 'paid'), { status: 'paid' });
    await t.throwsAsync(referral.settleWithdrawal(request.withdrawalId, 'rejected'), { message: '该提现申请已处理' });
    await t.throwsAsync(referral.settleWithdrawal('W-none', 'paid'), { message: '提现申请不存在' });
    t.like(await user(inviter), { commission: { available: 0, withdrawing: 0, withdrawn: 5000 } });

    // A rejected request gives the money back.
    await referral.recordCommission({ orderId: 'WD-3', openid: invitee, paidFen: 30_000, createdAt: now, at: now });
    await referral.settleCommission('WD-3', new Date(now.getTime() + 7 * DAY_MS));
    const second = dataOf(await member<WithdrawalView>('withdrawals.request', { amount: 1000 }, inviter));
    await referral.settleWithdrawal(second.withdrawalId, 'rejected', { note: '账户信息有误' });
    t.like(await user(inviter), { commission: { pending: 0, available: 1500, withdrawing: 0, withdrawn: 5000 } });
    const list = dataOf(await member<WithdrawalPage>('withdrawals.list', { pageSize: 1 }, inviter));
    t.like(list.items[0], { withdrawalId: second.withdrawalId, status: 'rejected', statusLabel: '未通过' });
    const rest = dataOf(await member<WithdrawalPage>('withdrawals.list', { pageSize: 1, cursor: list.nextCursor }, inviter));
    t.like(rest, { items: [{ withdrawalId: request.withdrawalId, status: 'paid' }] });
    t.is(rest.nextCursor, undefined);

    const books = await commissionBooks(inviter);
    t.deepEqual(books.sums, books.balances);
    const entries = dataOf(await member<CommissionLedgerPage>('commission.ledger', { pageSize: 50 }, inviter)).items;
    const sum = (k: 'pending' | 'available' | 'withdrawing' | 'withdrawn') => entries.reduce((n, e) => n + e.deltas[k], 0);
    t.like(dataOf(await member<ReferralSummary>('referral.summary', {}, inviter)), {
      commission: {
        pending: sum('pending'),
        available: sum('available'),
        withdrawing: sum('withdrawing'),
        withdrawn: sum('withdrawn'),
      },
    });
  },
);

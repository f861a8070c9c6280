import type { ExecutionContext } from 'ava';
import test from 'ava';
import { verifyMerchant } from '../../testkit/merchant.js';
import { dataOf, startShop } from '../../testkit/shop.js';
import type { AdminWithdrawalPage, AdminWithdrawalView } from '../../typings/admin.js';
import type { Envelope } from '../../typings/common.js';
import type { WithdrawalView } from '../../typings/member.js';

/**
 * The owner's commission withdrawal queue: inviters ask through the `member` function, the owner lists and settles
 * through `admin`; balances, the commission ledger and the audit log are read back from the database.
 */
const shop = await startShop({ only: ['admin', 'member'] });

type Rec = Record<string, any>;
const OWNER = 'o-wd-owner';
const OPERATOR = 'o-wd-operator';
const SERVICE = 'o-wd-service';
await Promise.all(
  (
    [
      [OWNER, 'owner'],
      [OPERATOR, 'operator'],
      [SERVICE, 'service'],
    ] as const
  ).map(([openid, role]) => shop.db.collection('admins').doc(openid).set({ role, name: role, active: true })),
);
test.after.always(() => shop.close());

/** The owner settles with a fresh second verification (二次验证), as the back office asks for one. */
async function admin<T>(route: string, params: Rec, openid = OWNER): Promise<Envelope<T>> {
  if (openid === OWNER && route === 'withdrawals.settle') await verifyMerchant(shop, OWNER, 'owner');
  return shop.call<T>('admin', route, params, openid);
}
const doc = async (collection: string, id: string): Promise<Rec | undefined> =>
  (await shop.db.collection(collection).doc(id).get()).data[0] as Rec | undefined;

/** An inviter with `available` fen of settled commission, as the record and settle entries leave it. */
async function inviterWith(openid: string, available: number): Promise<void> {
  const at = new Date();
  const zero = { pending: 0, available: 0, withdrawing: 0, withdrawn: 0 };
  await shop.db
    .collection('users')
    .doc(openid)
    .set({ openid, nickname: null, avatarUrl: null, createdAt: at, updatedAt: at, commission: { ...zero, available } });
  await shop.db.collection('commission_ledger').add([
    {
      _id: `record:o-${openid}`,
      openid,
      kind: 'record',
      amount: available,
      deltas: { ...zero, pending: available },
      balancesAfter: { ...zero, pending: available },
      orderId: `o-${openid}`,
      at,
    },
    {
      _id: `settle:o-${openid}`,
      openid,
      kind: 'settle',
      amount: available,
      deltas: { ...zero, pending: -available, available },
      balancesAfter: { ...zero, available },
      orderId: `o-${openid}`,
      at,
    },
  ]);
}

async function assertLedger(t: ExecutionContext, openid: string, expected: Rec): Promise<void> {
  const user = (await doc('users', openid))!;
  t.like(user.commission, expected);
  const entries = (await shop.db.collection('commission_ledger').where({ openid }).get()).data as Rec[];
  for (const bucket of ['pending', 'available', 'withdrawing', 'withdrawn']) {
    t.is(
      entries.reduce((n, e) => n + e.deltas[bucket], 0),
      user.commission[bucket],
      `the ledger sums to ${bucket}`,
    );
  }
}

const request = async (openid: string, amount: number) =>
  dataOf(await shop.call<WithdrawalView>('member', 'withdrawals.request', { amount }, openid));
const auditOf = async (withdrawalId: string) =>
  (await shop.db.collection('audit_logs').where({ target: withdrawalId }).get()).data as Rec[];

test('the owner lists pending requests oldest first and pays one: withdrawing → withdrawn, audited once', async (t) => {
  const openid = 'o-wd-paid';
  await inviterWith(openid, 5000);
  const first = await request(openid, 2000);
  const second = await request(openid, 1500);
  await assertLedger(t, openid, { available: 1500, withdrawing: 3500 });

  const pending = dataOf(await admin<AdminWithdrawalPage>('withdrawals.list', { pageSize: 50 }));
  const mine = pending.items.filter((w) => w.openid === openid);
  t.deepEqual(
    mine.map((w) => [w.withdrawalId, w.amount, w.status]),
    [
      [first.withdrawalId, 2000, 'pending'],
      [second.withdrawalId, 1500, 'pending'],
    ],
  );

  const paid = dataOf(
    await admin<AdminWithdrawalView>('withdrawals.settle', {
      withdrawalId: first.withdrawalId,
      result: 'paid',
      note: '已线下转账',
    }),
  );
  t.like(paid, { withdrawalId: first.withdrawalId, status: 'paid', statusLabel: '已到账', openid, note: '已线下转账' });
  t.truthy(paid.settledAt);
  await assertLedger(t, openid, { available: 1500, withdrawing: 1500, withdrawn: 2000 });
  t.like(await doc('withdrawals', first.withdrawalId), { status: 'paid', note: '已线下转账' });
  const audit = await auditOf(first.withdrawalId);
  t.is(audit.length, 1);
  t.like(audit[0], {
    actor: OWNER,
    role: 'owner',
    action: 'withdrawals.settle',
    detail: { result: 'paid', amount: 2000, openid, from: 'pending', to: 'paid' },
  });

  // The same decision again changes nothing; the other one is refused.
  t.like(dataOf(await admin<AdminWithdrawalView>('withdrawals.settle', { withdrawalId: first.withdrawalId, result: 'paid' })), {
    status: 'paid',
  });
  t.like(await admin('withdrawals.settle', { withdrawalId: first.withdrawalId, result: 'rejected' }), {
    ok: false,
    code: 'INVALID_STATE',
  });
  t.is((await auditOf(first.withdrawalId)).length, 1);
  await assertLedger(t, openid, { available: 1500, withdrawing: 1500, withdrawn: 2000 });

  const paidList = dataOf(await admin<AdminWithdrawalPage>('withdrawals.list', { status: 'paid', pageSize: 50 }));
  t.true(paidList.items.some((w) => w.withdrawalId === first.withdrawalId));
  t.false(
    dataOf(await admin<AdminWithdrawalPage>('withdrawals.list', { pageSize: 50 })).items.some(
      (w) => w.withdrawalId === first.withdrawalId,
    ),
  );
});

test('a rejected request gives the money back to the available balance', async (t) => {
  const openid = 'o-wd-rejected';
  await inviterWith(openid, 3000);
  const asked = await request(openid, 3000);
  await assertLedger(t, openid, { available: 0, withdrawing: 3000 });
  t.like(
    dataOf(
      await admin<AdminWithdrawalView>('withdrawals.settle', {
        withdrawalId: asked.withdrawalId,
        result: 'rejected',
        note: '账户信息有误',
      }),
    ),
    { status: 'rejected', statusLabel: '未通过' },
  );
  await assertLedger(t, openid, { available: 3000, withdrawing: 0, withdrawn: 0 });
  t.like((await auditOf(asked.withdrawalId))[0], {
    detail: { result: 'rejected', note: '账户信息有误', from: 'pending', to: 'rejected' },
  });
});

test('settling needs a second verification: an owner without a fresh code is refused and nothing changes', async (t) => {
  const openid = 'o-wd-unverified-case';
  const unverified = 'o-wd-owner-unverified';
  await shop.db.collection('admins').doc(unverified).set({ role: 'owner', name: '店主', active: true });
  await inviterWith(openid, 2000);
  const asked = await request(openid, 2000);
  t.like(await admin('withdrawals.settle', { withdrawalId: asked.withdrawalId, result: 'paid' }, unverified), {
    ok: false,
    code: 'VERIFICATION_REQUIRED',
  });
  t.like(await doc('withdrawals', asked.withdrawalId), { status: 'pending' });
  t.is((await auditOf(asked.withdrawalId)).length, 0);
  await assertLedger(t, openid, { available: 0, withdrawing: 2000 });
});

test('only the owner may list or settle withdrawals; shoppers learn nothing', async (t) => {
  const openid = 'o-wd-rbac';
  await inviterWith(openid, 2000);
  const asked = await request(openid, 2000);
  for (const who of [OPERATOR, SERVICE, openid]) {
    t.like(await admin('withdrawals.list', {}, who), { ok: false, code: 'FORBIDDEN' });
    t.like(await admin('withdrawals.settle', { withdrawalId: asked.withdrawalId, result: 'paid' }, who), {
      ok: false,
      code: 'FORBIDDEN',
    });
  }
  t.like(await doc('withdrawals', asked.withdrawalId), { status: 'pending' });
  t.is((await auditOf(asked.withdrawalId)).length, 0);
  await assertLedger(t, openid, { available: 0, withdrawing: 2000 });
});

test('malformed or unknown requests are refused and change nothing', async (t) => {
  const openid = 'o-wd-bad';
  await inviterWith(openid, 2000);
  const asked = await request(openid, 2000);
  for (const params of [
    { withdrawalId: asked.withdrawalId, result: 'approved' },
    { withdrawalId: asked.withdrawalId },
    { withdrawalId: { $ne: null }, result: 'paid' },
    { withdrawalId: asked.withdrawalId, result: 'paid', note: 'x'.repeat(201) },
    { withdrawalId: asked.withdrawalId, result: 'paid', amount: 1 },
  ]) {
    t.like(await admin('withdrawals.settle', params), { ok: false, code: 'VALIDATION' }, JSON.stringify(params).slice(0, 80));
  }
  t.like(await admin('withdrawals.list', { status: 'all' }), { ok: false, code: 'VALIDATION' });
  t.like(await admin('withdrawals.settle', { withdrawalId: 'Wnope', result: 'paid' }), { ok: false, code: 'NOT_FOUND' });
  t.like(await doc('withdrawals', asked.withdrawalId), { status: 'pending' });
  t.is((await auditOf(asked.withdrawalId)).length, 0);
  await assertLedger(t, openid, { available: 0, withdrawing: 2000 });
});

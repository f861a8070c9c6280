import { ErrorCode } from '../../../typings/common.js';
import { type CommissionBalances, type CommissionKind, type MemberSettings } from '../../../typings/member.js';
import {
  COMMISSIONS,
  COMMISSION_LEDGER,
  CommissionDoc,
  CommissionEntryDoc,
  type MemberUserDoc,
  USERS,
  WITHDRAWALS,
  WithdrawalDoc,
} from '../model/member.js';
import { commissionBalances, commissionFor } from '../rules/commission-rules.js';
import { type RefundedShare, shareBack } from '../rules/refund-shares.js';
import { ShopError, notFound } from '../rules/errors.js';
import { yuan } from '../rules/money.js';
import { newOrderId } from '../rules/new-orders.js';
import { type Transaction, _, db } from './db.js';
import { inTransaction, userForUpdate } from './points-ledger.js';
import { loadMemberSettings } from './shop-settings.js';
import { withRetries } from './transactions.js';

/**
 * Commission money: four balances on the inviter's user document (`commission.pending / available / withdrawing /
 * withdrawn`, fen), moved only by `commission_ledger` entries written in the same transaction and applied once, so
 * every balance equals the sum of its deltas over the ledger. Commissions and withdrawals move them here.
 */

const BUCKETS = ['pending', 'available', 'withdrawing', 'withdrawn'] as const;

const DAY_MS = 86_400_000;

interface CommissionMove {
  openid: string;
  entryId: string;
  kind: CommissionKind;
  amount: number;
  deltas: Partial<CommissionBalances>;
  orderId?: string;
  withdrawalId?: string;
  at: Date;
}

/** One ledger entry and the balances it moves, inside `tx`; an entry that already exists changes nothing. */
async function moveCommission(tx: Transaction, move: CommissionMove): Promise<{ applied: boolean; entry: CommissionEntryDoc }> {
  const existing = (await tx.collection<CommissionEntryDoc>(COMMISSION_LEDGER).doc(move.entryId).get()).data;
  if (existing) return { applied: false, entry: existing };
  const { user, write } = await userForUpdate(tx, move.openid, move.at);
  const before = commissionBalances(user);
  const deltas = { pending: 0, available: 0, withdrawing: 0, withdrawn: 0, ...move.deltas };
  const balancesAfter = Object.fromEntries(BUCKETS.map((b) => [b, before[b] + deltas[b]])) as unknown as CommissionBalances;
  const entry: CommissionEntryDoc = {
    _id: move.entryId,
    openid: move.openid,
    kind: move.kind,
    amount: move.amount,
    deltas,
    balancesAfter,
    ...(move.orderId ? { orderId: move.orderId } : {}),
    ...(move.withdrawalId ? { withdrawalId: move.withdrawalId } : {}),
    at: move.at,
  };
  await tx.collection(COMMISSION_LEDGER).add({ data: entry });
  await write({ commission: balancesAfter });
  return { applied: true, entry };
}

// ---- commission ------------------------------------------------------------------------------------------------

export interface CommissionOrder {
  orderId: string;
  /** The buyer (the invitee). */
  openid: string;
  /** What the buyer paid for the goods, after every discount and refund, in fen. */
  paidFen: number;
  /** Orders placed before the buyer was bound earn the inviter nothing. */
  createdAt: Date;
  /** When the order completed: the refund window starts here. */
  at: Date;
}

export interface CommissionOptions {
  tx?: Transaction;
  settings?: MemberSettings;
}

/**
 * Records the inviter's commission when an invitee's order completes: a pending `commissions` entry of
 * floor(paid × rate), due after the refund window, and the inviter's pending balance raised by it. Once per order;
 * null when the buyer has no inviter (or was bound after ordering) or the commission rounds to 0.
 */
export async function recordCommission(order: CommissionOrder, options: CommissionOptions = {}): Promise<CommissionDoc | null> {
  const settings = options.settings ?? (await loadMemberSettings());
  const amount = commissionFor(order.paidFen, settings);
  return inTransaction(options.tx, async (tx) => {
    const existing = (await tx.collection<CommissionDoc>(COMMISSIONS).doc(order.orderId).get()).data;
    if (existing) return existing;
    const buyer = (await tx.collection<MemberUserDoc>(USERS).doc(order.openid).get()).data;
    const inviter = buyer?.inviterOpenid;
    if (!inviter || !buyer.invitedAt || new Date(buyer.invitedAt).getTime() > new Date(order.createdAt).getTime() || amount === 0)
      return null;
    const doc: CommissionDoc = {
      _id: order.orderId,
      orderId: order.orderId,
      inviterOpenid: inviter,
      inviteeOpenid: order.openid,
      paidFen: order.paidFen,
      rateBp: settings.referral.commissionBp,
      amount,
      status: 'pending',
      createdAt: order.at,
      dueAt: new Date(order.at.getTime() + settings.referral.refundWindowDays * DAY_MS),
    };
    await tx.collection(COMMISSIONS).add({ data: doc });
    await moveCommission(tx, {
      openid: inviter,
      entryId: `record:${order.orderId}`,
      kind: 'record',
      amount,
      deltas: { pending: amount },
      orderId: order.orderId,
      at: order.at,
    });
    return doc;
  });
}

/** Makes one pending commission available once its refund window has passed; false when it is not (or no longer) due. */
export async function settleCommission(orderId: string, now: Date, tx?: Transaction): Promise<boolean> {
  return inTransaction(tx, async (t) => {
    const doc = (await t.collection<CommissionDoc>(COMMISSIONS).doc(orderId).get()).data;
    if (!doc || doc.status !== 'pending' || new Date(doc.dueAt).getTime() > now.getTime()) return false;
    await t
      .collection(COMMISSIONS)
      .doc(orderId)
      .update({ data: { status: 'settled', settledAt: now } });
    const amount = doc.amount - (doc.takenBack ?? 0);
    await moveCommission(t, {
      openid: doc.inviterOpenid,
      entryId: `settle:${orderId}`,
      kind: 'settle',
      amount,
      deltas: { pending: -amount, available: amount },
      orderId,
      at: now,
    });
    return true;
  });
}

const SETTLE_BATCH = 100;

const SETTLE_MAX_BATCHES = 20;

/**
 * For the jobs timer: settles every pending commission whose refund window ended by `now`, each in its own
 * transaction, 100 at a time until none is left, `deadline` (epoch ms, default 45 s from now) passes or 20 batches
 * ran. One that fails is logged and left for the next firing. Answers how many were settled.
 */
export async function settleDueCommissions(now: Date, deadline = Date.now() + 45_000): Promise<number> {
  const skipped: string[] = [];
  let settled = 0;
  for (let batch = 0; batch < SETTLE_MAX_BATCHES && Date.now() < deadline; batch++) {
    const filter = { status: 'pending', dueAt: _.lte(now), ...(skipped.length ? { _id: _.nin(skipped) } : {}) };
    const due = (
      await db
        .collection<{ _id: string }>(COMMISSIONS)
        .where(filter)
        .orderBy('dueAt', 'asc')
        .limit(SETTLE_BATCH)
        .field({ _id: true })
        .get()
    ).data;
    if (due.length === 0) break;
    for (const { _id } of due) {
      if (Date.now() >= deadline) return settled;
      try {
        if (await settleCommission(_id, now)) settled++;
        else skipped.push(_id);
      } catch (err) {
        skipped.push(_id);
        console.error(`[referral] settling commission ${_id} failed`, err);
      }
    }
  }
  return settled;
}

/**
 * Undoes an order's commission when the order is refunded: a pending one is cancelled (the pending balance drops), a
 * settled one is taken back from the available balance by a negative entry (which may leave it below 0 when the
 * money was withdrawn; later commission makes it up). Once per order; null when there is nothing to undo.
 */
export async function reverseCommission(
  orderId: string,
  options: { at?: Date; tx?: Transaction } = {},
): Promise<'cancelled' | 'reversed' | null> {
  const at = options.at ?? new Date();
  return inTransaction(options.tx, async (tx) => {
    const doc = (await tx.collection<CommissionDoc>(COMMISSIONS).doc(orderId).get()).data;
    if (!doc) return null;
    const amount = doc.amount - (doc.takenBack ?? 0);
    if (doc.status === 'pending') {
      await tx
        .collection(COMMISSIONS)
        .doc(orderId)
        .update({ data: { status: 'cancelled', cancelledAt: at } });
      await moveCommission(tx, {
        openid: doc.inviterOpenid,
        entryId: `cancel:${orderId}`,
        kind: 'cancel',
        amount,
        deltas: { pending: -amount },
        orderId,
        at,
      });
      return 'cancelled';
    }
    if (doc.status === 'settled') {
      await tx
        .collection(COMMISSIONS)
        .doc(orderId)
        .update({ data: { status: 'reversed', reversedAt: at } });
      await moveCommission(tx, {
        openid: doc.inviterOpenid,
        entryId: `reverse:${orderId}`,
        kind: 'reverse',
        amount,
        deltas: { available: -amount },
        orderId,
        at,
      });
      return 'reversed';
    }
    return null;
  });
}

// ---- withdrawals -----------------------------------------------------------------------------------------------

/**
 * Moves `amount` from available to withdrawing and files a request the merchant settles. The balance is read and
 * written in one transaction on the user document, so concurrent requests conflict and the later ones see what the
 * first took: they can never withdraw more than was available.
 */
export async function requestWithdrawal(
  openid: string,
  amount: number,
  at: Date,
  settings?: MemberSettings,
): Promise<WithdrawalDoc> {
  const { referral } = settings ?? (await loadMemberSettings());
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new ShopError(ErrorCode.VALIDATION, '提现金额必须是正整数（分）');
  if (amount < referral.minWithdrawFen)
    throw new ShopError(ErrorCode.VALIDATION, `最低提现金额为 ${yuan(referral.minWithdrawFen)}`);
  return withRetries(db, async (tx) => {
    const { user } = await userForUpdate(tx, openid, at);
    const { available } = commissionBalances(user);
    if (amount > available)
      throw new ShopError(ErrorCode.INVALID_STATE, `可提现余额不足：可提现 ${yuan(Math.max(available, 0))}`);
    const doc: WithdrawalDoc = { _id: `W${newOrderId(at)}`, openid, amount, status: 'pending', requestedAt: at };
    await tx.collection(WITHDRAWALS).add({ data: doc });
    await moveCommission(tx, {
      openid,
      entryId: `withdraw:${doc._id}`,
      kind: 'withdraw',
      amount,
      deltas: { available: -amount, withdrawing: amount },
      withdrawalId: doc._id,
      at,
    });
    return doc;
  });
}

/**
 * The merchant's decision on a withdrawal (for the admin function): `paid` once the money was sent (withdrawing →
 * withdrawn), `rejected` to give it back (withdrawing → available). Deciding the same way again returns the request
 * unchanged; deciding otherwise after a decision is INVALID_STATE.
 */
export async function settleWithdrawal(
  withdrawalId: string,
  outcome: 'paid' | 'rejected',
  options: { at?: Date; note?: string; tx?: Transaction } = {},
): Promise<WithdrawalDoc> {
  const at = options.at ?? new Date();
  return inTransaction(options.tx, async (tx) => {
    const doc = (await tx.collection<WithdrawalDoc>(WITHDRAWALS).doc(withdrawalId).get()).data;
    if (!doc) throw notFound('提现申请');
    if (doc.status === outcome) return doc;
    if (doc.status !== 'pending') throw new ShopError(ErrorCode.INVALID_STATE, '该提现申请已处理');
    const fields = { status: outcome, settledAt: at, ...(options.note ? { note: options.note } : {}) };
    await tx.collection(WITHDRAWALS).doc(withdrawalId).update({ data: fields });
    const deltas =
      outcome === 'paid'
        ? { withdrawing: -doc.amount, withdrawn: doc.amount }
        : { withdrawing: -doc.amount, available: doc.amount };
    await moveCommission(tx, {
      openid: doc.openid,
      entryId: `withdraw_${outcome}:${withdrawalId}`,
      kind: `withdraw_${outcome}`,
      amount: doc.amount,
      deltas,
      withdrawalId,
      at,
    });
    return { ...doc, ...fields };
  });
}

/**
 * A partial refund (an after-sale case, `refundId`) takes back its share of the order's commission, once per case: from
 * the pending balance before settlement, from the available one after it. Taking back the last share closes the
 * commission as `cancelled` or `reversed`, exactly as a whole refund does.
 */
export async function takeBackCommissionShare(
  tx: Transaction,
  orderId: string,
  refundId: string,
  share: RefundedShare,
  at: Date,
): Promise<number> {
  const doc = (await tx.collection<CommissionDoc>(COMMISSIONS).doc(orderId).get()).data;
  if (!doc || (doc.status !== 'pending' && doc.status !== 'settled')) return 0;
  // The commission was worked out on what was paid at completion: earlier refunds are already outside that base.
  const before = share.before - (share.base - doc.paidFen);
  const back = shareBack(doc.amount, doc.paidFen, before, share.now);
  if (back <= 0) return 0;
  const pending = doc.status === 'pending';
  const move = await moveCommission(tx, {
    openid: doc.inviterOpenid,
    entryId: `${pending ? 'cancel' : 'reverse'}:${refundId}`,
    kind: pending ? 'cancel' : 'reverse',
    amount: back,
    deltas: pending ? { pending: -back } : { available: -back },
    orderId,
    at,
  });
  if (!move.applied) return 0;
  const takenBack = (doc.takenBack ?? 0) + back;
  const closed =
    takenBack >= doc.amount ? (pending ? { status: 'cancelled', cancelledAt: at } : { status: 'reversed', reversedAt: at }) : {};
  await tx
    .collection(COMMISSIONS)
    .doc(orderId)
    .update({ data: { takenBack, ...closed } });
  return back;
}

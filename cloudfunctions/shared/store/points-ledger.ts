import { ErrorCode } from '../../../typings/common.js';
import type { MemberSettings, PointsReason } from '../../../typings/member.js';
import { MemberUserDoc, POINTS_LEDGER, PointsEntryDoc, pointsEntryId, USERS } from '../model/member.js';
import { ShopError } from '../rules/errors.js';
import { type RefundedShare, shareBack } from '../rules/refund-shares.js';
import { growthEarned, levelFor, MemberSnapshot, nonNegativeInt, pointsEarned } from '../rules/member-levels.js';
import { type Transaction, db } from './db.js';
import { loadMemberSettings } from './shop-settings.js';
import { withRetries } from './transactions.js';

/**
 * Member points and growth. Every change is one `points_ledger` entry, written in the same transaction as the new
 * balance on the user document under an `_id` derived from the event: applied twice it changes nothing, so callers may
 * retry freely, and the balance always equals the sum of the ledger's deltas. The other ledgers share `userForUpdate`.
 */

/**
 * The caller's user document read inside `tx`, created (with the fields the user function gives a new shopper) when
 * the shopper has never opened their profile. The creation is part of `tx`, so it lands only with the change.
 */
export async function userForUpdate(
  tx: Transaction,
  openid: string,
  at: Date,
): Promise<{ user: MemberUserDoc; write: (fields: Record<string, unknown>) => Promise<void> }> {
  const found = (await tx.collection<MemberUserDoc>(USERS).doc(openid).get()).data;
  if (found)
    return { user: found, write: async (fields) => void (await tx.collection(USERS).doc(openid).update({ data: fields })) };
  const fresh = { _id: openid, openid, nickname: null, avatarUrl: null, createdAt: at, updatedAt: at };
  let created = false;
  return {
    user: fresh,
    write: async (fields) => {
      // A second write in the same transaction updates what the first one added.
      if (created) await tx.collection(USERS).doc(openid).update({ data: fields });
      else await tx.collection(USERS).add({ data: { ...fresh, ...fields } });
      created = true;
    },
  };
}

export interface PointsChange {
  openid: string;
  reason: PointsReason;
  refId: string;
  delta: number;
  growthDelta?: number;
  at: Date;
  /** Reversals of points already earned may leave a negative balance (the shopper spent them); spending may not. */
  allowNegative?: boolean;
  baseFen?: number;
}

/** Applies one change inside `tx` unless its entry already exists; refuses to spend beyond the balance. */
export async function applyPointsChange(
  tx: Transaction,
  change: PointsChange,
): Promise<{ applied: boolean; entry: PointsEntryDoc }> {
  const id = pointsEntryId(change.openid, change.reason, change.refId);
  const existing = (await tx.collection<PointsEntryDoc>(POINTS_LEDGER).doc(id).get()).data;
  if (existing) return { applied: false, entry: existing };
  const { user, write } = await userForUpdate(tx, change.openid, change.at);
  const balance = user.points ?? 0;
  const growth = user.growth ?? 0;
  const growthDelta = change.growthDelta ?? 0;
  if (change.delta < 0 && !change.allowNegative && balance + change.delta < 0) {
    throw new ShopError(ErrorCode.INVALID_STATE, `积分不足：可用 ${Math.max(balance, 0)} 积分`);
  }
  const entry: PointsEntryDoc = {
    _id: id,
    openid: change.openid,
    delta: change.delta,
    balanceAfter: balance + change.delta,
    growthDelta,
    growthAfter: growth + growthDelta,
    reason: change.reason,
    refId: change.refId,
    at: change.at,
    ...(change.baseFen !== undefined ? { baseFen: change.baseFen } : {}),
  };
  await tx.collection(POINTS_LEDGER).add({ data: entry });
  await write({ points: entry.balanceAfter, growth: entry.growthAfter });
  return { applied: true, entry };
}

/** Runs `fn` in the caller's transaction, or in a transaction of its own (retried on write conflicts). */
export function inTransaction<R>(tx: Transaction | undefined, fn: (tx: Transaction) => Promise<R>): Promise<R> {
  return tx ? fn(tx) : withRetries(db, fn);
}

/** What checkout needs about the shopper (outside any transaction: preview, and create before its transaction). */
export async function memberSnapshot(openid: string, settings?: MemberSettings): Promise<MemberSnapshot> {
  const [loaded, user] = await Promise.all([
    settings ?? loadMemberSettings(),
    db.collection<MemberUserDoc>(USERS).doc(openid).get(),
  ]);
  const points = user.data?.points ?? 0;
  const growth = user.data?.growth ?? 0;
  return { settings: loaded, points, growth, level: levelFor(growth, loaded) };
}

// ---- the order's points ----------------------------------------------------------------------------------------
// Each helper runs inside the caller's transaction when given one (so points move with the order or not at all), or
// in its own.

export interface OrderPointsRef {
  openid: string;
  orderId: string;
  at: Date;
}

/**
 * Deducts `points` for an order being created (refId = order id). Refuses (INVALID_STATE, aborting the caller's
 * transaction) when the balance is short; 0 points writes nothing.
 */
export async function spendForOrder(ref: OrderPointsRef & { points: number }, tx?: Transaction): Promise<PointsEntryDoc | null> {
  const points = nonNegativeInt(ref.points, '积分');
  if (points === 0) return null;
  return inTransaction(
    tx,
    async (t) =>
      (await applyPointsChange(t, { openid: ref.openid, reason: 'order_spend', refId: ref.orderId, delta: -points, at: ref.at }))
        .entry,
  );
}

/**
 * Credits points and growth for a completed order: floor(paidFen / 100 × rate). Once per order: a second call (a
 * retried timer, a duplicate event) returns the first entry. Nothing is earned for an order whose points were
 * already reversed, or when the amount earns nothing.
 */
export async function earnForOrder(
  ref: OrderPointsRef & { paidFen: number; settings?: MemberSettings },
  tx?: Transaction,
): Promise<PointsEntryDoc | null> {
  const settings = ref.settings ?? (await loadMemberSettings());
  const points = pointsEarned(ref.paidFen, settings);
  const growth = growthEarned(ref.paidFen, settings);
  return inTransaction(tx, async (t) => {
    const reversed = (
      await t
        .collection(POINTS_LEDGER)
        .doc(pointsEntryId(ref.openid, 'order_earn_reversal', ref.orderId))
        .get()
    ).data;
    if (reversed || (points === 0 && growth === 0)) return null;
    return (
      await applyPointsChange(t, {
        openid: ref.openid,
        reason: 'order_earn',
        refId: ref.orderId,
        delta: points,
        growthDelta: growth,
        at: ref.at,
        baseFen: ref.paidFen,
      })
    ).entry;
  });
}

export interface ReturnedPoints {
  /** Points the order spent, given back. */
  returned: number;
  /** Points (and growth) the order earned, taken back. */
  reversed: number;
  growthReversed: number;
}

/**
 * Undoes an order's points when it is cancelled, times out or is refunded: what it spent comes back and what it
 * earned is taken back (which may leave the balance negative when the points were spent since). Exactly the ledger's
 * amounts, once: calling it again changes nothing.
 */
export async function returnForOrder(ref: OrderPointsRef, tx?: Transaction): Promise<ReturnedPoints> {
  return inTransaction(tx, async (t) => {
    const ledger = t.collection<PointsEntryDoc>(POINTS_LEDGER);
    const spent = await ledger.doc(pointsEntryId(ref.openid, 'order_spend', ref.orderId)).get();
    const earned = await ledger.doc(pointsEntryId(ref.openid, 'order_earn', ref.orderId)).get();
    const result: ReturnedPoints = { returned: 0, reversed: 0, growthReversed: 0 };
    if (spent.data) {
      const back = await applyPointsChange(t, {
        openid: ref.openid,
        reason: 'order_spend_return',
        refId: ref.orderId,
        delta: -spent.data.delta,
        at: ref.at,
      });
      if (back.applied) result.returned = back.entry.delta;
    }
    if (earned.data) {
      const back = await applyPointsChange(t, {
        openid: ref.openid,
        reason: 'order_earn_reversal',
        refId: ref.orderId,
        delta: -earned.data.delta,
        growthDelta: -earned.data.growthDelta,
        at: ref.at,
        allowNegative: true,
      });
      if (back.applied) {
        result.reversed = -back.entry.delta;
        result.growthReversed = -back.entry.growthDelta;
      }
    }
    return result;
  });
}

/**
 * A partial refund (an after-sale case, `refundId`) gives back its share of the points the order spent and takes back
 * its share of the points and growth it earned, each once per case. Shares are cumulative (rules/refund-shares.ts), so
 * the cases of an order return exactly what it spent and earned once every unit is refunded.
 */
export async function returnRefundShare(
  tx: Transaction,
  ref: OrderPointsRef & { refundId: string },
  share: RefundedShare,
): Promise<ReturnedPoints> {
  const ledger = tx.collection<PointsEntryDoc>(POINTS_LEDGER);
  const spent = (await ledger.doc(pointsEntryId(ref.openid, 'order_spend', ref.orderId)).get()).data;
  const earned = (await ledger.doc(pointsEntryId(ref.openid, 'order_earn', ref.orderId)).get()).data;
  const result: ReturnedPoints = { returned: 0, reversed: 0, growthReversed: 0 };
  const returned = spent ? shareBack(-spent.delta, share.base, share.before, share.now) : 0;
  if (returned > 0) {
    await applyPointsChange(tx, {
      openid: ref.openid,
      reason: 'order_spend_return',
      refId: ref.refundId,
      delta: returned,
      at: ref.at,
    });
    result.returned = returned;
  }
  if (earned) {
    // Earned on what was paid at completion: refunds before it are already left out of that base.
    const base = earned.baseFen ?? share.base;
    const before = share.before - (share.base - base);
    const reversed = shareBack(earned.delta, base, before, share.now);
    const growthReversed = shareBack(earned.growthDelta, base, before, share.now);
    if (reversed > 0 || growthReversed > 0) {
      await applyPointsChange(tx, {
        openid: ref.openid,
        reason: 'order_earn_reversal',
        refId: ref.refundId,
        delta: -reversed,
        growthDelta: -growthReversed,
        at: ref.at,
        allowNegative: true,
      });
      Object.assign(result, { reversed, growthReversed });
    }
  }
  return result;
}

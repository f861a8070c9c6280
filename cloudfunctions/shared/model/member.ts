import type { PointsReason } from '../../../typings/member.js';
import { type CommissionBalances,type CommissionKind,type WithdrawalStatus } from '../../../typings/member.js';


/**
 * Member points and growth. Every change is one entry of the `points_ledger` whose `_id` is derived from
 * (openid, reason, refId), written in the same transaction as the new balance on the user document (`points`,
 * `growth`). The same event applied twice finds its entry and changes nothing, so callers may retry freely, and the
 * balance always equals the sum of the ledger's deltas. Each order helper runs inside the caller's transaction when
 * given one (so points move with the order or not at all), or in its own.
 */
export const USERS = 'users';

export const POINTS_LEDGER = 'points_ledger';

/** The member fields of a `users` document (`_id` is the openid); other functions own the rest of it. */
export interface MemberUserDoc {
  _id: string;
  openid: string;
  points?: number;
  growth?: number;
  inviteCode?: string;
  inviterOpenid?: string;
  invitedAt?: Date;
  commission?: Partial<Record<'pending' | 'available' | 'withdrawing' | 'withdrawn', number>>;
}

export interface PointsEntryDoc {
  _id: string;
  openid: string;
  delta: number;
  balanceAfter: number;
  growthDelta: number;
  growthAfter: number;
  reason: PointsReason;
  refId: string;
  at: Date;
}

export const pointsEntryId = (openid: string, reason: PointsReason, refId: string) => `${openid}:${reason}:${refId}`;


/**
 * Referral (分销): invite codes, binding an invitee to the inviter, commission on the invitee's completed orders and
 * the inviter's withdrawals.
 *
 * Money is tracked in four balances on the inviter's user document (`commission.pending / available / withdrawing /
 * withdrawn`, fen). Each movement is one `commission_ledger` entry carrying the deltas of the four balances, written
 * in the same transaction as the balances, with an `_id` derived from the event (`record:<orderId>`,
 * `withdraw:<withdrawalId>`, …) so it applies once: every balance equals the sum of its deltas over the ledger.
 * `commissions` holds one document per order (`_id` = order id) whose status moves pending → settled (after the
 * refund window) or pending → cancelled / settled → reversed (refunded).
 */
export const INVITE_CODES = 'invite_codes';

export const COMMISSIONS = 'commissions';

export const COMMISSION_LEDGER = 'commission_ledger';

export const WITHDRAWALS = 'withdrawals';

export interface CommissionDoc {
  _id: string;
  orderId: string;
  inviterOpenid: string;
  inviteeOpenid: string;
  paidFen: number;
  rateBp: number;
  amount: number;
  status: 'pending' | 'settled' | 'cancelled' | 'reversed';
  createdAt: Date;
  /** When the refund window ends and the commission becomes available. */
  dueAt: Date;
  settledAt?: Date;
  cancelledAt?: Date;
  reversedAt?: Date;
}

export interface CommissionEntryDoc {
  _id: string;
  /** The inviter whose balances moved. */
  openid: string;
  kind: CommissionKind;
  amount: number;
  deltas: CommissionBalances;
  balancesAfter: CommissionBalances;
  orderId?: string;
  withdrawalId?: string;
  at: Date;
}

export interface WithdrawalDoc {
  _id: string;
  openid: string;
  amount: number;
  status: WithdrawalStatus;
  requestedAt: Date;
  settledAt?: Date;
  note?: string;
}

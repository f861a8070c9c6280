import type { PointsReason } from '../../../typings/member.js';
import { type CommissionBalances, type CommissionKind, type WithdrawalStatus } from '../../../typings/member.js';

/**
 * Members as stored: the member fields of `users`, the points ledger, and referral (分销): invite codes, commissions,
 * the commission ledger and withdrawals. store/points-ledger.ts and store/commission-ledger.ts write the ledgers.
 */

export const USERS = 'users';

/** One entry per change of a shopper's points or growth (`pointsEntryId`). */
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
  /** The inviter's four commission balances, fen; moved only by commission ledger entries. */
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
  /** For points earned on an order: the fen they were earned on (a partial refund takes back its share of them). */
  baseFen?: number;
}

/** A points entry's `_id`: one per (openid, reason, refId), so the same event applied twice finds its entry. */
export const pointsEntryId = (openid: string, reason: PointsReason, refId: string) => `${openid}:${reason}:${refId}`;

/** One document per invite code (`_id` = the code), naming the shopper who shares it. */
export const INVITE_CODES = 'invite_codes';

/**
 * One document per order (`_id` = order id) whose status moves pending → settled (after the refund window) or
 * pending → cancelled / settled → reversed (refunded).
 */
export const COMMISSIONS = 'commissions';

/**
 * One entry per movement of the commission balances, with the deltas of all four and an `_id` derived from the event
 * (`record:<orderId>`, `withdraw:<withdrawalId>`, …), so it applies once.
 */
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
  /** Commission already taken back by partial refunds (fen); the rest is what settles or is reversed at the end. */
  takenBack?: number;
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

import { randomInt } from 'node:crypto';
import { ErrorCode } from '../../../typings/common.js';
import {
  type CommissionBalances,
  INVITE_CODE_ALPHABET,
  type MemberSettings,
  type WithdrawalStatus,
  type WithdrawalView,
} from '../../../typings/member.js';
import { type MemberUserDoc, WithdrawalDoc } from '../model/member.js';
import { ShopError } from './errors.js';

/**
 * Referral (分销) decisions: the commission an order earns, the four balances of a user document, withdrawals as the
 * inviter sees them, new invite codes. Pure: the ledger is store/commission-ledger.ts, invites store/invites.ts.
 */

const WITHDRAWAL_LABELS: Record<WithdrawalStatus, string> = { pending: '处理中', paid: '已到账', rejected: '未通过' };

export function toWithdrawalView(doc: WithdrawalDoc): WithdrawalView {
  return {
    withdrawalId: doc._id,
    amount: doc.amount,
    status: doc.status,
    statusLabel: WITHDRAWAL_LABELS[doc.status],
    requestedAt: new Date(doc.requestedAt).toISOString(),
    ...(doc.settledAt ? { settledAt: new Date(doc.settledAt).toISOString() } : {}),
  };
}

export function commissionBalances(user: Pick<MemberUserDoc, 'commission'> | null | undefined): CommissionBalances {
  const c = user?.commission ?? {};
  return { pending: c.pending ?? 0, available: c.available ?? 0, withdrawing: c.withdrawing ?? 0, withdrawn: c.withdrawn ?? 0 };
}

/** floor(paid × rate); 0 when the rate or the amount is 0. */
export function commissionFor(paidFen: number, settings: MemberSettings): number {
  if (!Number.isSafeInteger(paidFen) || paidFen < 0)
    throw new ShopError(ErrorCode.VALIDATION, '支付金额必须是不小于 0 的整数（分）');
  return Math.floor((paidFen * settings.referral.commissionBp) / 10_000);
}

export function newInviteCode(random: (max: number) => number = randomInt): string {
  return Array.from({ length: 8 }, () => INVITE_CODE_ALPHABET[random(INVITE_CODE_ALPHABET.length)]).join('');
}

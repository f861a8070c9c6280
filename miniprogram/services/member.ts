import type {
  CheckinCalendar,
  CheckinResult,
  CommissionLedgerPage,
  MemberSummary,
  PointsLedgerPage,
  ReferralSummary,
  ShareData,
  WithdrawalPage,
  WithdrawalView,
} from '../../typings/member';
import { call } from './call';

/** Points, levels, check-in and referral (邀请有礼) of the signed-in shopper. */

const pageParams = (cursor?: string, pageSize = 20) => ({ pageSize, ...(cursor ? { cursor } : {}) });

export function fetchMemberSummary(): Promise<MemberSummary> {
  return call('member', 'summary');
}

export function fetchPointsLedger(cursor?: string, pageSize?: number): Promise<PointsLedgerPage> {
  return call('member', 'points.ledger', pageParams(cursor, pageSize));
}

export function checkIn(): Promise<CheckinResult> {
  return call('member', 'checkin');
}

/** `month` as YYYY-MM; this month (UTC+8) when left out. */
export function fetchCheckinCalendar(month?: string): Promise<CheckinCalendar> {
  return call('member', 'checkin.calendar', month ? { month } : {});
}

export function fetchReferralSummary(): Promise<ReferralSummary> {
  return call('member', 'referral.summary');
}

/** What sharing the home page (or a product) sends: a path carrying the shopper's invite code. */
export function fetchShare(spuId?: string): Promise<ShareData> {
  return call('member', 'referral.share', spuId ? { spuId } : {});
}

export function fetchCommissionLedger(cursor?: string, pageSize?: number): Promise<CommissionLedgerPage> {
  return call('member', 'commission.ledger', pageParams(cursor, pageSize));
}

export function requestWithdrawal(amount: number): Promise<WithdrawalView> {
  return call('member', 'withdrawals.request', { amount });
}

export function fetchWithdrawals(cursor?: string, pageSize?: number): Promise<WithdrawalPage> {
  return call('member', 'withdrawals.list', pageParams(cursor, pageSize));
}

import type {
  CheckinState,
  CommissionEntryView,
  CommissionKind,
  MemberSettings,
  PointsEntryView,
  PointsReason,
} from '../../typings/member.js';
import { type CommissionEntryDoc, type PointsEntryDoc } from '../shared/model/member.js';

/**
 * The member function's pure parts: calendar days in UTC+8, check-in rewards, and how stored entries are shown.
 * Days are 'YYYYMMDD' strings in China time: a check-in at 16:00 UTC already counts for the next day.
 */
export const CHECKINS = 'checkins';
const UTC8_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

export interface CheckinDoc {
  /** `<openid>:<YYYYMMDD>`: a second check-in the same day collides with the first. */
  _id: string;
  openid: string;
  day: string;
  streak: number;
  points: number;
  bonus: number;
  at: Date;
}

export const checkinId = (openid: string, day: string) => `${openid}:${day}`;

/** The calendar day (UTC+8) of an instant, as YYYYMMDD. */
export function dayOf(at: Date): string {
  return new Date(at.getTime() + UTC8_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** The day `n` days after `day` (negative: before). */
export function shiftDay(day: string, n: number): string {
  const midnight = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
  return new Date(midnight + n * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

export const isoDay = (day: string) => `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;

/** The extra points for the `streak`-th consecutive day; with a cycle, day cycle + 1 counts as day 1 again. */
export function streakBonus(streak: number, settings: MemberSettings): number {
  const { cycleDays, streakBonuses } = settings.checkin;
  const day = cycleDays > 0 ? ((streak - 1) % cycleDays) + 1 : streak;
  return streakBonuses.find((b) => b.day === day)?.points ?? 0;
}

export function checkinReward(streak: number, settings: MemberSettings): { points: number; bonus: number } {
  return { points: settings.checkin.points, bonus: streakBonus(streak, settings) };
}

/** Today's state from today's and yesterday's check-ins (either may be missing). */
export function checkinStateOf(
  today: string,
  todayDoc: CheckinDoc | null,
  yesterdayDoc: CheckinDoc | null,
  settings: MemberSettings,
): CheckinState {
  if (todayDoc)
    return { today: isoDay(today), checkedInToday: true, streak: todayDoc.streak, todayReward: todayDoc.points + todayDoc.bonus };
  const streak = yesterdayDoc?.streak ?? 0;
  const reward = checkinReward(streak + 1, settings);
  return { today: isoDay(today), checkedInToday: false, streak, todayReward: reward.points + reward.bonus };
}

const POINTS_LABELS: Record<PointsReason, string> = {
  order_earn: '购物奖励',
  order_earn_reversal: '订单退款，扣回奖励',
  order_spend: '下单抵扣',
  order_spend_return: '订单关闭，退回积分',
  checkin: '每日签到',
  adjust: '商家调整',
};

export function toPointsEntryView(doc: PointsEntryDoc): PointsEntryView {
  return {
    entryId: doc._id,
    delta: doc.delta,
    balanceAfter: doc.balanceAfter,
    growthDelta: doc.growthDelta,
    reason: doc.reason,
    label: POINTS_LABELS[doc.reason] ?? doc.reason,
    refId: doc.refId,
    at: new Date(doc.at).toISOString(),
  };
}

const COMMISSION_LABELS: Record<CommissionKind, string> = {
  record: '好友下单，佣金待结算',
  settle: '佣金结算，可提现',
  cancel: '好友订单退款，佣金取消',
  reverse: '好友订单退款，佣金扣回',
  withdraw: '申请提现',
  withdraw_paid: '提现已到账',
  withdraw_rejected: '提现未通过，退回余额',
};

export function toCommissionEntryView(doc: CommissionEntryDoc): CommissionEntryView {
  return {
    entryId: doc._id,
    kind: doc.kind,
    label: COMMISSION_LABELS[doc.kind] ?? doc.kind,
    amount: doc.amount,
    deltas: doc.deltas,
    ...(doc.orderId ? { orderId: doc.orderId } : {}),
    ...(doc.withdrawalId ? { withdrawalId: doc.withdrawalId } : {}),
    at: new Date(doc.at).toISOString(),
  };
}

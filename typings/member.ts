import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';

/**
 * The `member` function: points and levels, daily check-in, referral and commission. The rules live in the `settings`
 * collection (document `member`, `MemberSettings`), with `DEFAULT_MEMBER_SETTINGS` in code for what is not set. Every
 * change to points or commission is an entry in its ledger, written with the balance it leads to and applied once.
 * Orders feed it: points and growth are earned when an order is completed and taken back if it is refunded later; the
 * inviter's commission is recorded at completion, settled after the refund window, reversed on a refund.
 */
export const MemberRoutes = {
  summary: 'summary',
  pointsLedger: 'points.ledger',
  checkin: 'checkin',
  checkinCalendar: 'checkin.calendar',
  referralBind: 'referral.bind',
  referralSummary: 'referral.summary',
  referralShare: 'referral.share',
  commissionLedger: 'commission.ledger',
  withdrawalsRequest: 'withdrawals.request',
  withdrawalsList: 'withdrawals.list',
} as const;

// ---- settings (the `settings` collection, document `member`; the admin page edits it) ----------------------------

const Int = (min: number, max: number) => z.number().int().min(min).max(max);

/** Basis points: 10000 = 100 %. */
const BasisPoints = Int(0, 10_000);

export const LevelSetting = z
  .object({
    name: z.string().trim().min(1).max(20),
    /** Growth value from which the level applies. */
    minGrowth: Int(0, 1_000_000_000),
    /** What a member of this level pays of the goods, in basis points: 9500 = 95 % (5 % off), 10000 = no discount. */
    discountBp: Int(1, 10_000),
  })
  .strict();
export type LevelSetting = z.infer<typeof LevelSetting>;

export const MemberSettingsSections = {
  /** Points and growth per ¥1 paid, rounded down on the whole order. */
  earn: z.object({ pointsPerYuan: Int(0, 1000), growthPerYuan: Int(0, 1000) }).strict(),
  /** `pointsPerYuan` points are worth ¥1 at checkout; points may pay at most `maxPercentBp` of the goods. */
  redeem: z.object({ pointsPerYuan: Int(1, 1_000_000), maxPercentBp: BasisPoints }).strict(),
  /** Ascending by `minGrowth`, the first at 0. */
  levels: z
    .array(LevelSetting)
    .min(1)
    .max(20)
    .refine((levels) => levels[0]?.minGrowth === 0, '第一个等级的成长值必须从 0 开始')
    .refine((levels) => levels.every((l, i) => i === 0 || l.minGrowth > levels[i - 1]!.minGrowth), '等级的成长值必须递增'),
  /**
   * Every check-in gives `points`; on the streak days listed in `streakBonuses` it gives the bonus on top. With
   * `cycleDays` > 0 the streak days repeat every cycle (day 8 of a 7-day cycle counts as day 1 again).
   */
  checkin: z
    .object({
      points: Int(0, 100_000),
      cycleDays: Int(0, 366),
      streakBonuses: z
        .array(z.object({ day: Int(1, 366), points: Int(1, 100_000) }).strict())
        .max(31)
        .refine((bonuses) => new Set(bonuses.map((b) => b.day)).size === bonuses.length, '连续签到奖励的天数不能重复'),
    })
    .strict(),
  /** Commission on invitees' completed orders, settled `refundWindowDays` after completion; withdrawals from `minWithdrawFen`. */
  referral: z
    .object({
      commissionBp: BasisPoints,
      refundWindowDays: Int(0, 365),
      minWithdrawFen: Int(1, 100_000_000),
    })
    .strict(),
};

export const MemberSettings = z.object(MemberSettingsSections).strict();
export type MemberSettings = z.infer<typeof MemberSettings>;

export const MEMBER_SETTINGS_ID = 'member';

export const DEFAULT_MEMBER_SETTINGS: MemberSettings = {
  earn: { pointsPerYuan: 1, growthPerYuan: 1 },
  redeem: { pointsPerYuan: 100, maxPercentBp: 5000 },
  levels: [
    { name: '普通会员', minGrowth: 0, discountBp: 10_000 },
    { name: '银卡会员', minGrowth: 1000, discountBp: 9800 },
    { name: '金卡会员', minGrowth: 5000, discountBp: 9500 },
    { name: '钻石会员', minGrowth: 20_000, discountBp: 9000 },
  ],
  checkin: {
    points: 5,
    cycleDays: 7,
    streakBonuses: [
      { day: 3, points: 10 },
      { day: 7, points: 30 },
    ],
  },
  referral: { commissionBp: 500, refundWindowDays: 7, minWithdrawFen: 1000 },
};

// ---- inputs ----------------------------------------------------------------------------------------------------

/** `summary`: points and what they are worth, growth, level with its discount, the next level and today's check-in. */
export const SummaryInput = z.object({}).strict();
export type SummaryInput = z.infer<typeof SummaryInput>;

/** `points.ledger`, `commission.ledger`, `withdrawals.list`: the caller's entries, newest first, a page at a time. */
export const LedgerInput = z.object({ cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type LedgerInput = z.input<typeof LedgerInput>;

/**
 * `checkin`: today's check-in (days are calendar days in UTC+8). Its document's `_id` is `<openid>:<YYYYMMDD>`, so
 * however many attempts race, one is written. The streak continues yesterday's; the reward (with the streak bonus of
 * the settings, by default on days 3 and 7 of a 7-day cycle) is written to the points ledger in the same transaction.
 * A second check-in the same day answers INVALID_STATE.
 */
export const CheckinInput = z.object({}).strict();
export type CheckinInput = z.infer<typeof CheckinInput>;

/** `checkin.calendar`: the days of `month` (default: this month, UTC+8) the caller checked in, with today's state. */
export const CalendarInput = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
      .optional(),
  })
  .strict();
export type CalendarInput = z.infer<typeof CalendarInput>;

/** Invite codes: 8 characters without the look-alikes 0 O 1 I. */
export const INVITE_CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const InviteCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[2-9A-HJ-NP-Z]{8}$/, '邀请码格式不正确');

/**
 * `referral.bind`: called when a shopper opens a shared link; binds them to the invite code's owner. The first inviter
 * wins (`already_bound`); nobody invites themselves (`self`); no cycles (`cycle`), even when two opposite binds race.
 * An unknown code answers NOT_FOUND.
 */
export const BindInput = z.object({ inviteCode: InviteCode }).strict();
export type BindInput = z.input<typeof BindInput>;

/** `referral.summary`: the caller's invite code, how many they invited, and their commission by where it is. */
export const ReferralSummaryInput = z.object({}).strict();
export type ReferralSummaryInput = z.infer<typeof ReferralSummaryInput>;

/**
 * `referral.share`: what `onShareAppMessage` returns to share a product page (`spuId`) or the home page: a title and
 * a path carrying the caller's invite code, never their openid.
 */
export const ShareInput = z.object({ spuId: Id.optional() }).strict();
export type ShareInput = z.infer<typeof ShareInput>;

/**
 * `withdrawals.request`: asks to withdraw `amount` fen of the available commission: at least `minWithdrawFen`
 * (VALIDATION below it), at most what is available (INVALID_STATE). The amount is held (`withdrawing`) until the
 * merchant settles the request (`admin` `withdrawals.settle`).
 */
export const WithdrawInput = z.object({ amount: z.number().int().positive().max(100_000_000) }).strict();
export type WithdrawInput = z.infer<typeof WithdrawInput>;

// ---- answers ---------------------------------------------------------------------------------------------------

export interface LevelView {
  /** 0 for the first level. */
  index: number;
  name: string;
  minGrowth: number;
  discountBp: number;
}

export interface CheckinState {
  /** YYYY-MM-DD in UTC+8. */
  today: string;
  checkedInToday: boolean;
  /** Consecutive days up to today (if checked in) or yesterday; 0 when the streak is broken. */
  streak: number;
  /** Points today's check-in gave, or would give. */
  todayReward: number;
}

export interface MemberSummary {
  points: number;
  /** What the points are worth at checkout, in fen. */
  pointsValue: number;
  growth: number;
  level: LevelView;
  /** null at the top level. */
  nextLevel: (LevelView & { growthNeeded: number }) | null;
  checkin: CheckinState;
  redeem: { pointsPerYuan: number; maxPercentBp: number };
}

export type PointsReason = 'order_earn' | 'order_earn_reversal' | 'order_spend' | 'order_spend_return' | 'checkin' | 'adjust';

export interface PointsEntryView {
  entryId: string;
  delta: number;
  balanceAfter: number;
  growthDelta: number;
  reason: PointsReason;
  label: string;
  /** The order id for order entries, YYYYMMDD for check-ins. */
  refId: string;
  at: string;
}
export type PointsLedgerPage = Page<PointsEntryView>;

export interface CheckinResult {
  /** YYYY-MM-DD in UTC+8. */
  day: string;
  streak: number;
  points: number;
  bonus: number;
  balance: number;
}

export interface CheckinCalendar {
  /** YYYY-MM. */
  month: string;
  /** Days of the month checked in, ascending. */
  days: number[];
  checkin: CheckinState;
}

export type BindRefusal = 'already_bound' | 'self' | 'cycle' | 'too_deep';
export interface BindResult {
  bound: boolean;
  /** Why nothing was bound (the first inviter stays). */
  reason?: BindRefusal;
}

/** Commission in fen, by where it is. */
export interface CommissionBalances {
  /** Recorded on completed orders, inside the refund window. */
  pending: number;
  /** Settled and not requested for withdrawal: what can be withdrawn. */
  available: number;
  /** Requested for withdrawal, waiting for the merchant. */
  withdrawing: number;
  /** Paid out by the merchant. */
  withdrawn: number;
}

export interface ReferralSummary {
  inviteCode: string;
  inviteeCount: number;
  commission: CommissionBalances & { /** available + withdrawing + withdrawn */ settled: number };
  commissionBp: number;
  minWithdrawFen: number;
}

export interface ShareData {
  title: string;
  /** For `onShareAppMessage`: carries the invite code, never an openid. */
  path: string;
  inviteCode: string;
}

export type CommissionKind = 'record' | 'settle' | 'cancel' | 'reverse' | 'withdraw' | 'withdraw_paid' | 'withdraw_rejected';

export interface CommissionEntryView {
  entryId: string;
  kind: CommissionKind;
  label: string;
  /** What moved, in fen (positive); `deltas` says from where to where. */
  amount: number;
  deltas: CommissionBalances;
  orderId?: string;
  withdrawalId?: string;
  at: string;
}
export type CommissionLedgerPage = Page<CommissionEntryView>;

export type WithdrawalStatus = 'pending' | 'paid' | 'rejected';

export interface WithdrawalView {
  withdrawalId: string;
  amount: number;
  status: WithdrawalStatus;
  statusLabel: string;
  requestedAt: string;
  settledAt?: string;
}
export type WithdrawalPage = Page<WithdrawalView>;

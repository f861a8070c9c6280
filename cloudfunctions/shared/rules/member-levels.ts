import { ErrorCode } from '../../../typings/common.js';
import type { LevelView, MemberSettings } from '../../../typings/member.js';
import { ShopError } from './errors.js';

/**
 * Member points, growth and levels: what an order earns, what points are worth at checkout, which level a growth value
 * reaches and what it takes off. Pure: the points ledger is store/points-ledger.ts.
 */

export function nonNegativeInt(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new ShopError(ErrorCode.VALIDATION, `${what}必须是不小于 0 的整数`);
  return value;
}

/** Points for paying `paidFen`: floor(paid yuan × rate), on the whole amount. */
export function pointsEarned(paidFen: number, settings: MemberSettings): number {
  return Math.floor((nonNegativeInt(paidFen, '支付金额') * settings.earn.pointsPerYuan) / 100);
}

export function growthEarned(paidFen: number, settings: MemberSettings): number {
  return Math.floor((nonNegativeInt(paidFen, '支付金额') * settings.earn.growthPerYuan) / 100);
}

/** What `points` take off at checkout, in fen (rounded down). */
export function pointsValue(points: number, settings: Pick<MemberSettings, 'redeem'>): number {
  return Math.floor((nonNegativeInt(points, '积分') * 100) / settings.redeem.pointsPerYuan);
}

/** The fewest points worth `fen` (the points to deduct when the pricing applied `fen` of a points discount). */
export function pointsForValue(fen: number, settings: Pick<MemberSettings, 'redeem'>): number {
  return Math.ceil((nonNegativeInt(fen, '抵扣金额') * settings.redeem.pointsPerYuan) / 100);
}

/**
 * The most points usable on goods worth `goodsFen` with `balance` points: their value is capped at `maxPercentBp` of
 * the goods, and no point is spent that adds nothing (with 150 points = ¥1, 151 points are worth 1 fen less than 152).
 */
export function maxRedeemablePoints(goodsFen: number, balance: number, settings: Pick<MemberSettings, 'redeem'>): number {
  const cap = Math.floor((nonNegativeInt(goodsFen, '商品金额') * settings.redeem.maxPercentBp) / 10_000);
  const value = Math.min(pointsValue(Math.max(0, Math.trunc(balance)), settings), cap);
  return pointsForValue(value, settings);
}

/** The level a growth value reaches: the last whose `minGrowth` it meets (levels ascend; the first starts at 0). */
export function levelFor(growth: number, settings: MemberSettings): LevelView {
  let index = 0;
  settings.levels.forEach((level, i) => {
    if (growth >= level.minGrowth) index = i;
  });
  const level = settings.levels[index]!;
  return { index, name: level.name, minGrowth: level.minGrowth, discountBp: level.discountBp };
}

export function nextLevelFor(growth: number, settings: MemberSettings): (LevelView & { growthNeeded: number }) | null {
  const index = levelFor(growth, settings).index + 1;
  const next = settings.levels[index];
  return next
    ? {
        index,
        name: next.name,
        minGrowth: next.minGrowth,
        discountBp: next.discountBp,
        growthNeeded: next.minGrowth - Math.max(0, growth),
      }
    : null;
}

/** The member-level discount on `goodsFen` in fen: the goods less `discountBp` of them, the shop keeping the fraction. */
export function memberDiscount(goodsFen: number, discountBp: number): number {
  nonNegativeInt(goodsFen, '商品金额');
  return goodsFen - Math.ceil((goodsFen * discountBp) / 10_000);
}

/** The member as checkout prices them (read by `memberSnapshot`, store/points-ledger.ts). */
export interface MemberSnapshot {
  settings: MemberSettings;
  points: number;
  growth: number;
  level: LevelView;
}

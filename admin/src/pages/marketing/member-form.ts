import type { MemberSettingsUpdateInput } from '../../../../typings/admin-promotions';
import type { MemberSettings } from '../../../../typings/member';
import { toFen } from '../../utils/money';
import { wholeNumber } from './promotion-format';

/**
 * The member settings as the form edits them (text fields, rates as 折 and percentages, money in yuan) and back to
 * the API's sections (basis points, fen). Pure, so the page only shows and sends.
 */
export interface MemberForm {
  levels: Array<{ name: string; minGrowth: string; discount: string }>;
  earn: { pointsPerYuan: string; growthPerYuan: string };
  redeem: { pointsPerYuan: string; maxPercent: string };
  checkin: { points: string; cycleDays: string; bonuses: Array<{ day: string; points: string }> };
  referral: { commissionPercent: string; refundWindowDays: string; minWithdraw: string };
}

type Sections = Omit<MemberSettingsUpdateInput, 'version'>;
const SECTIONS = ['levels', 'earn', 'redeem', 'checkin', 'referral'] as const;

export function toForm(s: MemberSettings): MemberForm {
  return {
    levels: s.levels.map((l) => ({ name: l.name, minGrowth: String(l.minGrowth), discount: String(l.discountBp / 1000) })),
    earn: { pointsPerYuan: String(s.earn.pointsPerYuan), growthPerYuan: String(s.earn.growthPerYuan) },
    redeem: { pointsPerYuan: String(s.redeem.pointsPerYuan), maxPercent: String(s.redeem.maxPercentBp / 100) },
    checkin: {
      points: String(s.checkin.points),
      cycleDays: String(s.checkin.cycleDays),
      bonuses: s.checkin.streakBonuses.map((b) => ({ day: String(b.day), points: String(b.points) })),
    },
    referral: {
      commissionPercent: String(s.referral.commissionBp / 100),
      refundWindowDays: String(s.referral.refundWindowDays),
      minWithdraw: (s.referral.minWithdrawFen / 100).toFixed(2),
    },
  };
}

/** "9.5" × 1000 → 9500: a decimal with at most `decimals` places, scaled to an integer in [min, max]. */
function scaled(text: string, factor: number, decimals: number, min: number, max: number): number | undefined {
  const trimmed = text.trim();
  if (!new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`).test(trimmed)) return undefined;
  const n = Math.round(Number(trimmed) * factor);
  return n >= min && n <= max ? n : undefined;
}

/** The sections the form holds, or the first problem in Chinese. */
export function toSections(f: MemberForm): MemberSettings | string {
  const levels: MemberSettings['levels'] = [];
  for (const [i, row] of f.levels.entries()) {
    const name = row.name.trim();
    const minGrowth = wholeNumber(row.minGrowth, 0, 1_000_000_000);
    const discountBp = scaled(row.discount, 1000, 2, 1, 10_000);
    if (!name || name.length > 20) return `第 ${i + 1} 个等级的名称为 1–20 个字`;
    if (minGrowth === undefined) return `「${name}」的成长值须为非负整数`;
    if (discountBp === undefined) return `「${name}」的折扣为 0.01–10 折（10 折即不打折）`;
    levels.push({ name, minGrowth, discountBp });
  }
  if (!levels.length) return '至少保留一个会员等级';
  if (levels[0]!.minGrowth !== 0) return '第一个等级的成长值必须从 0 开始';
  if (levels.some((l, i) => i > 0 && l.minGrowth <= levels[i - 1]!.minGrowth)) return '等级的成长值必须逐级递增';
  if (levels.some((l, i) => i > 0 && l.discountBp > levels[i - 1]!.discountBp)) return '高等级的折扣不能少于低等级';
  if (new Set(levels.map((l) => l.name)).size !== levels.length) return '等级名称不能重复';

  const earnPoints = wholeNumber(f.earn.pointsPerYuan, 0, 1000);
  const earnGrowth = wholeNumber(f.earn.growthPerYuan, 0, 1000);
  if (earnPoints === undefined || earnGrowth === undefined) return '每消费 1 元获得的积分和成长值为 0–1000 的整数';
  const redeemPoints = wholeNumber(f.redeem.pointsPerYuan, 1, 1_000_000);
  if (!redeemPoints) return '抵扣 1 元所需积分为 1–1000000 的整数';
  const maxPercentBp = scaled(f.redeem.maxPercent, 100, 2, 0, 10_000);
  if (maxPercentBp === undefined) return '积分最多抵扣比例为 0–100 %';

  const checkinPoints = wholeNumber(f.checkin.points, 0, 100_000);
  if (checkinPoints === undefined) return '每日签到积分为 0–100000 的整数';
  const cycleDays = wholeNumber(f.checkin.cycleDays, 0, 366);
  if (cycleDays === undefined) return '签到周期为 0–366 天（0 表示不循环）';
  const streakBonuses: MemberSettings['checkin']['streakBonuses'] = [];
  for (const b of f.checkin.bonuses) {
    const day = wholeNumber(b.day, 1, 366);
    const points = wholeNumber(b.points, 1, 100_000);
    if (!day || !points) return '连续签到奖励的天数为 1–366、积分为 1–100000 的整数';
    if (cycleDays > 0 && day > cycleDays) return `连续签到奖励的天数不能超过签到周期（${cycleDays} 天）`;
    streakBonuses.push({ day, points });
  }
  if (new Set(streakBonuses.map((b) => b.day)).size !== streakBonuses.length) return '连续签到奖励的天数不能重复';

  const commissionBp = scaled(f.referral.commissionPercent, 100, 2, 0, 10_000);
  if (commissionBp === undefined) return '佣金比例为 0–100 %';
  const refundWindowDays = wholeNumber(f.referral.refundWindowDays, 0, 365);
  if (refundWindowDays === undefined) return '佣金结算等待天数为 0–365 的整数';
  const minWithdrawFen = toFen(f.referral.minWithdraw);
  if (!minWithdrawFen) return '请填写最低提现金额（元）';

  return {
    levels,
    earn: { pointsPerYuan: earnPoints, growthPerYuan: earnGrowth },
    redeem: { pointsPerYuan: redeemPoints, maxPercentBp },
    checkin: { points: checkinPoints, cycleDays, streakBonuses: streakBonuses.sort((a, b) => a.day - b.day) },
    referral: { commissionBp, refundWindowDays, minWithdrawFen },
  };
}

/** JSON with object keys sorted, so two equal sections compare equal whatever order the server wrote them in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/** Only the sections that differ from `saved`: an unchanged referral section needs no second verification. */
export function changedSections(next: MemberSettings, saved: MemberSettings): Sections {
  const out: Record<string, unknown> = {};
  for (const key of SECTIONS) if (canonical(next[key]) !== canonical(saved[key])) out[key] = next[key];
  return out;
}

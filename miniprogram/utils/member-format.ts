import type { LevelView, MemberSummary } from '../../typings/member.js';

/** How member figures and dates read on the 会员 pages. Dates are shown in China time (UTC+8), as the shop counts days. */

const CHINA_OFFSET_MS = 8 * 3_600_000;
const two = (n: number) => String(n).padStart(2, '0');

function chinaParts(iso: string) {
  const at = new Date(Date.parse(iso) + CHINA_OFFSET_MS);
  return {
    y: at.getUTCFullYear(),
    m: two(at.getUTCMonth() + 1),
    d: two(at.getUTCDate()),
    hh: two(at.getUTCHours()),
    mm: two(at.getUTCMinutes()),
  };
}

/** `2026-12-05 14:03` */
export function formatDateTime(iso: string): string {
  const { y, m, d, hh, mm } = chinaParts(iso);
  return `${y}-${m}-${d} ${hh}:${mm}`;
}

/** `2026.12.05` */
export function formatDay(iso: string): string {
  const { y, m, d } = chinaParts(iso);
  return `${y}.${m}.${d}`;
}

/** `+5`, `-100`: a change of points. */
export function signedPoints(delta: number): string {
  return delta > 0 ? `+${delta}` : String(delta);
}

/** What a level's discount reads as: 9800 → `9.8折`; none for full price. */
export function discountText(discountBp: number): string {
  if (discountBp >= 10_000) return '';
  return `${Number((discountBp / 1000).toFixed(2))}折`;
}

export interface LevelProgress {
  /** 0–100, for the progress bar. */
  percent: number;
  /** `再获得 120 成长值升级为银卡会员`, or the top level's line. */
  hint: string;
}

/** How far the shopper is from the next level: the bar runs from this level's threshold to the next one's. */
export function levelProgress(summary: Pick<MemberSummary, 'growth' | 'level' | 'nextLevel'>): LevelProgress {
  const { growth, level, nextLevel } = summary;
  if (!nextLevel) return { percent: 100, hint: `已是最高等级「${level.name}」` };
  const span = nextLevel.minGrowth - level.minGrowth;
  const done = Math.min(Math.max(growth - level.minGrowth, 0), span);
  const percent = span > 0 ? Math.floor((done / span) * 100) : 100;
  return { percent, hint: `再获得 ${nextLevel.growthNeeded} 成长值升级为${nextLevel.name}` };
}

/** `普通会员`, with its discount when it has one: `银卡会员 · 9.8折`. */
export function levelText(level: Pick<LevelView, 'name' | 'discountBp'>): string {
  const discount = discountText(level.discountBp);
  return discount ? `${level.name} · ${discount}` : level.name;
}

/**
 * An amount of yuan typed by the shopper (`12`, `12.5`, `12.50`) in fen; null when it is not one (negative, more than
 * two decimals, not a number).
 */
export function parseYuan(text: string): number | null {
  const match = /^(\d{1,9})(?:\.(\d{0,2}))?$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

/** What is wrong with a withdrawal of `amount` fen (null: not a number), or empty when it can be asked for. */
export function withdrawalError(amount: number | null, limits: { minWithdrawFen: number; available: number }): string {
  if (amount === null || amount <= 0) return '请输入正确的提现金额';
  if (amount > limits.available) return '可提现余额不足';
  if (amount < limits.minWithdrawFen) return `最低提现 ${(limits.minWithdrawFen / 100).toFixed(2)} 元`;
  return '';
}

/**
 * The path a share opens: the route's own when it names one of the app's pages (`pages`), else `fallback`. Routes
 * have been seen answering paths of no page (`referral.share`: `/pages/home/index/index`; `groupbuy.group`:
 * `/pages/groupbuy/group/index`), and a share must never open on 页面不存在.
 */
export function pathOnApp(path: string, pages: readonly string[], fallback: string): string {
  return pages.includes(path.split('?')[0] ?? '') ? path : fallback;
}

import type { AdminCategoryView } from '../../../../typings/admin-catalog';
import type { CouponTemplateStatus } from '../../../../typings/admin-promotions';
import type { FlashSaleState } from '../../../../typings/flashsale';
import type { GroupTier } from '../../../../typings/groupbuy';
import { yuan } from '../../utils/money';
import { dateTime, fromBeijingInput, toBeijingInput } from '../../utils/time';

/** Labels and small helpers the promotion pages share. */

export type TagTheme = 'default' | 'primary' | 'success' | 'warning' | 'danger';

export const COUPON_STATUS_LABELS: Record<CouponTemplateStatus, string> = { active: '进行中', paused: '已暂停', ended: '已结束' };
export const FLASH_SALE_STATE_LABELS: Record<FlashSaleState, string> = {
  upcoming: '未开始',
  running: '进行中',
  sold_out: '已售罄',
  ended: '已结束',
};
export const GROUP_BUY_STATE_LABELS: Record<'upcoming' | 'running' | 'ended', string> = {
  upcoming: '未开始',
  running: '进行中',
  ended: '已结束',
};

const THEMES: Record<string, TagTheme> = {
  active: 'success',
  running: 'success',
  upcoming: 'primary',
  paused: 'warning',
  sold_out: 'warning',
};
export const stateTheme = (state: string): TagTheme => THEMES[state] ?? 'default';

/** "2026/12/05 10:00 – 2026/12/06 10:00". */
export function period(startAt: string, endAt: string): string {
  return `${dateTime(startAt)} – ${dateTime(endAt)}`;
}

/** The second line of an activity's time: when it ends, or ended early. */
export function activityEndText(a: { endAt: string; endedEarlyAt?: string | null }): string {
  return `至 ${dateTime(a.endedEarlyAt ?? a.endAt)}${a.endedEarlyAt ? '（提前结束）' : ''}`;
}

/** A datetime-local value (Beijing) `minutes` from now, on a whole minute. */
export function beijingInputFromNow(minutes: number): string {
  return toBeijingInput(new Date(Date.now() + minutes * 60_000).toISOString());
}

/** A SKU's spec values as the merchant reads them: "白色 / M", or 默认规格 for a product without specs. */
export function specText(specValues: Record<string, string>): string {
  const values = Object.values(specValues);
  return values.length ? values.join(' / ') : '默认规格';
}

export function tiersText(tiers: readonly GroupTier[]): string {
  return tiers.map((t) => `${t.minMembers}人 ${yuan(t.price)}`).join('，');
}

/** A whole number in [min, max] from a form field, or undefined. */
export function wholeNumber(value: string | number | undefined, min: number, max: number): number | undefined {
  const text = String(value ?? '').trim();
  const n = Number(text);
  return text !== '' && Number.isInteger(n) && n >= min && n <= max ? n : undefined;
}

/** A flash sale's or group-buy's title and time window as the routes take them, or what is wrong with them. */
export function activityTitleAndTime(form: {
  title: string;
  start: string;
  end: string;
}): { title: string; startAt: string; endAt: string } | string {
  if (!form.start || !form.end) return '请填写开始和结束时间';
  if (form.end <= form.start) return '结束时间必须晚于开始时间';
  const title = form.title.trim();
  if (title.length > 30) return '活动标题最多 30 个字';
  return { title, startAt: fromBeijingInput(form.start), endAt: fromBeijingInput(form.end) };
}

/** The category tree as select options, children named under their parent ("服装 / T恤"). */
export function categoryOptions(tree: readonly AdminCategoryView[]): Array<{ value: string; label: string }> {
  return tree.flatMap((top) => [
    { value: top.id, label: top.name },
    ...top.children.map((child) => ({ value: child.id, label: `${top.name} / ${child.name}` })),
  ]);
}

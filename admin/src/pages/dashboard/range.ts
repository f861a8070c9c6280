import { beijingDay } from '../../utils/time';

/** A range of Beijing days, both included, as figures.overview and finance.statement take it. */
export interface DayRange {
  from: string;
  to: string;
}

export type RangePreset = 'today' | 'week' | 'month' | 'custom';

/** The longest range one call covers (typings/admin-figures.ts MAX_FIGURE_DAYS). */
export const MAX_RANGE_DAYS = 366;

export function presetRange(preset: Exclude<RangePreset, 'custom'>, now = Date.now()): DayRange {
  const back = { today: 0, week: 6, month: 29 }[preset];
  return { from: beijingDay(-back, now), to: beijingDay(0, now) };
}

/** Why a custom range cannot be asked for, in the words the page shows; undefined when it can. */
export function rangeProblem(range: DayRange): string | undefined {
  if (!range.from || !range.to) return '请选择开始和结束日期';
  if (range.from > range.to) return '开始日期不能晚于结束日期';
  if ((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 >= MAX_RANGE_DAYS) return `一次最多查询 ${MAX_RANGE_DAYS} 天`;
  return undefined;
}

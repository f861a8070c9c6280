/**
 * The check-in calendar's month as a grid of weeks (Monday first), the days checked in marked. Days are the shop's
 * calendar days (UTC+8), as `checkin.calendar` answers them.
 */
export interface CalendarCell {
  /** Unique in the month, for `wx:key`. */
  key: string;
  /** 0 for the blanks before the 1st and after the last day. */
  day: number;
  checked: boolean;
  today: boolean;
  /** After today: nothing to show yet. */
  future: boolean;
}

export const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];

export interface CalendarWeek {
  key: string;
  cells: CalendarCell[];
}

/** `month` YYYY-MM, `days` checked in, `today` YYYY-MM-DD. */
export function monthGrid(month: string, days: number[], today: string): CalendarWeek[] {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  const length = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  // getUTCDay: 0 is Sunday; Monday first means Sunday is the 7th column.
  const lead = (new Date(Date.UTC(year, mon - 1, 1)).getUTCDay() + 6) % 7;
  const checked = new Set(days);
  const thisMonth = today.slice(0, 7);
  const todayDay = thisMonth === month ? Number(today.slice(8, 10)) : 0;
  const future = (day: number) => month > thisMonth || (month === thisMonth && day > todayDay);

  const cells: CalendarCell[] = Array.from({ length: lead }, (_, i) => blank(`lead${i}`));
  for (let day = 1; day <= length; day++) {
    cells.push({ key: `d${day}`, day, checked: checked.has(day), today: day === todayDay, future: future(day) });
  }
  while (cells.length % 7) cells.push(blank(`tail${cells.length}`));
  const weeks: CalendarWeek[] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push({ key: `w${i / 7}`, cells: cells.slice(i, i + 7) });
  return weeks;
}

function blank(key: string): CalendarCell {
  return { key, day: 0, checked: false, today: false, future: false };
}

/** `2026年12月` */
export function monthTitle(month: string): string {
  const [year, mon] = month.split('-');
  return `${year}年${Number(mon)}月`;
}

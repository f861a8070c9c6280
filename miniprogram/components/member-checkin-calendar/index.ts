import { type CalendarWeek, monthGrid, monthTitle, WEEKDAYS } from '../../utils/member-calendar';

/**
 * The check-in calendar: one month (`month` YYYY-MM) as weeks from Monday, the days checked in (`days`) marked and
 * today (`today` YYYY-MM-DD, the shop's day in UTC+8) ringed, as `member.checkin.calendar` answers them.
 */
Component({
  properties: {
    month: { type: String, value: '' },
    days: { type: Array, value: [] as number[] },
    today: { type: String, value: '' },
  },
  data: { title: '', weekdays: WEEKDAYS, weeks: [] as CalendarWeek[], count: 0 },
  observers: {
    'month, days, today'(month: string, days: number[], today: string) {
      if (!/^\d{4}-\d{2}$/.test(month)) return;
      this.setData({ title: monthTitle(month), weeks: monthGrid(month, days, today), count: days.length });
    },
  },
});

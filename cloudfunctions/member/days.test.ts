import test from 'ava';
import { DEFAULT_MEMBER_SETTINGS, type MemberSettings } from '../../typings/member.js';
import { checkinReward, checkinStateOf, dayOf, shiftDay, streakBonus, type CheckinDoc } from './member.js';

test('days are counted in UTC+8: 16:00 UTC is already the next day', (t) => {
  const table: Array<[iso: string, day: string]> = [
    ['2024-01-15T00:00:00.000Z', '20240115'],
    ['2024-01-15T15:59:59.999Z', '20240115'],
    ['2024-01-15T16:00:00.000Z', '20240116'],
    ['2024-01-14T16:00:00.000Z', '20240115'],
    ['2023-12-31T16:00:00.000Z', '20240101'],
    ['2024-02-28T16:30:00.000Z', '20240229'],
  ];
  for (const [iso, day] of table) t.is(dayOf(new Date(iso)), day, iso);
});

test('shiftDay crosses months, years and leap days', (t) => {
  const table: Array<[day: string, n: number, shifted: string]> = [
    ['20240115', -1, '20240114'],
    ['20240101', -1, '20231231'],
    ['20240301', -1, '20240229'],
    ['20230301', -1, '20230228'],
    ['20241231', 1, '20250101'],
    ['20240115', 0, '20240115'],
  ];
  for (const [day, n, shifted] of table) t.is(shiftDay(day, n), shifted, `${day} ${n}`);
});

test('streak bonuses on day 3 and day 7 of a 7-day cycle', (t) => {
  const expected = [0, 0, 10, 0, 0, 0, 30, 0, 0, 10, 0, 0, 0, 30];
  t.deepEqual(
    expected.map((_v, i) => streakBonus(i + 1, DEFAULT_MEMBER_SETTINGS)),
    expected,
  );
  const noCycle: MemberSettings = { ...DEFAULT_MEMBER_SETTINGS, checkin: { ...DEFAULT_MEMBER_SETTINGS.checkin, cycleDays: 0 } };
  t.deepEqual(
    [3, 7, 10, 14].map((d) => streakBonus(d, noCycle)),
    [10, 30, 0, 0],
    'without a cycle only the listed days',
  );
  t.deepEqual(checkinReward(7, DEFAULT_MEMBER_SETTINGS), { points: 5, bonus: 30 });
});

test('check-in state: today, or what checking in now would give', (t) => {
  const doc = (day: string, streak: number, bonus = 0): CheckinDoc => ({
    _id: `o:${day}`,
    openid: 'o',
    day,
    streak,
    points: 5,
    bonus,
    at: new Date(),
  });
  t.deepEqual(checkinStateOf('20240115', null, null, DEFAULT_MEMBER_SETTINGS), {
    today: '2024-01-15',
    checkedInToday: false,
    streak: 0,
    todayReward: 5,
  });
  t.deepEqual(checkinStateOf('20240115', null, doc('20240114', 2), DEFAULT_MEMBER_SETTINGS), {
    today: '2024-01-15',
    checkedInToday: false,
    streak: 2,
    todayReward: 15,
  });
  t.deepEqual(checkinStateOf('20240115', doc('20240115', 3, 10), doc('20240114', 2), DEFAULT_MEMBER_SETTINGS), {
    today: '2024-01-15',
    checkedInToday: true,
    streak: 3,
    todayReward: 15,
  });
});

import { ErrorCode } from '../../../typings/common.js';
import {
  CalendarInput,
  CheckinInput,
  type CheckinCalendar,
  type CheckinResult,
  type CheckinState,
  type MemberSettings,
} from '../../../typings/member.js';
import { route } from '../../shared/platform/route.js';
import { ShopError } from '../../shared/rules/errors.js';
import { _, db } from '../../shared/store/db.js';
import { applyPointsChange } from '../../shared/store/points-ledger.js';
import { loadMemberSettings } from '../../shared/store/shop-settings.js';
import { withRetries } from '../../shared/store/transactions.js';
import { checkinId, checkinReward, CHECKINS, checkinStateOf, dayOf, isoDay, shiftDay, type CheckinDoc } from '../member.js';

export async function checkinState(openid: string, now: Date, settings: MemberSettings): Promise<CheckinState> {
  const today = dayOf(now);
  const [todayDoc, yesterdayDoc] = await Promise.all([
    db.collection<CheckinDoc>(CHECKINS).doc(checkinId(openid, today)).get(),
    db
      .collection<CheckinDoc>(CHECKINS)
      .doc(checkinId(openid, shiftDay(today, -1)))
      .get(),
  ]);
  return checkinStateOf(today, todayDoc.data ?? null, yesterdayDoc.data ?? null, settings);
}

/**
 * Today's check-in (UTC+8). Its document's `_id` is `<openid>:<day>`, so however many attempts race, one is written;
 * the streak continues yesterday's, and the reward goes to the points ledger in the same transaction.
 */
export const checkin = route(CheckinInput, async (_input, ctx): Promise<CheckinResult> => {
  const settings = await loadMemberSettings();
  const day = dayOf(ctx.now);
  return withRetries(db, async (tx) => {
    const checkins = tx.collection<CheckinDoc>(CHECKINS);
    if ((await checkins.doc(checkinId(ctx.openid, day)).get()).data)
      throw new ShopError(ErrorCode.INVALID_STATE, '今天已经签到过了');
    const yesterday = (await checkins.doc(checkinId(ctx.openid, shiftDay(day, -1))).get()).data;
    const streak = (yesterday?.streak ?? 0) + 1;
    const reward = checkinReward(streak, settings);
    const doc: CheckinDoc = {
      _id: checkinId(ctx.openid, day),
      openid: ctx.openid,
      day,
      streak,
      points: reward.points,
      bonus: reward.bonus,
      at: ctx.now,
    };
    await checkins.add({ data: doc });
    const { entry } = await applyPointsChange(tx, {
      openid: ctx.openid,
      reason: 'checkin',
      refId: day,
      delta: reward.points + reward.bonus,
      at: ctx.now,
    });
    return { day: isoDay(day), streak, points: reward.points, bonus: reward.bonus, balance: entry.balanceAfter };
  });
});

/** The days of a month (default: this month, UTC+8) the caller checked in, with today's state. */
export const calendar = route(CalendarInput, async (input, ctx): Promise<CheckinCalendar> => {
  const settings = await loadMemberSettings();
  const today = dayOf(ctx.now);
  const month = input.month ?? `${today.slice(0, 4)}-${today.slice(4, 6)}`;
  const prefix = month.replace('-', '');
  const [docs, state] = await Promise.all([
    db
      .collection<CheckinDoc>(CHECKINS)
      .where(_.and([{ openid: ctx.openid }, { day: _.gte(`${prefix}01`) }, { day: _.lte(`${prefix}31`) }]))
      .orderBy('day', 'asc')
      .limit(31)
      .field({ day: true })
      .get(),
    checkinState(ctx.openid, ctx.now, settings),
  ]);
  return { month, days: docs.data.map((d) => Number(d.day.slice(6, 8))), checkin: state };
});

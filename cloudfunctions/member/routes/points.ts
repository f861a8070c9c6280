import { LedgerInput, type MemberSummary, type PointsLedgerPage, SummaryInput } from '../../../typings/member.js';
import { type MemberUserDoc, POINTS_LEDGER, type PointsEntryDoc, USERS } from '../../shared/model/member.js';
import { route } from '../../shared/platform/route.js';
import { levelFor, nextLevelFor, pointsValue } from '../../shared/rules/member-levels.js';
import { db } from '../../shared/store/db.js';
import { loadMemberSettings } from '../../shared/store/shop-settings.js';
import { newestFirst } from '../ledger.js';
import { toPointsEntryView } from '../member.js';
import { checkinState } from './checkin.js';

/** Points, growth and level (with what the next level needs), and today's check-in. */
export const summary = route(SummaryInput, async (_input, ctx): Promise<MemberSummary> => {
  const settings = await loadMemberSettings();
  const [user, checkin] = await Promise.all([
    db.collection<MemberUserDoc>(USERS).doc(ctx.openid).get(),
    checkinState(ctx.openid, ctx.now, settings),
  ]);
  const points = user.data?.points ?? 0;
  const growth = user.data?.growth ?? 0;
  return {
    points,
    pointsValue: pointsValue(Math.max(points, 0), settings),
    growth,
    level: levelFor(growth, settings),
    nextLevel: nextLevelFor(growth, settings),
    checkin,
    redeem: settings.redeem,
  };
});

export const pointsLedger = route(LedgerInput, async (input, ctx): Promise<PointsLedgerPage> =>
  newestFirst<PointsEntryDoc, ReturnType<typeof toPointsEntryView>>(POINTS_LEDGER, 'at', ctx.openid, input, toPointsEntryView),
);

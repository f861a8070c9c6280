import { MemberRoutes } from '../../typings/member.js';
import { serve } from '../shared/platform/route.js';
import { calendar, checkin } from './routes/checkin.js';
import { pointsLedger, summary } from './routes/points.js';
import { bind, commissionLedger, referralSummary, share, withdrawalsList, withdrawalsRequest } from './routes/referral.js';

/** The shopper's membership: points and level, daily check-in, referral, commission and withdrawals. */
export const main = serve({
  [MemberRoutes.summary]: summary,
  [MemberRoutes.pointsLedger]: pointsLedger,
  [MemberRoutes.checkin]: checkin,
  [MemberRoutes.checkinCalendar]: calendar,
  [MemberRoutes.referralBind]: bind,
  [MemberRoutes.referralSummary]: referralSummary,
  [MemberRoutes.referralShare]: share,
  [MemberRoutes.commissionLedger]: commissionLedger,
  [MemberRoutes.withdrawalsRequest]: withdrawalsRequest,
  [MemberRoutes.withdrawalsList]: withdrawalsList,
});

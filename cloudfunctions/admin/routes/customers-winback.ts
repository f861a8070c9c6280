import { CampaignsListInput, type CampaignPage, WinBackInput, type WinBackResult } from '../../../typings/admin-figures.js';
import { listCampaigns } from '../../shared/store/win-back-campaigns.js';
import { winBack as issueToSegment } from '../../shared/workflows/win-back.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** A win-back campaign: a coupon template issued to an RFM segment, and a message to those who agreed (docs/back-office/figures.md). */
export const winBack = adminRoute(
  'promotions.write',
  WinBackInput,
  ({ segment, templateId }, ctx): Promise<WinBackResult> =>
    issueToSegment(segment, templateId, { actor: actorOf(ctx), now: ctx.now }),
  { verify: true },
);

/** Win-back campaigns, newest first, with the coupons used and the orders they brought. */
export const campaigns = adminRoute('customers.read', CampaignsListInput, (page): Promise<CampaignPage> => listCampaigns(page));

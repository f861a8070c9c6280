import { WinBackInput, type WinBackResult } from '../../../typings/admin-figures.js';
import { winBack as issueToSegment } from '../../shared/workflows/win-back.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/** A win-back campaign: a coupon template issued to an RFM segment (docs/back-office/figures.md). */
export const winBack = adminRoute(
  'promotions.write',
  WinBackInput,
  ({ segment, templateId }, ctx): Promise<WinBackResult> =>
    issueToSegment(segment, templateId, { actor: actorOf(ctx), now: ctx.now }),
  { verify: true },
);

import { type Envelope, ErrorCode } from '../../typings/common.js';
import { GroupBuyRoutes, type GroupTimerSummary } from '../../typings/groupbuy.js';
import { cloud } from '../shared/platform/cloud.js';
import { serve } from '../shared/platform/route.js';
import { runGroupTimer } from './expire.js';
import { activity, list } from './routes/activities.js';
import { group, join, open } from './routes/groups.js';

/** Leaves room within the 60 s timeout (config.json) to answer; unfinished work waits for the next firing. */
const BUDGET_MS = 45_000;

const routes = serve({
  [GroupBuyRoutes.list]: list,
  [GroupBuyRoutes.activity]: activity,
  [GroupBuyRoutes.open]: open,
  [GroupBuyRoutes.join]: join,
  [GroupBuyRoutes.group]: group,
});

/**
 * Group-buy (拼团): the shopper's routes, and the timer (every minute, config.json) that fails groups whose time ran
 * out and refunds their members (expire.ts). Only the timer trigger may run the timer: a call that carries a caller
 * (a shopper's `callFunction`, whatever its event says) is refused and changes nothing.
 */
export async function main(event: Record<string, unknown>): Promise<Envelope<unknown>> {
  if (event.Type === 'Timer' && event.$url === undefined) {
    const caller = String(cloud.getWXContext().OPENID ?? '');
    if (caller || event.userInfo !== undefined) return { ok: false, code: ErrorCode.FORBIDDEN, message: '只能由定时触发器运行' };
    const now = new Date();
    const data: GroupTimerSummary = await runGroupTimer(now, now.getTime() + BUDGET_MS);
    return { ok: true, data };
  }
  return routes(event);
}

import { PayRoutes } from '../../typings/pay.js';
import { cloud } from '../shared/platform/cloud.js';
import { notificationKind } from '../shared/platform/pay-notifications.js';
import { serve } from '../shared/platform/route.js';
import { create } from './routes/create.js';
import { onPayment, onRefund } from './routes/notifications.js';

const routes = serve({
  [PayRoutes.create]: create,
});

/**
 * WeChat Pay: the shopper's `create` route, and the platform's payment and refund notifications. Those come without
 * a route and without a caller; a shopper sending the same shape through `wx.cloud.callFunction` carries an openid and
 * so only ever reaches the routes.
 */
export async function main(event: Record<string, unknown>, _context?: unknown): Promise<unknown> {
  if (fromPlatform(event)) {
    const kind = notificationKind(event);
    if (kind === 'payment') return onPayment(event);
    if (kind === 'refund') return onRefund(event);
  }
  return routes(event);
}

function fromPlatform(event: Record<string, unknown>): boolean {
  const { OPENID, SOURCE } = cloud.getWXContext();
  return !OPENID && event.$url === undefined && SOURCE !== 'wx_client' && SOURCE !== 'http';
}

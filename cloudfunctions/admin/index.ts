import { AdminRoutes } from '../../typings/admin.js';
import { serveAdmin } from './gate.js';
import { detail, list, ship } from './routes/order-handling.js';
import * as refunds from './routes/refunds.js';
import * as withdrawals from './routes/withdrawals.js';
import { catalogRoutes } from './routes/catalog.js';
import { promotionRoutes } from './routes/promotions.js';
import { reviewRoutes } from './routes/reviews.js';
import { figureRoutes } from './routes/figures.js';
import { accessRoutes } from './routes/access.js';
import { staffRoutes } from './routes/staff.js';
import { auditRoutes } from './routes/audit-log.js';

/**
 * The merchant's back office, for WeChat merchants (this function) and the admin web page (HTTP access `/api/admin`):
 * only signed-in, active merchants get past the gate (gate.ts), and each route needs its permission (rbac.ts).
 */
export const main = serveAdmin({
  [AdminRoutes.ordersList]: list,
  [AdminRoutes.ordersDetail]: detail,
  [AdminRoutes.ordersShip]: ship,
  [AdminRoutes.refundsApprove]: refunds.approve,
  [AdminRoutes.refundsReject]: refunds.reject,
  [AdminRoutes.refundsReceive]: refunds.receive,
  [AdminRoutes.afterSalesList]: refunds.list,
  [AdminRoutes.withdrawalsList]: withdrawals.list,
  [AdminRoutes.withdrawalsSettle]: withdrawals.settle,
  ...accessRoutes,
  ...staffRoutes,
  ...auditRoutes,
  ...catalogRoutes,
  ...promotionRoutes,
  ...reviewRoutes,
  ...figureRoutes,
});

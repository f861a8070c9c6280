import { AdminRoutes } from '../../typings/admin.js';
import { serveAdmin } from './rbac.js';
import { detail, list, ship } from './routes/order-handling.js';
import * as refunds from './routes/refunds.js';
import * as withdrawals from './routes/withdrawals.js';

/** The merchant's back office: only active merchants get past the gate, and each route needs its permission (rbac.ts). */
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
});

import { OrderAfterSaleRoutes } from '../../typings/order-after-sale.js';
import { OrderRoutes } from '../../typings/order.js';
import { serve } from '../shared/platform/route.js';
import { create, preview } from './routes/checkout.js';
import { cancel, detail, list } from './routes/my-orders.js';
import * as afterSales from './routes/after-sales.js';
import { confirmReceipt } from './routes/receipt.js';

/** Checkout, the shopper's orders, and what follows delivery: receipt and after-sale cases. */
export const main = serve({
  [OrderRoutes.preview]: preview,
  [OrderRoutes.create]: create,
  [OrderRoutes.list]: list,
  [OrderRoutes.detail]: detail,
  [OrderRoutes.cancel]: cancel,
  [OrderAfterSaleRoutes.confirmReceipt]: confirmReceipt,
  [OrderAfterSaleRoutes.refund]: afterSales.request,
  [OrderAfterSaleRoutes.refundWithdraw]: afterSales.withdraw,
  [OrderAfterSaleRoutes.refundReturn]: afterSales.sendBack,
  [OrderAfterSaleRoutes.afterSaleList]: afterSales.list,
  [OrderAfterSaleRoutes.afterSaleDetail]: afterSales.detail,
});

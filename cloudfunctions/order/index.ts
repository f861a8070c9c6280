import { OrderAfterSaleRoutes } from '../../typings/order-after-sale.js';
import { OrderRoutes } from '../../typings/order.js';
import { serve } from '../shared/platform/route.js';
import { create, preview } from './routes/checkout.js';
import { cancel, detail, list } from './routes/my-orders.js';
import { confirmReceipt, requestRefund } from './routes/receipt.js';

/** Checkout, the shopper's orders, and what follows delivery. */
export const main = serve({
  [OrderRoutes.preview]: preview,
  [OrderRoutes.create]: create,
  [OrderRoutes.list]: list,
  [OrderRoutes.detail]: detail,
  [OrderRoutes.cancel]: cancel,
  [OrderAfterSaleRoutes.confirmReceipt]: confirmReceipt,
  [OrderAfterSaleRoutes.refund]: requestRefund,
});

import { OrderRoutes } from '../../typings/order.js';
import { serve } from '../shared/route.js';
import { create, preview } from './routes/checkout.js';
import { cancel, detail, list } from './routes/orders.js';

/** Checkout and the shopper's orders. */
export const main = serve({
  [OrderRoutes.preview]: preview,
  [OrderRoutes.create]: create,
  [OrderRoutes.list]: list,
  [OrderRoutes.detail]: detail,
  [OrderRoutes.cancel]: cancel,
});

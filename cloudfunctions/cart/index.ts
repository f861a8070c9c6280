import { CartRoutes } from '../../typings/cart.js';
import { serve } from '../shared/platform/route.js';
import { add, list, remove, select, update } from './routes/cart.js';

/** The shopper's cart: lines priced live from the catalog, with a state per line and the totals of what is selected. */
export const main = serve({
  [CartRoutes.list]: list,
  [CartRoutes.add]: add,
  [CartRoutes.update]: update,
  [CartRoutes.remove]: remove,
  [CartRoutes.select]: select,
});

import { ProductRoutes } from '../../typings/product.js';
import { serve } from '../shared/platform/route.js';
import { categories, detail, home, list } from './routes/catalog.js';

/** The catalog: home page, category tree, product lists and product detail. */
export const main = serve({
  [ProductRoutes.home]: home,
  [ProductRoutes.categories]: categories,
  [ProductRoutes.list]: list,
  [ProductRoutes.detail]: detail,
});

import {
  type AdminFlashSalePage,
  type AdminFlashSaleView,
  FlashSaleCreateInput,
  FlashSaleEndInput,
  FlashSalesListInput,
} from '../../../typings/admin-promotions.js';
import { createFlashSale, endFlashSaleEarly, flashSaleView, listFlashSales } from '../../shared/store/promotion-writes.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';

/**
 * Flash sales in the back office (docs/back-office/promotions.md): list with results, create (units taken from the
 * SKU's stock in the same transaction), end early (unsold units back to the SKU, once).
 */

export const list = adminRoute('promotions.read', FlashSalesListInput, (input, ctx): Promise<AdminFlashSalePage> =>
  listFlashSales(input, ctx.now),
);

export const create = adminRoute('promotions.write', FlashSaleCreateInput, async (input, ctx): Promise<AdminFlashSaleView> =>
  flashSaleView(await createFlashSale(input, { actor: actorOf(ctx), now: ctx.now }), ctx.now),
);

export const endEarly = adminRoute(
  'promotions.write',
  FlashSaleEndInput,
  async ({ flashSaleId, version }, ctx): Promise<AdminFlashSaleView> => {
    const { sale } = await endFlashSaleEarly(flashSaleId, version, { actor: actorOf(ctx), now: ctx.now });
    return flashSaleView(sale, ctx.now);
  },
);

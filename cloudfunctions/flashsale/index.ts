import { FlashSaleRoutes } from '../../typings/flashsale.js';
import { serve } from '../shared/platform/route.js';
import { buy, detail, list } from './routes/flashsale.js';

/** Flash sales (秒杀): what is on and coming, and buying at the flash price (never past the sale's units or the per-user limit). */
export const main = serve({
  [FlashSaleRoutes.list]: list,
  [FlashSaleRoutes.detail]: detail,
  [FlashSaleRoutes.buy]: buy,
});

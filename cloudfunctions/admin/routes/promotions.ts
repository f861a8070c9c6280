import { PromotionRoutes } from '../../../typings/admin-promotions.js';
import * as coupons from './promotions-coupons.js';
import * as flashSales from './promotions-flashsales.js';
import * as groupBuys from './promotions-groupbuys.js';
import * as memberSettings from './promotions-settings.js';

/** The back office's promotions and member settings (typings/admin-promotions.ts, docs/back-office/promotions.md). */
export const promotionRoutes = {
  [PromotionRoutes.couponsList]: coupons.list,
  [PromotionRoutes.couponsCreate]: coupons.create,
  [PromotionRoutes.couponsPause]: coupons.pause,
  [PromotionRoutes.couponsResume]: coupons.resume,
  [PromotionRoutes.couponsEnd]: coupons.end,
  [PromotionRoutes.flashSalesList]: flashSales.list,
  [PromotionRoutes.flashSalesCreate]: flashSales.create,
  [PromotionRoutes.flashSalesEndEarly]: flashSales.endEarly,
  [PromotionRoutes.groupBuysList]: groupBuys.list,
  [PromotionRoutes.groupBuysCreate]: groupBuys.create,
  [PromotionRoutes.groupBuysEndEarly]: groupBuys.endEarly,
  [PromotionRoutes.memberSettingsGet]: memberSettings.get,
  [PromotionRoutes.memberSettingsUpdate]: memberSettings.update,
};

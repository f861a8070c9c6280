import { CatalogRoutes } from '../../../typings/admin-catalog.js';
import * as banners from './catalog-banners.js';
import * as categories from './catalog-categories.js';
import * as home from './catalog-home.js';
import * as images from './catalog-images.js';
import * as products from './catalog-products.js';
import * as stock from './catalog-stock.js';

/** The back office's catalog (typings/admin-catalog.ts, docs/back-office/catalog.md). */
export const catalogRoutes = {
  [CatalogRoutes.categoriesList]: categories.list,
  [CatalogRoutes.categoriesCreate]: categories.create,
  [CatalogRoutes.categoriesUpdate]: categories.update,
  [CatalogRoutes.productsList]: products.list,
  [CatalogRoutes.productsDetail]: products.detail,
  [CatalogRoutes.productsCreate]: products.create,
  [CatalogRoutes.productsUpdate]: products.update,
  [CatalogRoutes.productsSetStatus]: products.setStatus,
  [CatalogRoutes.productsDelete]: products.remove,
  [CatalogRoutes.stockAdjust]: stock.adjust,
  [CatalogRoutes.stockBulkAdjust]: stock.bulkAdjust,
  [CatalogRoutes.stockLedger]: stock.ledger,
  [CatalogRoutes.bannersList]: banners.list,
  [CatalogRoutes.bannersCreate]: banners.create,
  [CatalogRoutes.bannersUpdate]: banners.update,
  [CatalogRoutes.bannersDelete]: banners.remove,
  [CatalogRoutes.homeRecommended]: home.recommended,
  [CatalogRoutes.homeSetRecommended]: home.setRecommendedRoute,
  [CatalogRoutes.imagesUpload]: images.upload,
  [CatalogRoutes.imagesUrls]: images.urls,
};

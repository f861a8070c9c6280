import type { Banner, HomeData, HomeFlashSale, HomeGroupBuy } from '../../../typings/product.js';
import { type CategoryDoc, type SkuDoc, type SpuDoc } from '../model/catalog.js';
import { COUPON_TEMPLATES, type CouponTemplateDoc } from '../model/coupon.js';
import { FLASH_SALES, type FlashSaleDoc, GROUP_BUY_ACTIVITIES, type GroupBuyActivityDoc } from '../model/promotion.js';
import { categoryTree, toCard } from '../rules/catalog-views.js';
import { flashSaleState } from '../rules/promotion-state.js';
import { readSkus, readSpus } from './catalog-reads.js';
import { _, db } from './db.js';

/**
 * The home page in one call and two rounds of reads side by side (the platform charges a network round trip per
 * read): first banners, categories, recommendations, flash sales, group-buys and coupon templates; then the flash
 * sales' SKUs and the products of the sales and group-buys. Flash sales carry their product's id for that.
 */

const RECOMMENDED = 10;
const PROMOTIONS = 4;
/** Coupon templates looked at for the 领券中心 badge; a shop rarely has more open at once. */
const COUPONS_COUNTED = 50;

export async function readCategories() {
  return categoryTree((await db.collection<CategoryDoc>('categories').limit(1000).get()).data);
}

export async function readHome(now: Date): Promise<HomeData> {
  const [banners, categories, picks, bestSellers, sales, activities, coupons] = await Promise.all([
    db
      .collection<{ _id: string; image: string; title: string; link: string }>('banners')
      .where({ active: true })
      .orderBy('sort', 'asc')
      .limit(10)
      .get(),
    readCategories(),
    // The merchant's picks (back office `home.setRecommended`), then best sellers.
    db
      .collection<SpuDoc>('spus')
      .where({ status: 'on_shelf', recommendRank: _.gt(0) })
      .orderBy('recommendRank', 'asc')
      .limit(RECOMMENDED)
      .get(),
    db.collection<SpuDoc>('spus').where({ status: 'on_shelf' }).orderBy('sales', 'desc').limit(RECOMMENDED).get(),
    db
      .collection<FlashSaleDoc>(FLASH_SALES)
      .where({ status: 'active', endAt: _.gt(now) })
      .orderBy('startAt', 'asc')
      .orderBy('_id', 'asc')
      .limit(PROMOTIONS)
      .get(),
    db
      .collection<GroupBuyActivityDoc>(GROUP_BUY_ACTIVITIES)
      .where({ status: 'active', endAt: _.gt(now), startAt: _.lte(now) })
      .orderBy('endAt', 'asc')
      .limit(PROMOTIONS)
      .get(),
    db
      .collection<CouponTemplateDoc>(COUPON_TEMPLATES)
      .where({ status: 'active', claimEndAt: _.gte(now) })
      .field({ claimStartAt: true, issued: true, total: true })
      .limit(COUPONS_COUNTED)
      .get(),
  ]);
  const [skus, spus] = await Promise.all([
    readSkus(sales.data.map((s) => s.skuId)),
    readSpus([...sales.data.flatMap((s) => (s.spuId ? [s.spuId] : [])), ...activities.data.map((a) => a.spuId)]),
  ]);
  const picked = new Set(picks.data.map((s) => s._id));
  const row = [...picks.data, ...bestSellers.data.filter((s) => !picked.has(s._id))].slice(0, RECOMMENDED);
  return {
    banners: banners.data.map((b): Banner => ({ id: b._id, image: b.image, title: b.title, link: b.link })),
    categories,
    recommended: row.map(toCard),
    flashSales: sales.data.flatMap((sale) => {
      const sku = skus.get(sale.skuId);
      const spu = sale.spuId ? spus.get(sale.spuId) : undefined;
      const state = flashSaleState(sale, now);
      return sku && state !== 'ended' ? [homeFlashSale(sale, sku, spu, state)] : [];
    }),
    groupBuys: activities.data.flatMap((activity) => {
      const spu = spus.get(activity.spuId);
      return spu && spu.status === 'on_shelf' ? [homeGroupBuy(activity, spu)] : [];
    }),
    claimableCoupons: coupons.data.filter((c) => new Date(c.claimStartAt) <= now && c.issued < c.total).length,
  };
}

function homeFlashSale(sale: FlashSaleDoc, sku: SkuDoc, spu: SpuDoc | undefined, state: HomeFlashSale['state']): HomeFlashSale {
  return {
    flashSaleId: sale._id,
    spuId: sku.spuId,
    title: sale.title || spu?.title || '',
    image: sku.image || spu?.images[0] || '',
    price: sale.price,
    normalPrice: sku.price,
    stock: sale.stock,
    remaining: Math.max(0, sale.remaining),
    startAt: new Date(sale.startAt).toISOString(),
    endAt: new Date(sale.endAt).toISOString(),
    state,
  };
}

function homeGroupBuy(activity: GroupBuyActivityDoc, spu: SpuDoc): HomeGroupBuy {
  return {
    activityId: activity._id,
    spuId: activity.spuId,
    title: activity.title || spu.title,
    image: spu.images[0] ?? '',
    lowestPrice: Math.min(...activity.tiers.map((t) => t.price)),
    targetSize: activity.targetSize,
    endAt: new Date(activity.endAt).toISOString(),
  };
}

import type { Category, ProductCard, ProductDetail, SkuView } from '../../../typings/product.js';
import { CategoryDoc, SkuDoc, SpuDoc } from '../model/catalog.js';

/** How shoppers see the catalog: the category tree, product cards and details, built from the stored documents. */

/** Builds the two-level category tree, each level in its `sort` order; hidden categories (back office) are left out. */
export function categoryTree(all: CategoryDoc[]): Category[] {
  const docs = all.filter((c) => c.hidden !== true);
  const bySort = (a: CategoryDoc, b: CategoryDoc) => a.sort - b.sort || a._id.localeCompare(b._id);
  const roots = docs.filter((c) => !c.parentId).sort(bySort);
  return roots.map((root) => ({
    id: root._id,
    name: root.name,
    children: docs
      .filter((c) => c.parentId === root._id)
      .sort(bySort)
      .map((c) => ({ id: c._id, name: c.name })),
  }));
}

export function toCard(spu: SpuDoc): ProductCard {
  return {
    spuId: spu._id,
    title: spu.title,
    subtitle: spu.subtitle,
    image: spu.images[0] ?? '',
    minPrice: spu.minPrice,
    maxPrice: spu.maxPrice,
    sales: spu.sales,
  };
}

/** A SKU removed from the spec matrix in the back office (`removedAt`) is no longer shown. */
export function toDetail(spu: SpuDoc, skus: SkuDoc[]): ProductDetail {
  const views: SkuView[] = skus
    .filter((s) => !s.removedAt)
    .map((s) => ({
      skuId: s._id,
      specValues: s.specValues,
      price: s.price,
      originalPrice: s.originalPrice,
      stock: s.stock,
      image: s.image || (spu.images[0] ?? ''),
    }));
  return {
    ...toCard(spu),
    categoryId: spu.categoryId,
    images: spu.images,
    specs: spu.specs,
    attributes: spu.attributes,
    skus: views,
    stock: views.reduce((n, s) => n + s.stock, 0),
  };
}

/** Literal text for a regex: a keyword is searched as typed, never as a pattern. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A SKU's place in the low-stock walk: lowest stock first, then `_id`. */
export interface StockKey {
  _id: string;
  stock: number;
}

export function stockKeyBefore(a: StockKey, b: StockKey): boolean {
  return a.stock < b.stock || (a.stock === b.stock && a._id < b._id);
}

/**
 * One page of the low-stock list from a batch of the walk (SKUs at or under the threshold in `StockKey` order, after
 * the cursor) and every live SKU of the products the batch touches. A product belongs to the page holding its lowest
 * live SKU, so it is listed exactly once however its SKUs fall across batches; products are ordered by that SKU and
 * cut at `pageSize`; `cutAfter` (the lowest SKU of the last product kept) is where the next page starts when the cut
 * came before the end of the batch. `eligible` drops products the other filters exclude.
 */
export function lowStockPage(
  batch: Array<StockKey & { spuId: string }>,
  liveSkus: Array<StockKey & { spuId: string }>,
  eligible: (spuId: string) => boolean,
  pageSize: number,
): { spuIds: string[]; cutAfter?: StockKey } {
  const lowest = new Map<string, StockKey>();
  for (const sku of liveSkus) {
    const known = lowest.get(sku.spuId);
    if (!known || stockKeyBefore(sku, known)) lowest.set(sku.spuId, sku);
  }
  const spuIds: string[] = [];
  for (const sku of batch) {
    if (spuIds.length === pageSize) return { spuIds, cutAfter: lowest.get(spuIds[pageSize - 1]!) };
    if (lowest.get(sku.spuId)?._id === sku._id && eligible(sku.spuId)) spuIds.push(sku.spuId);
  }
  return { spuIds };
}

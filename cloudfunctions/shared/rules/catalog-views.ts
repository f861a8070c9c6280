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

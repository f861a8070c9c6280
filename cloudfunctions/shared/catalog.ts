import type { Category, ProductCard, ProductDetail, SkuView } from '../../typings/product.js';

/** Stored shapes of the catalog (database/seed.ts writes them; the admin page will too) and their views. */
export interface CategoryDoc {
  _id: string;
  name: string;
  parentId: string | null;
  sort: number;
}

export interface SpuDoc {
  _id: string;
  title: string;
  subtitle: string;
  categoryId: string;
  status: 'on_shelf' | 'off_shelf';
  images: string[];
  specs: Array<{ name: string; values: string[] }>;
  attributes: Array<{ name: string; value: string }>;
  minPrice: number;
  maxPrice: number;
  sales: number;
  createdAt: Date;
}

export interface SkuDoc {
  _id: string;
  spuId: string;
  specValues: Record<string, string>;
  price: number;
  originalPrice: number;
  stock: number;
  sales: number;
  image: string;
}

/** Builds the two-level category tree, each level in its `sort` order. */
export function categoryTree(docs: CategoryDoc[]): Category[] {
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
  return { spuId: spu._id, title: spu.title, subtitle: spu.subtitle, image: spu.images[0] ?? '', minPrice: spu.minPrice, maxPrice: spu.maxPrice, sales: spu.sales };
}

export function toDetail(spu: SpuDoc, skus: SkuDoc[]): ProductDetail {
  const views: SkuView[] = skus.map((s) => ({ skuId: s._id, specValues: s.specValues, price: s.price, originalPrice: s.originalPrice, stock: s.stock, image: s.image || (spu.images[0] ?? '') }));
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

/**
 * Stored shapes of the catalog: categories, SPUs (products) and their SKUs. database/seed.ts writes them (the admin
 * page will too); rules/catalog-views.ts turns them into what shoppers see.
 */

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

import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';
import type { FlashSaleState } from './flashsale.js';

/**
 * The `product` function: the catalog as shoppers see it (on-shelf products only). Every route is public: it answers
 * callers without an openid too.
 */
export const ProductRoutes = {
  home: 'home',
  categories: 'categories',
  list: 'list',
  detail: 'detail',
} as const;

/**
 * `home`: everything the home page shows, in one call: the active banners (at most 10, by their `sort`), the category
 * tree, 10 recommended products (the merchant's picks, then best sellers), the flash sales running or coming (at most
 * 4, soonest first), the group-buys open (at most 4) and how many coupons can be claimed.
 */
export const HomeInput = z.object({}).strict();
export type HomeInput = z.infer<typeof HomeInput>;

/** `categories`: the category tree, top-level categories with their children. */
export const CategoriesInput = z.object({}).strict();
export type CategoriesInput = z.infer<typeof CategoriesInput>;

/**
 * `default` and `sales`: best-selling first; `price_asc` / `price_desc`: by the product's lowest SKU price; `new`:
 * newest first. Ties break on the product id, so pages never overlap or skip.
 */
export const ListSort = z.enum(['default', 'sales', 'price_asc', 'price_desc', 'new']);
export type ListSort = z.infer<typeof ListSort>;

/**
 * `list`: on-shelf products, a page at a time (keyset pagination: pass the previous page's `nextCursor` as `cursor`).
 * `categoryId`: that category's products; a top-level category includes its subcategories' products. `keyword`: a
 * case-insensitive match anywhere in the title.
 */
export const ListInput = z
  .object({
    categoryId: Id.optional(),
    keyword: z.string().trim().min(1).max(50).optional(),
    sort: ListSort.default('default'),
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type ListInput = z.input<typeof ListInput>;

/** `detail`: one product with its specs and SKUs; a product that is not on the shelf answers NOT_FOUND. */
export const DetailInput = z.object({ spuId: Id }).strict();
export type DetailInput = z.infer<typeof DetailInput>;

export interface Category {
  id: string;
  name: string;
  children: Array<{ id: string; name: string }>;
}

export interface ProductCard {
  spuId: string;
  title: string;
  subtitle: string;
  image: string;
  minPrice: number;
  maxPrice: number;
  sales: number;
}

export interface SpecDimension {
  name: string;
  values: string[];
}

export interface SkuView {
  skuId: string;
  specValues: Record<string, string>;
  price: number;
  originalPrice: number;
  stock: number;
  image: string;
}

export interface ProductDetail extends ProductCard {
  categoryId: string;
  images: string[];
  specs: SpecDimension[];
  attributes: Array<{ name: string; value: string }>;
  skus: SkuView[];
  /** Sum of SKU stock: 0 means sold out. */
  stock: number;
}

export interface Banner {
  id: string;
  image: string;
  title: string;
  /** A mini-program page path, e.g. /pages/product/detail/index?spuId=… */
  link: string;
}

/** A flash sale on the home page; the countdown runs to `startAt` while `upcoming`, then to `endAt`. */
export interface HomeFlashSale {
  flashSaleId: string;
  spuId: string;
  title: string;
  image: string;
  /** The flash price and the SKU's normal price, fen. */
  price: number;
  normalPrice: number;
  /** Units the sale started with and those left. */
  stock: number;
  remaining: number;
  startAt: string;
  endAt: string;
  state: Exclude<FlashSaleState, 'ended'>;
}

/** A group-buy on the home page, with its lowest tier price (fen) and the members a group needs. */
export interface HomeGroupBuy {
  activityId: string;
  spuId: string;
  title: string;
  image: string;
  lowestPrice: number;
  targetSize: number;
  endAt: string;
}

export interface HomeData {
  banners: Banner[];
  categories: Category[];
  recommended: ProductCard[];
  flashSales: HomeFlashSale[];
  groupBuys: HomeGroupBuy[];
  /** Coupon templates open for claims with some left (the 领券中心 entry's badge). */
  claimableCoupons: number;
}

export type ListData = Page<ProductCard>;

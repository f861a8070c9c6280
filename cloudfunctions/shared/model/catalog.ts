/**
 * Stored shapes of the catalog: categories, SPUs (products) and their SKUs. database/seed.ts writes them (the admin
 * page will too); rules/catalog-views.ts turns them into what shoppers see.
 */

export interface CategoryDoc {
  _id: string;
  name: string;
  parentId: string | null;
  sort: number;
  /** Back office: not in the shopper's tree (rules/catalog-views.ts) while true. */
  hidden?: boolean;
  /** Optimistic concurrency for back-office edits (store/versioned.ts); absent (0) on seeded documents. */
  version?: number;
  updatedAt?: Date;
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
  /** Detail-page images (cloud file IDs), below the main ones. */
  detailImages?: string[];
  /**
   * The SKUs' stock summed by the last back-office change (shared/store/catalog-writes.ts). Orders and promotions move
   * SKU stock without it, so the back office shows the live sum; this is a snapshot, not the truth.
   */
  totalStock?: number;
  /** The number of the last SKU id given out (`<spuId>-<nn>`): ids of removed SKUs are never reused. */
  skuSeq?: number;
  /** Soft delete (products.delete): off the shelf for good, kept for orders and the audit trail. */
  deletedAt?: Date;
  updatedAt?: Date;
  /** Optimistic concurrency for back-office edits (store/versioned.ts); absent (0) on seeded documents. */
  version?: number;
  /** Its place among the merchant's picks for the home page, from 1 (store/home-recommendations.ts); absent otherwise. */
  recommendRank?: number;
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
  barcode?: string;
  /**
   * Removed from the product's spec matrix (products.update) with no stock and no promotion holding it; the document
   * stays for the orders that name it, and shoppers no longer see it (rules/catalog-views.ts).
   */
  removedAt?: Date;
  /** Units taken for orders being placed, until each order is written or the units go back (store/stock-holds.ts). */
  holds?: StockHold[];
}

/** `quantity` units of a SKU taken at `at` for order `orderId`, which may not exist yet. */
export interface StockHold {
  orderId: string;
  quantity: number;
  at: Date;
}

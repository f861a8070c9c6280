import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';

/**
 * The back office's catalog (docs/back-office/catalog.md): categories, products with their SKU matrix, stock through
 * the stock ledger, and the home page's banners. Every write carries the `version` it was made on (CONFLICT when
 * stale) and writes an `audit_logs` entry in its own transaction.
 */
export const CatalogRoutes = {
  categoriesList: 'categories.list',
  categoriesCreate: 'categories.create',
  categoriesUpdate: 'categories.update',
  productsList: 'products.list',
  productsDetail: 'products.detail',
  productsCreate: 'products.create',
  productsUpdate: 'products.update',
  productsSetStatus: 'products.setStatus',
  productsDelete: 'products.delete',
  stockAdjust: 'stock.adjust',
  stockBulkAdjust: 'stock.bulkAdjust',
  stockLedger: 'stock.ledger',
  bannersList: 'banners.list',
  bannersCreate: 'banners.create',
  bannersUpdate: 'banners.update',
  bannersDelete: 'banners.delete',
  homeRecommended: 'home.recommended',
  homeSetRecommended: 'home.setRecommended',
  imagesUpload: 'images.upload',
  imagesUrls: 'images.urls',
} as const;

/** A SKU price moving by more than this share of its old price needs a second verification (二次验证). */
export const PRICE_CHANGE_VERIFY_SHARE = 0.3;
/** Categories nest this deep: the shopper's tree shows top-level categories and their children. */
export const MAX_CATEGORY_DEPTH = 2;
/**
 * At most this many spec dimensions (e.g. 颜色 × 尺码 × 版型), values per dimension, and live SKUs per product (a
 * transaction reads at most 100 documents by query).
 */
export const MAX_SPEC_DIMENSIONS = 3;
export const MAX_SPEC_VALUES = 20;
export const MAX_SKUS = 100;
/** The highest price and stock a SKU may have (fen, units). */
export const MAX_PRICE = 100_000_000;
export const MAX_STOCK = 1_000_000;

/** Why stock changed by hand (stock.adjust); `initial` is the stock a product or a new SKU was created with. */
export const STOCK_REASONS = ['inbound', 'stocktake', 'loss'] as const;
export type StockReason = (typeof STOCK_REASONS)[number];
export type LedgerReason = StockReason | 'initial';
export const STOCK_REASON_LABELS: Record<LedgerReason, string> = {
  inbound: '入库',
  stocktake: '盘点',
  loss: '损耗',
  initial: '初始库存',
};

/** A file in cloud storage, as `wx.cloud.uploadFile` names it: `cloud://<env>.<bucket>/<path>`. */
export const FileId = z
  .string()
  .max(512)
  .regex(/^cloud:\/\/\S+$/, '图片须为上传到云存储的文件');
const Name = (what: string, max: number) => z.string().trim().min(1, `请填写${what}`).max(max, `${what}最多 ${max} 个字`);
const Price = z.number().int('价格以分为单位，须为整数').min(1, '价格须大于 0').max(MAX_PRICE, '价格过高');
const Stock = z.number().int('库存须为整数').min(0, '库存不能为负数').max(MAX_STOCK, '库存过大');
const Version = z.number().int().min(0);
const Sort = z.number().int().min(0).max(9999);

// ---------------------------------------------------------------------------------------------------------- Categories

/** `categories.list` (catalog.read): every category, hidden ones included, as a tree in `sort` order. */
export const CategoriesListInput = z.object({}).strict();

/** `categories.create` (catalog.write): a top-level category, or a child of `parentId`; version 1. */
export const CategoryCreateInput = z
  .object({
    name: Name('分类名称', 20),
    parentId: Id.nullable().default(null),
    sort: Sort.default(0),
    hidden: z.boolean().default(false),
  })
  .strict();
export type CategoryCreateInput = z.input<typeof CategoryCreateInput>;

/**
 * `categories.update` (catalog.write): rename, move under another parent (`null`: top level; a move that would make
 * a cycle or nest deeper than MAX_CATEGORY_DEPTH is refused), re-sort, hide or show. Hidden categories are not in
 * the shopper's tree.
 */
export const CategoryUpdateInput = z
  .object({
    categoryId: Id,
    version: Version,
    name: Name('分类名称', 20).optional(),
    parentId: Id.nullable().optional(),
    sort: Sort.optional(),
    hidden: z.boolean().optional(),
  })
  .strict();
export type CategoryUpdateInput = z.input<typeof CategoryUpdateInput>;

export interface AdminCategoryView {
  id: string;
  name: string;
  parentId: string | null;
  sort: number;
  hidden: boolean;
  version: number;
  children: AdminCategoryView[];
}

// ------------------------------------------------------------------------------------------------------------ Products

export const SpuStatus = z.enum(['on_shelf', 'off_shelf']);
export type SpuStatus = z.infer<typeof SpuStatus>;

/**
 * `products.list` (catalog.read): products not deleted, newest first (keyset: pass `nextCursor` as `cursor`).
 * Filters: `categoryId` (a top-level category includes its children), `status`, `keyword` (case-insensitive, in the
 * title). With `lowStockAt` the list is the products with a live SKU at or under that stock, most urgent first (by
 * their lowest SKU), each card naming those SKUs in `lowSkus`; such a page may hold fewer than `pageSize` items when
 * other filters are set: follow `nextCursor` until it is absent.
 */
export const ProductsListInput = z
  .object({
    categoryId: Id.optional(),
    status: SpuStatus.optional(),
    lowStockAt: z.number().int().min(0).max(MAX_STOCK).optional(),
    keyword: z.string().trim().min(1).max(50).optional(),
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type ProductsListInput = z.input<typeof ProductsListInput>;

/** `products.detail` (catalog.read): one product (deleted ones too) with its SKUs and version. */
export const ProductDetailInput = z.object({ spuId: Id }).strict();

/** A spec dimension, e.g. `{name: '颜色', values: ['红', '蓝']}`; the SKUs are every combination of the values. */
export const SpecInput = z
  .object({
    name: Name('规格名称', 10),
    values: z.array(Name('规格值', 20)).min(1, '每个规格至少一个值').max(MAX_SPEC_VALUES),
  })
  .strict();
export const SpecsInput = z.array(SpecInput).max(MAX_SPEC_DIMENSIONS, `规格最多 ${MAX_SPEC_DIMENSIONS} 个`);

const SpecValues = z.record(z.string().max(10), z.string().max(20));
const Barcode = z
  .string()
  .trim()
  .regex(/^[0-9A-Za-z-]{4,32}$/, '条码为 4–32 位数字或字母');

/** One SKU of the matrix, named by its spec values (`{颜色: '红', 尺码: 'M'}`; `{}` for a product without specs). */
export const SkuInput = z
  .object({
    specValues: SpecValues,
    price: Price,
    /** The crossed-out price; defaults to `price`. */
    originalPrice: Price.optional(),
    stock: Stock.default(0),
    image: FileId.optional(),
    barcode: Barcode.optional(),
  })
  .strict();
export type SkuInput = z.input<typeof SkuInput>;

const Attribute = z.object({ name: Name('参数名', 10), value: Name('参数值', 50) }).strict();
const ProductFields = {
  title: Name('商品标题', 60),
  subtitle: z.string().trim().max(100, '副标题最多 100 个字'),
  categoryId: Id,
  images: z.array(FileId).min(1, '至少一张主图').max(9, '主图最多 9 张'),
  detailImages: z.array(FileId).max(20, '详情图最多 20 张'),
  attributes: z.array(Attribute).max(30),
  specs: SpecsInput,
};

/**
 * `products.create` (catalog.write): the product off the shelf (or `status`), version 1. `skus` must cover exactly the
 * matrix `specs` generate, one SKU per combination; each SKU's stock is written to the stock ledger as `initial`.
 */
export const ProductCreateInput = z
  .object({
    ...ProductFields,
    subtitle: ProductFields.subtitle.default(''),
    detailImages: ProductFields.detailImages.default([]),
    attributes: ProductFields.attributes.default([]),
    status: SpuStatus.default('off_shelf'),
    skus: z.array(SkuInput).min(1).max(MAX_SKUS),
  })
  .strict();
export type ProductCreateInput = z.input<typeof ProductCreateInput>;

/** A SKU edit in `products.update`: an existing combination's price, image, barcode; a new one needs `price`. */
export const SkuPatchInput = z
  .object({
    specValues: SpecValues,
    price: Price.optional(),
    originalPrice: Price.optional(),
    /** Only for a new combination: its starting stock (ledger `initial`). Stock of existing SKUs moves by stock.adjust. */
    stock: Stock.optional(),
    image: FileId.or(z.literal('')).optional(),
    barcode: Barcode.or(z.literal('')).optional(),
  })
  .strict();

/**
 * `products.update` (catalog.write): SPU fields and SKU prices, images and barcodes. New `specs` regenerate the
 * matrix: combinations that appear need a `skus` entry with a price; combinations that disappear are removed, which is
 * refused while the SKU has stock or a live flash sale or group-buy holds it. A SKU price moving by more than
 * PRICE_CHANGE_VERIFY_SHARE needs a second verification.
 */
export const ProductUpdateInput = z
  .object({
    spuId: Id,
    version: Version,
    title: ProductFields.title.optional(),
    subtitle: ProductFields.subtitle.optional(),
    categoryId: Id.optional(),
    images: ProductFields.images.optional(),
    detailImages: ProductFields.detailImages.optional(),
    attributes: ProductFields.attributes.optional(),
    specs: SpecsInput.optional(),
    skus: z.array(SkuPatchInput).max(MAX_SKUS).optional(),
  })
  .strict();
export type ProductUpdateInput = z.input<typeof ProductUpdateInput>;

/** `products.setStatus` (catalog.write): puts up to 50 products on or off the shelf at once (deleted ones refused). */
export const ProductsSetStatusInput = z.object({ spuIds: z.array(Id).min(1).max(50), status: SpuStatus }).strict();
export type ProductsSetStatusInput = z.input<typeof ProductsSetStatusInput>;

/** `products.delete` (catalog.write): soft delete: `deletedAt` set, off the shelf, gone for shoppers. */
export const ProductDeleteInput = z.object({ spuId: Id, version: Version }).strict();

export interface AdminSkuView {
  skuId: string;
  specValues: Record<string, string>;
  price: number;
  originalPrice: number;
  stock: number;
  sales: number;
  image: string;
  barcode: string;
}

export interface AdminProductCard {
  spuId: string;
  title: string;
  categoryId: string;
  status: SpuStatus;
  image: string;
  minPrice: number;
  maxPrice: number;
  /** Live: the sum of the SKUs' stock now. */
  totalStock: number;
  sales: number;
  createdAt: string;
  version: number;
  deletedAt?: string;
  /** Only in a low-stock list: the product's live SKUs at or under the threshold, lowest first. */
  lowSkus?: AdminLowSku[];
}

export interface AdminProductDetail extends AdminProductCard {
  subtitle: string;
  images: string[];
  detailImages: string[];
  attributes: Array<{ name: string; value: string }>;
  specs: Array<{ name: string; values: string[] }>;
  skus: AdminSkuView[];
}

export type AdminProductPage = Page<AdminProductCard>;

/** A SKU at or under the low-stock threshold (`products.list` with `lowStockAt`). */
export interface AdminLowSku {
  skuId: string;
  specValues: Record<string, string>;
  stock: number;
}

// --------------------------------------------------------------------------------------------------------------- Stock

const StockChange = {
  skuId: Id,
  /** Add (or, negative, take away) this many units. */
  delta: z.number().int().min(-MAX_STOCK).max(MAX_STOCK).optional(),
  /** Or: set the stock to this (a stocktake). */
  set: Stock.optional(),
};
const oneOf = (c: { delta?: number; set?: number }) => (c.delta === undefined) !== (c.set === undefined);
const ONE_OF = { message: '请填写变动数量或盘点后的库存（二选一）' };

/**
 * `stock.adjust` (stock.write): one SKU's stock by `delta` or `set` to a count, with a reason; writes a `stock_ledger`
 * entry, the SKU and its product's total in one transaction. Stock never goes below 0 (VALIDATION).
 */
export const StockAdjustInput = z
  .object({ ...StockChange, reason: z.enum(STOCK_REASONS), note: z.string().trim().max(100).default('') })
  .strict()
  .refine(oneOf, ONE_OF);
export type StockAdjustInput = z.input<typeof StockAdjustInput>;

/** `stock.bulkAdjust` (stock.write, second verification): many SKUs at once, all or nothing. */
export const StockBulkAdjustInput = z
  .object({
    items: z.array(z.object(StockChange).strict().refine(oneOf, ONE_OF)).min(1).max(100),
    reason: z.enum(STOCK_REASONS),
    note: z.string().trim().max(100).default(''),
  })
  .strict();
export type StockBulkAdjustInput = z.input<typeof StockBulkAdjustInput>;

/** `stock.ledger` (catalog.read): the ledger entries of one SKU or of every SKU of one product, newest first. */
export const StockLedgerInput = z
  .object({ skuId: Id.optional(), spuId: Id.optional(), cursor: Cursor.optional(), pageSize: PageSize })
  .strict()
  .refine((i) => (i.skuId === undefined) !== (i.spuId === undefined), { message: '请指定规格或商品（二选一）' });
export type StockLedgerInput = z.input<typeof StockLedgerInput>;

export interface StockLedgerEntryView {
  id: string;
  skuId: string;
  spuId: string;
  delta: number;
  before: number;
  after: number;
  reason: LedgerReason;
  reasonLabel: string;
  note: string;
  actor: string;
  at: string;
}

export interface StockAdjustResult {
  skuId: string;
  before: number;
  after: number;
  entryId: string;
}

// ------------------------------------------------------------------------------------------------------------- Banners

/** Where a banner leads: a product's detail page or a category's product list. */
export const BannerTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('product'), spuId: Id }).strict(),
  z.object({ type: z.literal('category'), categoryId: Id }).strict(),
]);
export type BannerTarget = z.infer<typeof BannerTarget>;

/** `banners.list` (catalog.read): every banner, active or not, in `sort` order. */
export const BannersListInput = z.object({}).strict();

/**
 * `banners.create` (catalog.write): the home page shows active banners in `sort` order (`product.home`, at most 10);
 * the stored `link` is the page path the target makes.
 */
export const BannerCreateInput = z
  .object({
    title: Name('标题', 30),
    image: FileId,
    target: BannerTarget,
    sort: Sort.default(0),
    active: z.boolean().default(true),
  })
  .strict();
export type BannerCreateInput = z.input<typeof BannerCreateInput>;

/** `banners.update` (catalog.write): any of the fields, on the version it was made on. */
export const BannerUpdateInput = z
  .object({
    bannerId: Id,
    version: Version,
    title: Name('标题', 30).optional(),
    image: FileId.optional(),
    target: BannerTarget.optional(),
    sort: Sort.optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type BannerUpdateInput = z.input<typeof BannerUpdateInput>;

/** `banners.delete` (catalog.write): removes the banner (its last state stays in the audit entry). */
export const BannerDeleteInput = z.object({ bannerId: Id, version: Version }).strict();

export interface AdminBannerView {
  id: string;
  title: string;
  image: string;
  link: string;
  target?: BannerTarget;
  sort: number;
  active: boolean;
  version: number;
}

/** How many products the home page recommends (`product.home`); the merchant's picks first, best sellers after. */
export const MAX_RECOMMENDED = 10;

/** `home.recommended` (catalog.read): the products the merchant picked for the home page, in order. */
export const HomeRecommendedInput = z.object({}).strict();

/**
 * `home.setRecommended` (catalog.write): the products the home page recommends, in the order shown, up to
 * MAX_RECOMMENDED existing, not deleted products (off-shelf ones wait until they are back on the shelf). Best sellers
 * fill the rest of the row; an empty list leaves it all to them. `version` is the list's, from `home.recommended`.
 */
export const HomeSetRecommendedInput = z
  .object({
    spuIds: z
      .array(Id)
      .max(MAX_RECOMMENDED, `推荐商品最多 ${MAX_RECOMMENDED} 个`)
      .refine((ids) => new Set(ids).size === ids.length, '推荐商品不能重复'),
    version: Version,
  })
  .strict();
export type HomeSetRecommendedInput = z.infer<typeof HomeSetRecommendedInput>;

export interface HomeRecommendedView {
  items: Array<{ spuId: string; title: string; status: SpuStatus }>;
  version: number;
}

// -------------------------------------------------------------------------------------------------------------- Images

/** The largest image the back office takes (product, detail and banner images), before base64. */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/**
 * `images.upload` (catalog.write): one image for a product, its detail or a banner, sent as base64 in the call (the
 * HTTP access body holds up to 6 MB, so a 2 MiB image fits) and stored under `admin/images/` in cloud storage. The
 * function checks the bytes really are the image type named, so only images reach the shop's storage. Answers the
 * file id to save in the product, and a temporary URL to preview it.
 */
export const ImageUploadInput = z
  .object({
    contentType: z.enum(IMAGE_TYPES, '图片格式只能是 JPG、PNG、WebP 或 GIF'),
    data: z
      .string()
      .max(Math.ceil(MAX_IMAGE_BYTES / 3) * 4, '图片不能超过 2 MB')
      .regex(/^[A-Za-z0-9+/]+={0,2}$/, '图片数据须为 base64'),
  })
  .strict();
export type ImageUploadInput = z.infer<typeof ImageUploadInput>;

export interface UploadedImage {
  fileId: string;
  /** A temporary URL (about two hours) to show it. */
  url: string;
}

/** `images.urls` (catalog.read): temporary URLs to show stored images (cloud file ids are not URLs). */
export const ImageUrlsInput = z.object({ fileIds: z.array(FileId).min(1).max(50, '一次最多 50 张图片') }).strict();
export type ImageUrlsInput = z.infer<typeof ImageUrlsInput>;

/** One entry per id asked for, in order; `url` is empty for a file that no longer exists. */
export type ImageUrls = UploadedImage[];

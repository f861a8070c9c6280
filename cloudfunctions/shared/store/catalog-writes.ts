import { randomUUID } from 'node:crypto';
import {
  type AdminBannerView,
  type AdminCategoryView,
  type AdminLowSku,
  type AdminProductCard,
  type AdminProductDetail,
  type AdminProductPage,
  type AdminSkuView,
  type BannerCreateInput,
  type BannerTarget,
  type BannerUpdateInput,
  type CategoryCreateInput,
  type CategoryUpdateInput,
  CatalogRoutes,
  type ProductCreateInput,
  type ProductsListInput,
  type ProductUpdateInput,
  type SpuStatus,
} from '../../../typings/admin-catalog.js';
import { ErrorCode } from '../../../typings/common.js';
import type { CategoryDoc, SkuDoc, SpuDoc } from '../model/catalog.js';
import {
  FLASH_SALES,
  type FlashSaleDoc,
  GROUP_BUY_ACTIVITIES,
  type GroupBuyActivityDoc,
  HOLDING_SALE_STATUSES,
} from '../model/promotion.js';
import {
  bannerLink,
  categoryPlacementRefusal,
  comboKey,
  comboLabel,
  derivedFields,
  matchMatrix,
  planSkus,
  type Spec,
  skuRemovalRefusal,
  specMatrix,
} from '../rules/catalog-edits.js';
import { escapeRegExp, lowStockPage, stockKeyBefore } from '../rules/catalog-views.js';
import { notFound, ShopError } from '../rules/errors.js';
import { writeAudit } from './audit-trail.js';
import { _, db, type Transaction } from './db.js';
import { afterCursor, encodeCursor, pageOf } from './pagination.js';
import { type Acting, refreshDerived, writeLedgerEntry } from './stock-ledger.js';
import { withRetries } from './transactions.js';
import { CONFLICT_MESSAGE, updateVersioned } from './versioned.js';

/**
 * The back office's catalog in the database (docs/back-office/catalog.md): categories, products and their SKUs, and
 * banners. Every change is one transaction with its audit entry (before and after); edited documents carry `version`
 * (absent = 0 on seeded ones). The SKU matrix and derived fields are decided by rules/catalog-edits.ts; initial stock
 * goes through the stock ledger (store/stock-ledger.ts).
 */
export type { Acting };

const iso = (d: Date | string) => new Date(d).toISOString();
const versionOf = (doc: { version?: number }) => doc.version ?? 0;
const shortId = () => randomUUID().replaceAll('-', '').slice(0, 12);
const conflict = () => new ShopError(ErrorCode.CONFLICT, CONFLICT_MESSAGE);

// ---------------------------------------------------------------------------------------------------------- Categories

const CATEGORIES = 'categories';

function categoryView(doc: CategoryDoc, all: CategoryDoc[]): AdminCategoryView {
  return {
    id: doc._id,
    name: doc.name,
    parentId: doc.parentId,
    sort: doc.sort,
    hidden: doc.hidden === true,
    version: versionOf(doc),
    children: all
      .filter((c) => c.parentId === doc._id)
      .sort((a, b) => a.sort - b.sort || a._id.localeCompare(b._id))
      .map((c) => categoryView(c, all)),
  };
}

function categoryTree(all: CategoryDoc[]): AdminCategoryView[] {
  const ids = new Set(all.map((c) => c._id));
  return all
    .filter((c) => !c.parentId || !ids.has(c.parentId))
    .sort((a, b) => a.sort - b.sort || a._id.localeCompare(b._id))
    .map((c) => categoryView(c, all));
}

export async function listCategories(): Promise<AdminCategoryView[]> {
  return categoryTree((await db.collection<CategoryDoc>(CATEGORIES).limit(1000).get()).data);
}

/** Every category as the transaction sees it: placements are decided on one snapshot. */
async function categoriesIn(tx: Transaction): Promise<CategoryDoc[]> {
  return (
    await tx
      .collection<CategoryDoc>(CATEGORIES)
      .where({ _id: _.exists(true) })
      .get()
  ).data;
}

/**
 * Two moves at once must not both commit a cycle (snapshot isolation lets write skew through): each placement also
 * writes the new parent, so concurrent placements under related categories conflict and run again.
 */
async function touchParent(tx: Transaction, parentId: string | null, now: Date): Promise<void> {
  if (parentId)
    await tx
      .collection(CATEGORIES)
      .doc(parentId)
      .update({ data: { updatedAt: now } });
}

export function createCategory(input: Required<CategoryCreateInput>, { actor, now }: Acting): Promise<AdminCategoryView> {
  return withRetries(db, async (tx) => {
    const refusal = categoryPlacementRefusal(await categoriesIn(tx), undefined, input.parentId);
    if (refusal) throw refusal;
    const doc: CategoryDoc = { _id: `cat-${shortId()}`, ...input, version: 1, updatedAt: now };
    const { _id, ...data } = doc;
    await tx.collection(CATEGORIES).doc(_id).set({ data });
    await touchParent(tx, input.parentId, now);
    await writeAudit(tx, actor, now, { action: CatalogRoutes.categoriesCreate, target: _id, after: doc });
    return categoryView(doc, []);
  });
}

export function updateCategory(input: CategoryUpdateInput, { actor, now }: Acting): Promise<AdminCategoryView> {
  const { categoryId, version, ...fields } = input;
  return withRetries(db, async (tx) => {
    const all = await categoriesIn(tx);
    if (fields.parentId !== undefined) {
      const refusal = categoryPlacementRefusal(all, categoryId, fields.parentId);
      if (refusal) throw refusal;
    }
    const { before, after } = await updateVersioned<CategoryDoc & { version: number }>(
      tx,
      CATEGORIES,
      categoryId,
      version,
      '分类',
      () => ({ ...fields, updatedAt: now }),
    );
    if (fields.parentId !== undefined && fields.parentId !== before.parentId) await touchParent(tx, fields.parentId, now);
    await writeAudit(tx, actor, now, { action: CatalogRoutes.categoriesUpdate, target: categoryId, before, after });
    return categoryView(after, all);
  });
}

// ------------------------------------------------------------------------------------------------------------ Products

const SPUS = 'spus';
const SKUS = 'skus';

function skuView(s: SkuDoc): AdminSkuView {
  return {
    skuId: s._id,
    specValues: s.specValues,
    price: s.price,
    originalPrice: s.originalPrice,
    stock: s.stock,
    sales: s.sales,
    image: s.image,
    barcode: s.barcode ?? '',
  };
}

function productCard(spu: SpuDoc, totalStock: number): AdminProductCard {
  return {
    spuId: spu._id,
    title: spu.title,
    categoryId: spu.categoryId,
    status: spu.status,
    image: spu.images[0] ?? '',
    minPrice: spu.minPrice,
    maxPrice: spu.maxPrice,
    totalStock,
    sales: spu.sales,
    createdAt: iso(spu.createdAt),
    version: versionOf(spu),
    ...(spu.deletedAt ? { deletedAt: iso(spu.deletedAt) } : {}),
  };
}

function productDetailView(spu: SpuDoc, skus: SkuDoc[]): AdminProductDetail {
  const live = skus.filter((s) => !s.removedAt).sort((a, b) => a._id.localeCompare(b._id));
  return {
    ...productCard(
      spu,
      live.reduce((n, s) => n + s.stock, 0),
    ),
    subtitle: spu.subtitle,
    images: spu.images,
    detailImages: spu.detailImages ?? [],
    attributes: spu.attributes,
    specs: spu.specs,
    skus: live.map(skuView),
  };
}

/** Products per read of their SKUs: at most 100 live SKUs each keeps one read within its 1,000 rows. */
const SKU_READ_PRODUCTS = 10;

/** The live SKUs of these products, read in parallel batches (one round trip on the critical path). */
async function liveSkusOf(spuIds: string[]): Promise<SkuDoc[]> {
  const batches: string[][] = [];
  for (let i = 0; i < spuIds.length; i += SKU_READ_PRODUCTS) batches.push(spuIds.slice(i, i + SKU_READ_PRODUCTS));
  const reads = batches.map(
    async (ids) =>
      (
        await db
          .collection<SkuDoc>(SKUS)
          .where({ spuId: _.in(ids), removedAt: _.exists(false) })
          .limit(1000)
          .get()
      ).data,
  );
  return (await Promise.all(reads)).flat();
}

/** The filters other than low stock, as conditions on `spus`. */
async function productConditions(input: ProductsListInput): Promise<Array<Record<string, unknown>>> {
  const conditions: Array<Record<string, unknown>> = [{ deletedAt: _.exists(false) }];
  if (input.status) conditions.push({ status: input.status });
  if (input.categoryId) {
    const children = (
      await db.collection<CategoryDoc>(CATEGORIES).where({ parentId: input.categoryId }).limit(1000).get()
    ).data.map((c) => c._id);
    conditions.push({ categoryId: children.length ? _.in([input.categoryId, ...children]) : input.categoryId });
  }
  if (input.keyword) conditions.push({ title: db.RegExp({ regexp: escapeRegExp(input.keyword), options: 'i' }) });
  return conditions;
}

function cardsOf(spus: SpuDoc[], skus: SkuDoc[]): AdminProductCard[] {
  const totals = new Map<string, number>();
  for (const sku of skus) totals.set(sku.spuId, (totals.get(sku.spuId) ?? 0) + sku.stock);
  return spus.map((spu) => productCard(spu, totals.get(spu._id) ?? 0));
}

export async function listProducts(input: ProductsListInput & { pageSize: number }): Promise<AdminProductPage> {
  if (input.lowStockAt !== undefined) return listLowStock({ ...input, lowStockAt: input.lowStockAt });
  const conditions = await productConditions(input);
  if (input.cursor) conditions.push(...afterCursor('createdAt', 'desc', input.cursor, true));
  const docs = (
    await db
      .collection<SpuDoc>(SPUS)
      .where(_.and(conditions))
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'asc')
      .limit(input.pageSize + 1)
      .get()
  ).data;
  const page = pageOf(docs, input.pageSize, (spu) => new Date(spu.createdAt).getTime());
  const cards = cardsOf(page.items, await liveSkusOf(page.items.map((s) => s._id)));
  return { items: cards, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** SKUs read per low-stock page: a few per product listed, so a page is rarely short. */
const LOW_STOCK_BATCH_PER_ITEM = 4;

/**
 * Products with a live SKU at or under `lowStockAt`, most urgent first (by their lowest SKU), each with those SKUs.
 * It walks the index `skus.stock` from the cursor, so a page costs the same at any catalogue size; the other filters
 * are checked on the products the walk touches, so a page may hold fewer than `pageSize` items.
 */
async function listLowStock(input: ProductsListInput & { pageSize: number; lowStockAt: number }): Promise<AdminProductPage> {
  const batchSize = input.pageSize * LOW_STOCK_BATCH_PER_ITEM;
  const conditions: Array<Record<string, unknown>> = [
    { stock: _.lte(input.lowStockAt) },
    { removedAt: _.exists(false) },
    ...(input.cursor ? afterCursor('stock', 'asc', input.cursor) : []),
  ];
  const [read, filters] = await Promise.all([
    db
      .collection<SkuDoc>(SKUS)
      .where(_.and(conditions))
      .orderBy('stock', 'asc')
      .orderBy('_id', 'asc')
      .limit(batchSize + 1)
      .field({ spuId: true, stock: true })
      .get(),
    productConditions(input),
  ]);
  const batch = read.data.slice(0, batchSize);
  const touched = [...new Set(batch.map((s) => s.spuId))];
  const [spus, skus] = touched.length
    ? await Promise.all([
        db
          .collection<SpuDoc>(SPUS)
          .where(_.and([...filters, { _id: _.in(touched) }]))
          .limit(touched.length)
          .get(),
        liveSkusOf(touched),
      ])
    : [{ data: [] }, []];
  const byId = new Map(spus.data.map((spu) => [spu._id, spu]));
  const page = lowStockPage(batch, skus, (spuId) => byId.has(spuId), input.pageSize);
  const resume = page.cutAfter ?? (read.data.length > batchSize ? batch.at(-1) : undefined);
  const lowSkus = new Map<string, AdminLowSku[]>();
  for (const sku of skus.filter((s) => s.stock <= input.lowStockAt).sort((a, b) => (stockKeyBefore(a, b) ? -1 : 1))) {
    lowSkus.set(sku.spuId, [...(lowSkus.get(sku.spuId) ?? []), { skuId: sku._id, specValues: sku.specValues, stock: sku.stock }]);
  }
  const spusListed = page.spuIds.map((id) => byId.get(id)!);
  const cards = cardsOf(spusListed, skus).map((card) => ({ ...card, lowSkus: lowSkus.get(card.spuId) ?? [] }));
  return { items: cards, ...(resume ? { nextCursor: encodeCursor({ value: resume.stock, id: resume._id }) } : {}) };
}

export async function productDetail(spuId: string): Promise<AdminProductDetail> {
  const [spu, skus] = await Promise.all([db.collection<SpuDoc>(SPUS).doc(spuId).get(), liveSkusOf([spuId])]);
  if (!spu.data) throw notFound('商品');
  return productDetailView(spu.data, skus);
}

async function requireCategory(tx: Transaction, categoryId: string): Promise<void> {
  if (!(await tx.collection<CategoryDoc>(CATEGORIES).doc(categoryId).get()).data) throw notFound('分类');
}

type NewSku = {
  specValues: Record<string, string>;
  price: number;
  originalPrice?: number;
  stock?: number;
  image?: string;
  barcode?: string;
};

/** Writes new SKUs `${spuId}-<n>` from `firstNumber` on, with their initial stock in the ledger. */
async function addSkus(tx: Transaction, spuId: string, firstNumber: number, skus: NewSku[], acting: Acting): Promise<SkuDoc[]> {
  const written: SkuDoc[] = [];
  for (const [i, input] of skus.entries()) {
    const sku: SkuDoc = {
      _id: `${spuId}-${String(firstNumber + i).padStart(2, '0')}`,
      spuId,
      specValues: input.specValues,
      price: input.price,
      originalPrice: input.originalPrice ?? input.price,
      stock: input.stock ?? 0,
      sales: 0,
      image: input.image ?? '',
      ...(input.barcode ? { barcode: input.barcode } : {}),
    };
    const { _id, ...data } = sku;
    await tx.collection(SKUS).doc(_id).set({ data });
    if (sku.stock > 0) {
      await writeLedgerEntry(
        tx,
        { skuId: _id, spuId, delta: sku.stock, before: 0, after: sku.stock, reason: 'initial', note: '' },
        acting,
      );
    }
    written.push(sku);
  }
  return written;
}

/** `products.create`: the SPU at version 1, one SKU per combination of the matrix, initial stock in the ledger. */
export function createProduct(input: Required<ProductCreateInput>, acting: Acting): Promise<AdminProductDetail> {
  const { skus: skuInputs, ...fields } = input;
  const byCombo = matchMatrix(fields.specs, skuInputs);
  // SKU numbers follow the matrix order (红/M, 红/L, 蓝/M, 蓝/L), whatever order the SKUs came in.
  const ordered = specMatrix(fields.specs).map((combo) => byCombo.get(comboKey(fields.specs, combo)!)!);
  const spuId = `spu-${shortId()}`;
  return withRetries(db, async (tx) => {
    await requireCategory(tx, fields.categoryId);
    const skus = await addSkus(tx, spuId, 1, ordered, acting);
    const spu: SpuDoc = {
      _id: spuId,
      ...fields,
      ...derivedFields(skus),
      createdAt: acting.now,
      skuSeq: skus.length,
      updatedAt: acting.now,
      version: 1,
    };
    const { _id, ...data } = spu;
    await tx.collection(SPUS).doc(_id).set({ data });
    await writeAudit(tx, acting.actor, acting.now, {
      action: CatalogRoutes.productsCreate,
      target: spuId,
      after: { spu, skus },
    });
    return productDetailView(spu, skus);
  });
}

/** The names of live promotions holding `skuId`: flash sales holding its units, running group-buys selling it. */
async function promotionsHolding(tx: Transaction, spuId: string, skuIds: string[], now: Date): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>(skuIds.map((id) => [id, []]));
  if (!skuIds.length) return held;
  const sales = (
    await tx
      .collection<FlashSaleDoc>(FLASH_SALES)
      .where({ skuId: _.in(skuIds), status: _.in([...HOLDING_SALE_STATUSES]) })
      .get()
  ).data;
  for (const s of sales) held.get(s.skuId)?.push(`秒杀「${s.title || s._id}」`);
  const groupBuys = (
    await tx
      .collection<GroupBuyActivityDoc>(GROUP_BUY_ACTIVITIES)
      .where({ spuId, status: 'active', endAt: _.gt(now) })
      .get()
  ).data;
  for (const g of groupBuys) for (const id of g.skuIds) held.get(id)?.push(`拼团「${g.title || g._id}」`);
  return held;
}

/**
 * The highest SKU number of a product written before `skuSeq` existed (the demo seed's): its SKUs, removed ones
 * included, are few, so one query reads them all. New ids continue from it, never reusing a removed SKU's id.
 */
async function lastSkuNumber(tx: Transaction, spuId: string): Promise<number> {
  const all = (await tx.collection<SkuDoc>(SKUS).where({ spuId }).get()).data;
  return Math.max(0, ...all.map((s) => Number(/-(\d+)$/.exec(s._id)?.[1] ?? 0)));
}

/**
 * `products.update`: SPU fields, SKU edits, and a new matrix when `specs` changes (rules/catalog-edits.ts `planSkus`).
 * Refused before anything is written: stale version, unknown category, a deleted product, a removed SKU with stock or
 * held by a promotion; `verify` is called (and throws without a second verification) when a price moves too far.
 */
export function updateProduct(input: ProductUpdateInput, acting: Acting, verify: () => void): Promise<AdminProductDetail> {
  const { spuId, version, skus: patches = [], ...fields } = input;
  return withRetries(db, async (tx) => {
    const spu = (await tx.collection<SpuDoc>(SPUS).doc(spuId).get()).data;
    if (!spu) throw notFound('商品');
    if (versionOf(spu) !== version) throw conflict();
    if (spu.deletedAt) throw new ShopError(ErrorCode.INVALID_STATE, '商品已删除，不能编辑');
    if (fields.categoryId) await requireCategory(tx, fields.categoryId);
    const specs: Spec[] = fields.specs ?? spu.specs;
    // Live SKUs only: at most MAX_SKUS, within what a transaction's query answers (removed ones pile up over time).
    const live = (
      await tx
        .collection<SkuDoc>(SKUS)
        .where({ spuId, removedAt: _.exists(false) })
        .get()
    ).data.sort((a, b) => a._id.localeCompare(b._id));
    const plan = planSkus(specs, live, patches);
    const held = await promotionsHolding(
      tx,
      spuId,
      plan.removed.map((s) => s._id),
      acting.now,
    );
    for (const sku of plan.removed) {
      const refusal = skuRemovalRefusal(comboLabel(spu.specs, sku.specValues), sku.stock, held.get(sku._id) ?? []);
      if (refusal) throw refusal;
    }
    if (plan.needsVerification) verify();
    for (const { sku, specValues, fields: skuFields } of plan.kept) {
      // Untouched SKUs are not written, so orders selling them meanwhile do not make this edit conflict.
      const respecified = JSON.stringify(specValues) !== JSON.stringify(sku.specValues);
      if (!Object.keys(skuFields).length && !respecified) continue;
      await tx
        .collection(SKUS)
        .doc(sku._id)
        .update({ data: { ...skuFields, ...(respecified ? { specValues } : {}) } });
    }
    for (const sku of plan.removed)
      await tx
        .collection(SKUS)
        .doc(sku._id)
        .update({ data: { removedAt: acting.now } });
    const next = (spu.skuSeq ?? (await lastSkuNumber(tx, spuId))) + 1;
    const added = await addSkus(tx, spuId, next, plan.added, acting);
    const { before, after } = await updateVersioned<SpuDoc & { version: number }>(tx, SPUS, spuId, version, '商品', () => ({
      ...fields,
      specs,
      skuSeq: next - 1 + added.length,
      updatedAt: acting.now,
    }));
    const derived = await refreshDerived(tx, spuId, acting.now);
    const skusAfter = (
      await tx
        .collection<SkuDoc>(SKUS)
        .where({ spuId, removedAt: _.exists(false) })
        .get()
    ).data;
    await writeAudit(tx, acting.actor, acting.now, {
      action: CatalogRoutes.productsUpdate,
      target: spuId,
      before: { spu: before, skus: live },
      after: { spu: { ...after, ...derived }, skus: skusAfter },
      detail: {
        added: added.map((s) => s._id),
        removed: plan.removed.map((s) => s._id),
        verified: plan.needsVerification,
      },
    });
    return productDetailView({ ...after, ...derived }, skusAfter);
  });
}

/** `products.setStatus`: each product on or off the shelf with its own audit entry; a deleted product is refused. */
export function setProductsStatus(spuIds: string[], status: SpuStatus, { actor, now }: Acting): Promise<AdminProductCard[]> {
  const ids = [...new Set(spuIds)];
  return withRetries(db, async (tx) => {
    const cards: AdminProductCard[] = [];
    for (const spuId of ids) {
      const ref = tx.collection<SpuDoc>(SPUS).doc(spuId);
      const before = (await ref.get()).data;
      if (!before) throw notFound(`商品 ${spuId} `);
      if (before.deletedAt) throw new ShopError(ErrorCode.INVALID_STATE, `商品“${before.title}”已删除，不能上下架`);
      const change = { status, version: versionOf(before) + 1, updatedAt: now };
      await ref.update({ data: change });
      await writeAudit(tx, actor, now, {
        action: CatalogRoutes.productsSetStatus,
        target: spuId,
        before: { status: before.status, version: versionOf(before) },
        after: { status, version: change.version },
      });
      cards.push(productCard({ ...before, ...change }, before.totalStock ?? 0));
    }
    return cards;
  });
}

/** `products.delete`: soft delete; shoppers see only on-shelf products, so it is gone for them at once. */
export function deleteProduct(spuId: string, version: number, { actor, now }: Acting): Promise<AdminProductCard> {
  return withRetries(db, async (tx) => {
    const { before, after } = await updateVersioned<SpuDoc & { version: number }>(tx, SPUS, spuId, version, '商品', (spu) => {
      if (spu.deletedAt) throw new ShopError(ErrorCode.INVALID_STATE, '商品已删除');
      return { deletedAt: now, status: 'off_shelf', updatedAt: now };
    });
    await writeAudit(tx, actor, now, { action: CatalogRoutes.productsDelete, target: spuId, before, after });
    return productCard(after, after.totalStock ?? 0);
  });
}

// ------------------------------------------------------------------------------------------------------------- Banners

const BANNERS = 'banners';

/** What `product.home` reads (`active`, `sort`, `image`, `title`, `link`), plus the target the link was made from. */
export interface BannerDoc {
  _id: string;
  title: string;
  image: string;
  link: string;
  target?: BannerTarget;
  sort: number;
  active: boolean;
  version?: number;
  updatedAt?: Date;
}

function bannerView(b: BannerDoc): AdminBannerView {
  return {
    id: b._id,
    title: b.title,
    image: b.image,
    link: b.link,
    ...(b.target ? { target: b.target } : {}),
    sort: b.sort,
    active: b.active,
    version: versionOf(b),
  };
}

export async function listBanners(): Promise<AdminBannerView[]> {
  const docs = (await db.collection<BannerDoc>(BANNERS).orderBy('sort', 'asc').limit(100).get()).data;
  return docs.map(bannerView);
}

/** A banner may lead only to a product that is not deleted or to a category that exists. */
async function requireTarget(tx: Transaction, target: BannerTarget): Promise<void> {
  if (target.type === 'category') return requireCategory(tx, target.categoryId);
  const spu = (await tx.collection<SpuDoc>(SPUS).doc(target.spuId).get()).data;
  if (!spu || spu.deletedAt) throw notFound('商品');
}

export function createBanner(input: Required<BannerCreateInput>, { actor, now }: Acting): Promise<AdminBannerView> {
  return withRetries(db, async (tx) => {
    await requireTarget(tx, input.target);
    const doc: BannerDoc = { _id: `banner-${shortId()}`, ...input, link: bannerLink(input.target), version: 1, updatedAt: now };
    const { _id, ...data } = doc;
    await tx.collection(BANNERS).doc(_id).set({ data });
    await writeAudit(tx, actor, now, { action: CatalogRoutes.bannersCreate, target: _id, after: doc });
    return bannerView(doc);
  });
}

export function updateBanner(input: BannerUpdateInput, { actor, now }: Acting): Promise<AdminBannerView> {
  const { bannerId, version, ...fields } = input;
  return withRetries(db, async (tx) => {
    if (fields.target) await requireTarget(tx, fields.target);
    const { before, after } = await updateVersioned<BannerDoc & { version: number }>(
      tx,
      BANNERS,
      bannerId,
      version,
      '轮播图',
      () => ({
        ...fields,
        ...(fields.target ? { link: bannerLink(fields.target) } : {}),
        updatedAt: now,
      }),
    );
    await writeAudit(tx, actor, now, { action: CatalogRoutes.bannersUpdate, target: bannerId, before, after });
    return bannerView(after);
  });
}

export function deleteBanner(bannerId: string, version: number, { actor, now }: Acting): Promise<{ bannerId: string }> {
  return withRetries(db, async (tx) => {
    const ref = tx.collection<BannerDoc>(BANNERS).doc(bannerId);
    const before = (await ref.get()).data;
    if (!before) throw notFound('轮播图');
    if (versionOf(before) !== version) throw conflict();
    await ref.remove();
    await writeAudit(tx, actor, now, { action: CatalogRoutes.bannersDelete, target: bannerId, before });
    return { bannerId };
  });
}

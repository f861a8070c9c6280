import {
  type BannerTarget,
  MAX_CATEGORY_DEPTH,
  MAX_SKUS,
  MAX_STOCK,
  PRICE_CHANGE_VERIFY_SHARE,
} from '../../../typings/admin-catalog.js';
import { ErrorCode } from '../../../typings/common.js';
import { ShopError, notFound } from './errors.js';

/**
 * The back office's catalog decisions, pure (docs/back-office/catalog.md): the SKU matrix a product's spec dimensions
 * generate and whether given SKUs cover it exactly, the fields derived from the SKUs, when a price change needs a
 * second verification, stock changes that never go below 0, and category moves without cycles.
 */

export interface Spec {
  name: string;
  values: string[];
}
export type SpecValues = Record<string, string>;

const invalid = (message: string) => new ShopError(ErrorCode.VALIDATION, message);

/** Every combination of the dimensions' values, in spec order (`[]` dimensions: one SKU without specs). */
export function specMatrix(specs: Spec[]): SpecValues[] {
  return specs.reduce<SpecValues[]>(
    (combos, spec) => combos.flatMap((combo) => spec.values.map((value) => ({ ...combo, [spec.name]: value }))),
    [{}],
  );
}

/** How a combination reads to a merchant: `红/M`, or `默认` without specs. */
export function comboLabel(specs: Spec[], values: SpecValues): string {
  return specs.length ? specs.map((s) => values[s.name] ?? '?').join('/') : '默认';
}

/** The combination's key when `values` names exactly the dimensions with one of their values, else undefined. */
export function comboKey(specs: Spec[], values: SpecValues): string | undefined {
  if (Object.keys(values).length !== specs.length) return undefined;
  const picked: string[] = [];
  for (const spec of specs) {
    const value = values[spec.name];
    if (value === undefined || !spec.values.includes(value)) return undefined;
    picked.push(value);
  }
  return JSON.stringify(picked);
}

/** Refuses dimensions with repeated names or values, or a matrix larger than MAX_SKUS. */
export function checkSpecs(specs: Spec[]): void {
  const names = specs.map((s) => s.name);
  if (new Set(names).size !== names.length) throw invalid('规格名称不能重复');
  for (const spec of specs) {
    if (new Set(spec.values).size !== spec.values.length) throw invalid(`规格“${spec.name}”的值不能重复`);
  }
  const size = specs.reduce((n, s) => n * s.values.length, 1);
  if (size > MAX_SKUS) throw invalid(`规格组合最多 ${MAX_SKUS} 个，当前 ${size} 个`);
}

/**
 * Pairs `skus` with the matrix `specs` generate: each must name one combination, none twice, and every combination
 * must have one (`exact`), or may be left out (`exact: false`, for edits). Answers them by combination key.
 */
export function matchMatrix<T extends { specValues: SpecValues }>(specs: Spec[], skus: T[], exact = true): Map<string, T> {
  checkSpecs(specs);
  const byKey = new Map<string, T>();
  for (const sku of skus) {
    const key = comboKey(specs, sku.specValues);
    if (key === undefined) throw invalid(`规格组合不在规格表中：${Object.values(sku.specValues).join('/') || '默认'}`);
    if (byKey.has(key)) throw invalid(`规格组合重复：${comboLabel(specs, sku.specValues)}`);
    byKey.set(key, sku);
  }
  if (exact) {
    const missing = specMatrix(specs).filter((combo) => !byKey.has(comboKey(specs, combo)!));
    if (missing.length) throw invalid(`缺少规格组合：${missing.map((c) => comboLabel(specs, c)).join('、')}`);
  }
  return byKey;
}

export interface Derived {
  minPrice: number;
  maxPrice: number;
  totalStock: number;
  sales: number;
}

/** The product's fields derived from its (live) SKUs. */
export function derivedFields(skus: Array<{ price: number; stock: number; sales: number }>): Derived {
  if (!skus.length) return { minPrice: 0, maxPrice: 0, totalStock: 0, sales: 0 };
  return {
    minPrice: Math.min(...skus.map((s) => s.price)),
    maxPrice: Math.max(...skus.map((s) => s.price)),
    totalStock: skus.reduce((n, s) => n + s.stock, 0),
    sales: skus.reduce((n, s) => n + s.sales, 0),
  };
}

/** Whether moving a price from `before` to `after` needs a second verification (more than the set share). */
export function priceChangeNeedsVerification(before: number, after: number): boolean {
  if (before <= 0) return false;
  return Math.abs(after - before) / before > PRICE_CHANGE_VERIFY_SHARE;
}

export interface ExistingSku {
  _id: string;
  specValues: SpecValues;
  price: number;
  stock: number;
}

export interface SkuPatch {
  specValues: SpecValues;
  price?: number;
  originalPrice?: number;
  stock?: number;
  image?: string;
  barcode?: string;
}

export interface SkuPlan<S extends ExistingSku> {
  /** Existing SKUs still in the matrix, with the fields the patch changes (possibly none). */
  kept: Array<{ sku: S; specValues: SpecValues; fields: Omit<SkuPatch, 'specValues' | 'stock'> }>;
  /** New combinations, each with a price. */
  added: Array<SkuPatch & { price: number }>;
  /** Existing SKUs whose combination is gone. */
  removed: S[];
  /** Whether any kept SKU's price moves by more than PRICE_CHANGE_VERIFY_SHARE. */
  needsVerification: boolean;
}

/**
 * What `products.update` does to the SKUs: `specs` (the new matrix, or the old one) against the live SKUs and the
 * patches. An existing SKU is matched on its spec values for dimensions that stay (a renamed value is a new
 * combination); patches must name combinations of the matrix; a new combination needs a patch with a price; a patch
 * may not set an existing SKU's stock (stock moves through the ledger).
 */
export function planSkus<S extends ExistingSku>(specs: Spec[], existing: S[], patches: SkuPatch[]): SkuPlan<S> {
  const byPatch = matchMatrix(specs, patches, false);
  const kept: SkuPlan<S>['kept'] = [];
  const removed: S[] = [];
  const seen = new Set<string>();
  let needsVerification = false;
  for (const sku of existing) {
    // Dimensions added since: the SKU cannot say which value it has, so it leaves the matrix.
    const values = Object.fromEntries(specs.map((s) => [s.name, sku.specValues[s.name] ?? '']));
    const key = comboKey(specs, values);
    if (key === undefined || seen.has(key)) {
      removed.push(sku);
      continue;
    }
    seen.add(key);
    const patch = byPatch.get(key);
    if (patch?.stock !== undefined) throw invalid(`已有规格的库存请通过库存调整修改：${comboLabel(specs, values)}`);
    const { specValues: _ignored, stock: _stock, ...fields } = patch ?? { specValues: {} };
    if (fields.price !== undefined && priceChangeNeedsVerification(sku.price, fields.price)) needsVerification = true;
    kept.push({ sku, specValues: values, fields });
  }
  const added: SkuPlan<S>['added'] = [];
  for (const combo of specMatrix(specs)) {
    const key = comboKey(specs, combo)!;
    if (seen.has(key)) continue;
    const patch = byPatch.get(key);
    if (patch?.price === undefined) throw invalid(`新规格组合需填写价格：${comboLabel(specs, combo)}`);
    added.push({ ...patch, specValues: combo, price: patch.price });
  }
  return { kept, added, removed, needsVerification };
}

/** Why a SKU cannot leave the matrix: it still has stock, or promotions hold it (their names). */
export function skuRemovalRefusal(label: string, stock: number, heldBy: string[]): ShopError | undefined {
  if (stock > 0) return new ShopError(ErrorCode.INVALID_STATE, `规格“${label}”还有库存 ${stock} 件，请先调整库存为 0 再删除`);
  if (heldBy.length) {
    return new ShopError(ErrorCode.INVALID_STATE, `规格“${label}”正在参加活动（${heldBy.join('、')}），活动结束后才能删除`);
  }
  return undefined;
}

/** A stock change: by `delta`, or `set` to a count; never below 0 nor above MAX_STOCK. */
export function stockAfter(before: number, change: { delta?: number; set?: number }): { after: number; delta: number } {
  const after = change.set ?? before + (change.delta ?? 0);
  if (after < 0) throw invalid(`库存不能低于 0：现有 ${before} 件，无法减少 ${before - after} 件`);
  if (after > MAX_STOCK) throw invalid(`库存不能超过 ${MAX_STOCK} 件`);
  return { after, delta: after - before };
}

export interface CategoryNode {
  _id: string;
  parentId: string | null;
}

/** How deep `id` sits (1 = top level), following parents in `all`. */
function depthOf(all: Map<string, CategoryNode>, id: string): number {
  let depth = 0;
  for (let at: string | null | undefined = id; at && depth <= all.size; at = all.get(at)?.parentId) depth++;
  return depth;
}

/** How many levels the subtree under `id` spans (1 = no children). */
function heightOf(all: CategoryNode[], id: string, guard = 0): number {
  if (guard > all.length) return guard;
  const children = all.filter((c) => c.parentId === id);
  return 1 + Math.max(0, ...children.map((c) => heightOf(all, c._id, guard + 1)));
}

/**
 * Refuses putting category `id` (undefined for a new one) under `parentId`: the parent must exist, must not be the
 * category itself or one of its descendants (a cycle), and the tree may not grow deeper than MAX_CATEGORY_DEPTH.
 */
export function categoryPlacementRefusal(
  all: CategoryNode[],
  id: string | undefined,
  parentId: string | null,
): ShopError | undefined {
  if (parentId === null) {
    return id !== undefined && heightOf(all, id) > MAX_CATEGORY_DEPTH ? invalid(`分类最多 ${MAX_CATEGORY_DEPTH} 级`) : undefined;
  }
  const byId = new Map(all.map((c) => [c._id, c]));
  if (!byId.has(parentId)) return notFound('上级分类');
  for (let at: string | null | undefined = parentId, steps = 0; at && steps <= all.length; at = byId.get(at)?.parentId, steps++) {
    if (at === id) return invalid('不能把分类移动到它自己或它的子分类下');
  }
  const height = id === undefined ? 1 : heightOf(all, id);
  if (depthOf(byId, parentId) + height > MAX_CATEGORY_DEPTH) return invalid(`分类最多 ${MAX_CATEGORY_DEPTH} 级`);
  return undefined;
}

/** The mini-program page a banner's target opens (what `product.home` hands out as `link`). */
export function bannerLink(target: BannerTarget): string {
  return target.type === 'product'
    ? `/pages/product/detail/index?spuId=${target.spuId}`
    : `/pages/product/list/index?categoryId=${target.categoryId}`;
}

import type {
  AdminProductDetail,
  AdminSkuView,
  ProductCreateInput,
  ProductUpdateInput,
  SpuStatus,
} from '../../../../typings/admin-catalog';
import { toFen } from '../../utils/money';
import {
  MAX_ATTRIBUTES,
  MAX_DETAIL_IMAGES,
  MAX_MAIN_IMAGES,
  MAX_PRICE,
  MAX_SKUS,
  MAX_SPEC_DIMENSIONS,
  MAX_SPEC_VALUES,
  MAX_STOCK,
  PRICE_CHANGE_VERIFY_SHARE,
} from './labels';

/**
 * The product editor's form as plain data, and what it sends: the SKU matrix the spec dimensions make (one row per
 * combination, the rows' edits kept while dimensions change), the checks made before sending, and the inputs of
 * products.create and products.update (an update names only the SKU fields that changed).
 */

/** A spec dimension being edited; `id` stays while its name is retyped, so the rows keep their edits. */
export interface SpecDraft {
  id: number;
  name: string;
  values: string[];
}

/** One combination of the matrix; money in yuan as typed. */
export interface SkuRow {
  /** The combination by dimension id and value. */
  key: string;
  /** Its value in each dimension that has values, in dimension order. */
  values: string[];
  /** The live SKU the combination keeps on update (matched by dimension name, as the server matches). */
  existing?: AdminSkuView;
  price: string;
  /** Empty: the same as the price. */
  originalPrice: string;
  /** Starting stock; only a new combination has one (existing SKUs move through stock.adjust). */
  stock: string;
  image: string[];
  barcode: string;
}

export interface ProductDraft {
  title: string;
  subtitle: string;
  categoryId: string;
  images: string[];
  detailImages: string[];
  attributes: Array<{ name: string; value: string }>;
  status: SpuStatus;
  specs: SpecDraft[];
}

let specIds = 0;
export function newSpec(name = '', values: string[] = []): SpecDraft {
  return { id: ++specIds, name, values };
}

export function draftOf(product?: AdminProductDetail): ProductDraft {
  return {
    title: product?.title ?? '',
    subtitle: product?.subtitle ?? '',
    categoryId: product?.categoryId ?? '',
    images: [...(product?.images ?? [])],
    detailImages: [...(product?.detailImages ?? [])],
    attributes: product?.attributes.map((a) => ({ ...a })) ?? [],
    status: product?.status ?? 'off_shelf',
    specs: product?.specs.map((s) => newSpec(s.name, [...s.values])) ?? [],
  };
}

const yuanText = (fen: number) => (fen / 100).toFixed(2);

/** The dimensions that make the matrix: those with at least one value (a new one counts once it has a value). */
export function activeSpecs(specs: readonly SpecDraft[]): SpecDraft[] {
  return specs.filter((s) => s.values.length > 0);
}

export const rowLabel = (row: SkuRow) => row.values.join('/') || '默认';

/** The live SKU each combination keeps, by dimension name: the first SKU (by id) whose values fit, as planSkus does. */
function existingByCombination(dims: readonly SpecDraft[], skus: readonly AdminSkuView[]): Map<string, AdminSkuView> {
  const kept = new Map<string, AdminSkuView>();
  for (const sku of [...skus].sort((a, b) => a.skuId.localeCompare(b.skuId))) {
    const values = dims.map((d) => sku.specValues[d.name.trim()]);
    if (values.some((v, i) => v === undefined || !dims[i]!.values.includes(v))) continue;
    const key = JSON.stringify(values);
    if (!kept.has(key)) kept.set(key, sku);
  }
  return kept;
}

function rowOf(key: string, values: string[], sku: AdminSkuView): SkuRow {
  return {
    key,
    values,
    existing: sku,
    price: yuanText(sku.price),
    originalPrice: sku.originalPrice === sku.price ? '' : yuanText(sku.originalPrice),
    stock: '',
    image: sku.image ? [sku.image] : [],
    barcode: sku.barcode,
  };
}

/**
 * The rows for the dimensions now: a combination already shown keeps its row (a value added to a dimension adds
 * rows, the others stay as edited); one an existing SKU fits starts from that SKU; a new one takes its prices from a
 * row that agrees with it on the dimensions they share (a dimension added copies each row's prices to its children).
 */
export function reconcile(specs: readonly SpecDraft[], rows: readonly SkuRow[], skus: readonly AdminSkuView[]): SkuRow[] {
  const dims = activeSpecs(specs);
  const combos = dims.reduce<string[][]>((acc, d) => acc.flatMap((combo) => d.values.map((v) => [...combo, v])), [[]]);
  if (combos.length > MAX_SKUS) return [...rows];
  const existing = existingByCombination(dims, skus);
  const pairsOf = (key: string) => JSON.parse(key) as Array<[number, string]>;
  return combos.map((values) => {
    const key = JSON.stringify(dims.map((d, i) => [d.id, values[i]]));
    const sku = existing.get(JSON.stringify(values));
    const shown = rows.find((r) => r.key === key);
    if (shown) return { ...shown, values, existing: sku };
    if (sku) return rowOf(key, values, sku);
    const pairs = new Map(pairsOf(key));
    const like = rows.find((r) => pairsOf(r.key).every(([id, v]) => !pairs.has(id) || pairs.get(id) === v));
    return { key, values, price: like?.price ?? '', originalPrice: like?.originalPrice ?? '', stock: '', image: [], barcode: '' };
  });
}

/** Rows whose price moves by more than PRICE_CHANGE_VERIFY_SHARE: saving them asks for 二次验证. */
export function bigPriceMoves(rows: readonly SkuRow[]): SkuRow[] {
  return rows.filter((r) => {
    const price = toFen(r.price);
    return r.existing && price !== undefined && Math.abs(price - r.existing.price) / r.existing.price > PRICE_CHANGE_VERIFY_SHARE;
  });
}

const BARCODE = /^[0-9A-Za-z-]{4,32}$/;

/** The first reason the form cannot be saved, in the order the merchant reads it. */
export function problem(draft: ProductDraft, rows: readonly SkuRow[]): string | undefined {
  const title = draft.title.trim();
  if (!title) return '请填写商品标题';
  if (title.length > 60) return '商品标题最多 60 个字';
  if (draft.subtitle.trim().length > 100) return '副标题最多 100 个字';
  if (!draft.categoryId) return '请选择商品分类';
  if (draft.images.length === 0) return '请至少上传一张主图';
  if (draft.images.length > MAX_MAIN_IMAGES) return `主图最多 ${MAX_MAIN_IMAGES} 张`;
  if (draft.detailImages.length > MAX_DETAIL_IMAGES) return `详情图最多 ${MAX_DETAIL_IMAGES} 张`;
  const attributes = attributesOf(draft);
  if (attributes.length > MAX_ATTRIBUTES) return `商品参数最多 ${MAX_ATTRIBUTES} 项`;
  for (const a of attributes) {
    if (!a.name || !a.value) return '商品参数须同时填写参数名和参数值';
    if (a.name.length > 10) return `参数名“${a.name}”最多 10 个字`;
    if (a.value.length > 50) return `参数“${a.name}”的值最多 50 个字`;
  }
  if (draft.specs.length > MAX_SPEC_DIMENSIONS) return `规格最多 ${MAX_SPEC_DIMENSIONS} 个`;
  const names = draft.specs.map((s) => s.name.trim());
  for (const [i, spec] of draft.specs.entries()) {
    if (!names[i]) return `请填写第 ${i + 1} 个规格的名称`;
    if (names[i].length > 10) return `规格名称“${names[i]}”最多 10 个字`;
    if (names.indexOf(names[i]) !== i) return `规格名称“${names[i]}”重复`;
    if (spec.values.length === 0) return `规格“${names[i]}”至少填写一个值`;
    if (spec.values.length > MAX_SPEC_VALUES) return `规格“${names[i]}”最多 ${MAX_SPEC_VALUES} 个值`;
    const long = spec.values.find((v) => v.length > 20);
    if (long) return `规格值“${long}”最多 20 个字`;
  }
  const size = draft.specs.reduce((n, s) => n * s.values.length, 1);
  if (size > MAX_SKUS) return `规格组合最多 ${MAX_SKUS} 个，当前 ${size} 个`;
  for (const row of rows) {
    const label = rowLabel(row);
    const price = toFen(row.price);
    if (price === undefined || price <= 0) return `请填写规格“${label}”的售价（大于 0，最多两位小数）`;
    if (price > MAX_PRICE) return `规格“${label}”的售价过高`;
    if (row.originalPrice.trim()) {
      const original = toFen(row.originalPrice);
      if (original === undefined || original <= 0 || original > MAX_PRICE) return `规格“${label}”的原价格式不正确`;
      if (original < price) return `规格“${label}”的原价不能低于售价`;
    }
    if (!row.existing && row.stock.trim()) {
      if (!/^\d+$/.test(row.stock.trim()) || Number(row.stock) > MAX_STOCK) {
        return `规格“${label}”的库存须为 0–${MAX_STOCK} 的整数`;
      }
    }
    if (row.barcode.trim() && !BARCODE.test(row.barcode.trim())) return `规格“${label}”的条码为 4–32 位数字或字母`;
  }
  return undefined;
}

function attributesOf(draft: ProductDraft): Array<{ name: string; value: string }> {
  return draft.attributes.map((a) => ({ name: a.name.trim(), value: a.value.trim() })).filter((a) => a.name || a.value);
}

function fields(draft: ProductDraft) {
  return {
    title: draft.title.trim(),
    subtitle: draft.subtitle.trim(),
    categoryId: draft.categoryId,
    images: [...draft.images],
    detailImages: [...draft.detailImages],
    attributes: attributesOf(draft),
    specs: draft.specs.map((s) => ({ name: s.name.trim(), values: [...s.values] })),
  };
}

function specValuesOf(draft: ProductDraft, row: SkuRow): Record<string, string> {
  return Object.fromEntries(activeSpecs(draft.specs).map((s, i) => [s.name.trim(), row.values[i]!]));
}

/** A row's SKU as a new one (create, or a combination added on update); checked by `problem` first. */
function newSku(draft: ProductDraft, row: SkuRow) {
  const original = row.originalPrice.trim() ? toFen(row.originalPrice) : undefined;
  return {
    specValues: specValuesOf(draft, row),
    price: toFen(row.price)!,
    ...(original !== undefined ? { originalPrice: original } : {}),
    stock: Number(row.stock.trim() || 0),
    ...(row.image[0] ? { image: row.image[0] } : {}),
    ...(row.barcode.trim() ? { barcode: row.barcode.trim() } : {}),
  };
}

export function createInput(draft: ProductDraft, rows: readonly SkuRow[]): ProductCreateInput {
  return { ...fields(draft), status: draft.status, skus: rows.map((row) => newSku(draft, row)) };
}

/** The update: SPU fields, the dimensions, new combinations whole, and for kept SKUs only the fields that changed. */
export function updateInput(draft: ProductDraft, rows: readonly SkuRow[], spuId: string, version: number): ProductUpdateInput {
  const skus = rows.flatMap((row) => {
    const sku = row.existing;
    if (!sku) return [newSku(draft, row)];
    const price = toFen(row.price)!;
    const original = row.originalPrice.trim() ? toFen(row.originalPrice)! : price;
    const image = row.image[0] ?? '';
    const barcode = row.barcode.trim();
    const patch = {
      ...(price !== sku.price ? { price } : {}),
      ...(original !== sku.originalPrice ? { originalPrice: original } : {}),
      ...(image !== sku.image ? { image } : {}),
      ...(barcode !== sku.barcode ? { barcode } : {}),
    };
    return Object.keys(patch).length ? [{ specValues: specValuesOf(draft, row), ...patch }] : [];
  });
  return { spuId, version, ...fields(draft), skus };
}

/** Live SKUs no row keeps: saving removes them (refused while one has stock or a promotion holds it). */
export function removedSkus(rows: readonly SkuRow[], skus: readonly AdminSkuView[]): AdminSkuView[] {
  const kept = new Set(rows.map((r) => r.existing?.skuId));
  return skus.filter((s) => !kept.has(s.skuId));
}

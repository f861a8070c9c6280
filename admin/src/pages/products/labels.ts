import type { AdminCategoryView, LedgerReason, SpuStatus, StockReason } from '../../../../typings/admin-catalog';

/**
 * The catalog's labels and limits as the pages show them. They mirror typings/admin-catalog.ts, whose values the
 * page may not import (its schemas would bundle zod); the server checks the same limits again.
 */
export const STOCK_REASON_LABELS: Record<LedgerReason, string> = {
  inbound: '入库',
  stocktake: '盘点',
  loss: '损耗',
  initial: '初始库存',
};
export const STOCK_REASONS: readonly StockReason[] = ['inbound', 'stocktake', 'loss'];
export const REASON_THEMES: Record<LedgerReason, 'success' | 'primary' | 'warning' | 'default'> = {
  inbound: 'success',
  stocktake: 'primary',
  loss: 'warning',
  initial: 'default',
};

export const STATUS_LABELS: Record<SpuStatus, string> = { on_shelf: '在售', off_shelf: '已下架' };

export const MAX_CATEGORY_DEPTH = 2;
export const MAX_SPEC_DIMENSIONS = 3;
export const MAX_SPEC_VALUES = 20;
export const MAX_SKUS = 100;
export const MAX_MAIN_IMAGES = 9;
export const MAX_DETAIL_IMAGES = 20;
export const MAX_ATTRIBUTES = 30;
export const MAX_PRICE = 100_000_000;
export const MAX_STOCK = 1_000_000;
/** A SKU price moving by more than this share needs 二次验证 (the server asks; the editor warns beforehand). */
export const PRICE_CHANGE_VERIFY_SHARE = 0.3;

/** Every category as a select option, children under their parent ("服装 / T恤"). */
export function categoryOptions(tree: readonly AdminCategoryView[]): Array<{ value: string; label: string }> {
  return tree.flatMap((top) => [
    { value: top.id, label: top.hidden ? `${top.name}（隐藏）` : top.name },
    ...top.children.map((child) => ({ value: child.id, label: `${top.name} / ${child.name}${child.hidden ? '（隐藏）' : ''}` })),
  ]);
}

/** How a SKU reads: its spec values in the product's dimension order ("红/M"), or 默认 without specs. */
export function skuLabel(specValues: Record<string, string>, specNames: readonly string[] = Object.keys(specValues)): string {
  const values = specNames.map((name) => specValues[name] ?? '?');
  return values.length ? values.join('/') : '默认';
}

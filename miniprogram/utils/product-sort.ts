import type { ListSort } from '../../typings/product';

/**
 * The sort tabs above a product list (综合 / 销量 / 价格 / 新品): `product.list`'s `sort` values, the price tab going
 * up on its first tap and turning over on each further one.
 */

export type SortTab = 'default' | 'sales' | 'price' | 'new';

export const SORT_TABS: ReadonlyArray<{ tab: SortTab; label: string }> = [
  { tab: 'default', label: '综合' },
  { tab: 'sales', label: '销量' },
  { tab: 'price', label: '价格' },
  { tab: 'new', label: '新品' },
];

/** The tab a sort belongs to. */
export function tabOf(sort: ListSort): SortTab {
  return sort === 'price_asc' || sort === 'price_desc' ? 'price' : sort;
}

/** The sort after a tap on `tab` while `current` applies. */
export function nextSort(current: ListSort, tab: SortTab): ListSort {
  if (tab !== 'price') return tab;
  return current === 'price_asc' ? 'price_desc' : 'price_asc';
}

/** Whether a query parameter is one of the sorts (links may carry one). */
export function isListSort(value: unknown): value is ListSort {
  return value === 'default' || value === 'sales' || value === 'price_asc' || value === 'price_desc' || value === 'new';
}

import type { HomeData, ListData, ListInput } from '../../typings/product';
import { call } from './call';

/** The home page in one call: banners, the category tree and the recommended products. */
export function fetchHome(): Promise<HomeData> {
  return call('product', 'home');
}

/** A page of on-shelf products (keyset paging: pass the previous page's `nextCursor` as `cursor`). */
export function fetchProducts(params: ListInput): Promise<ListData> {
  return call('product', 'list', params);
}

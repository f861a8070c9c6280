import type { FlashSaleView } from '../../typings/flashsale';
import type { HomeFlashSale } from '../../typings/product';
import { call } from './call';

/** Running and upcoming flash sales, starting soonest first. */
export function fetchFlashSales(): Promise<FlashSaleView[]> {
  return call('flashsale', 'list');
}

/** The sale to show first: a running one (sold out or not), else the next to start. */
export function featuredFlashSale<S extends Pick<HomeFlashSale, 'state'>>(sales: S[]): S | undefined {
  return (
    sales.find((s) => s.state === 'running') ??
    sales.find((s) => s.state === 'sold_out') ??
    sales.find((s) => s.state === 'upcoming')
  );
}

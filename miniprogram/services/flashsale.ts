import type { FlashSaleView } from '../../typings/flashsale';
import type { OrderView } from '../../typings/order';
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

/** One sale, whatever its state (ended ones included). */
export function fetchFlashSale(flashSaleId: string): Promise<FlashSaleView> {
  return call('flashsale', 'detail', { flashSaleId });
}

/**
 * Buys at the flash price: an unpaid order to pay on its page. The same `idempotencyKey` on a retry gives back the
 * same order (utils/idempotent-attempt.ts keeps it until the outcome is known).
 */
export function buyFlashSale(params: {
  flashSaleId: string;
  quantity: number;
  addressId: string;
  idempotencyKey: string;
}): Promise<OrderView> {
  return call('flashsale', 'buy', params);
}

import type { CartView } from '../../typings/cart';
import { call } from './call';

/** The shopper's cart; every route answers the whole cart, priced live. */
export function fetchCart(): Promise<CartView> {
  return call('cart', 'list');
}

/** Sets a line's quantity; `capped` when the stock allowed fewer than asked. */
export function setCartQuantity(skuId: string, quantity: number): Promise<CartView & { capped: boolean }> {
  return call('cart', 'update', { skuId, quantity });
}

export function removeFromCart(skuIds: string[]): Promise<CartView> {
  return call('cart', 'remove', { skuIds });
}

export function selectCartLines(skuIds: string[], selected: boolean): Promise<CartView> {
  return call('cart', 'select', { skuIds, selected });
}

export function selectWholeCart(selected: boolean): Promise<CartView> {
  return call('cart', 'select', { all: true, selected });
}

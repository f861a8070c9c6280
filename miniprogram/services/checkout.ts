import type { OrderView, Preview } from '../../typings/order';
import { CHECKOUT_ATTEMPT, IdempotentAttempt, type KeyStore } from '../utils/idempotent-attempt';
import { call } from './call';
import { fetchCart } from './cart';

const wxKeyStore: KeyStore = {
  get: (slot) => wx.getStorageSync<unknown>(slot),
  set: (slot, value) => wx.setStorageSync(slot, value),
  remove: (slot) => wx.removeStorageSync(slot),
};

/** The idempotency key of `order.create` (utils/idempotent-attempt.ts), kept in the phone's storage. */
export function checkoutAttempt(): IdempotentAttempt {
  return new IdempotentAttempt(wxKeyStore, CHECKOUT_ATTEMPT);
}

/** A line to check out: a SKU and how many. */
export interface CheckoutLine {
  skuId: string;
  quantity: number;
}

/** The cart's selected lines that can be bought (state `ok`), in the cart's order: a checkout `from=cart`. */
export async function selectedCartLines(): Promise<CheckoutLine[]> {
  const cart = await fetchCart();
  return cart.lines.filter((l) => l.selected && l.state === 'ok').map((l) => ({ skuId: l.skuId, quantity: l.quantity }));
}

export interface CheckoutChoices {
  addressId?: string;
  /** A coupon id, `null` for none, absent for the best one. */
  couponId?: string | null;
  usePoints?: number;
}

/** Prices the lines for the shopper exactly as `create` will charge them, with the coupon picker and points. */
export function previewCheckout(lines: CheckoutLine[], choices: CheckoutChoices): Promise<Preview> {
  return call('order', 'preview', { lines, ...choices });
}

export interface OrderRequest {
  lines: CheckoutLine[];
  addressId: string;
  couponId: string | null;
  usePoints: number;
  remark: string;
  idempotencyKey: string;
}

/** Places the order; the same idempotency key answers the same order. */
export function placeOrder(request: OrderRequest): Promise<OrderView> {
  const { remark, ...rest } = request;
  return call('order', 'create', { ...rest, ...(remark ? { remark } : {}) });
}

import { z } from 'zod';
import { Id, Quantity } from './common.js';

/**
 * The `cart` function: the signed-in shopper's cart, one line per SKU, priced live from the catalog (a cart never
 * stores a price). Every route answers with the whole cart (`CartView`); `add` and `update` add `capped: true` when the
 * quantity asked for was reduced to the stock.
 */
export const CartRoutes = {
  list: 'list',
  add: 'add',
  update: 'update',
  remove: 'remove',
  select: 'select',
} as const;

/** A cart holds at most this many lines (distinct SKUs). */
export const MAX_CART_LINES = 100;

/** `list`: the cart, newest line first; `totals` count only the selected lines in state `ok`. */
export const CartListInput = z.object({}).strict();
export type CartListInput = z.infer<typeof CartListInput>;

/**
 * `add`: adds to the line of this SKU if there is one, else creates it; either way the line is selected and its
 * quantity capped at the SKU's stock. An unknown SKU or a product off the shelf answers NOT_FOUND, a SKU with no stock
 * OUT_OF_STOCK, a new line in a cart that already holds `MAX_CART_LINES` lines CONFLICT. Concurrent adds never lose an
 * increment (atomic updates, no read-modify-write).
 */
export const CartAddInput = z.object({ skuId: Id, quantity: Quantity }).strict();
export type CartAddInput = z.infer<typeof CartAddInput>;

/** `update`: sets a line's quantity (capped at stock; NOT_FOUND if not in the cart); to take a line out, `remove`. */
export const CartUpdateInput = z.object({ skuId: Id, quantity: Quantity }).strict();
export type CartUpdateInput = z.infer<typeof CartUpdateInput>;

const SkuIds = z.array(Id).min(1).max(MAX_CART_LINES);

/** `remove`: takes these lines out; NOT_FOUND when none of them is in the cart. */
export const CartRemoveInput = z.object({ skuIds: SkuIds }).strict();
export type CartRemoveInput = z.infer<typeof CartRemoveInput>;

/** `select`: selects or unselects the lines of `skuIds`, or every line with `all: true`. */
export const CartSelectInput = z.union([
  z.object({ skuIds: SkuIds, selected: z.boolean() }).strict(),
  z.object({ all: z.literal(true), selected: z.boolean() }).strict(),
]);
export type CartSelectInput = z.infer<typeof CartSelectInput>;

/**
 * `ok`: can be checked out; `low_stock`: fewer in stock than the line asks for (quantity > stock > 0);
 * `sold_out`: stock 0; `off_shelf`: the product was taken off the shelf; `removed`: the SKU no longer exists.
 */
export const CartLineState = z.enum(['ok', 'low_stock', 'sold_out', 'off_shelf', 'removed']);
export type CartLineState = z.infer<typeof CartLineState>;

export interface CartLine {
  skuId: string;
  /** Empty when the SKU was removed, like the other catalog fields below. */
  spuId: string;
  title: string;
  image: string;
  specValues: Record<string, string>;
  /** Current unit price in fen, read from the SKU on every call (never a price stored in the cart). */
  price: number;
  originalPrice: number;
  quantity: number;
  stock: number;
  selected: boolean;
  state: CartLineState;
  /** price × quantity in fen. */
  subtotal: number;
}

export interface CartTotals {
  /** Sum of the subtotals of the selected lines in state `ok`, in fen. */
  amount: number;
  /** Items (sum of quantities) in those lines. */
  quantity: number;
  /** Number of those lines. */
  lines: number;
}

export interface CartView {
  /** Newest first. */
  lines: CartLine[];
  totals: CartTotals;
  /** Number of lines in the cart, whatever their state (the tab bar badge). */
  count: number;
  /** Every line in state `ok` is selected (and there is at least one). */
  allSelected: boolean;
}

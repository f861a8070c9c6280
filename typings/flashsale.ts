import { z } from 'zod';
import { Id } from './common.js';

/**
 * The `flashsale` function (秒杀): sales with a time window, a special price, units of their own and a per-user limit.
 * A sale's units are taken out of its SKU's stock when it is scheduled, so they never exist twice (the stock rule,
 * docs/architecture.md): the sale sells them even when the SKU itself is sold out, and what it has not sold goes back
 * to the SKU when it ends or is cancelled. A sale's units are given back to it, and to the shopper's quota, when its
 * order is cancelled, times out or is refunded; once the sale has ended, to the SKU instead.
 */
export const FlashSaleRoutes = {
  list: 'list',
  detail: 'detail',
  buy: 'buy',
} as const;

/** Chosen by the client once per attempt: retrying the same buy gives the same order. */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/);

/** `list`: running and upcoming sales, starting soonest first, with `remaining` and what the caller `bought`. */
export const FlashSaleListInput = z.object({}).strict();
export type FlashSaleListInput = z.infer<typeof FlashSaleListInput>;

/** `detail`: one sale, as in `list`. */
export const FlashSaleIdInput = z.object({ flashSaleId: Id }).strict();
export type FlashSaleIdInput = z.infer<typeof FlashSaleIdInput>;

/**
 * `buy`: an ordinary unpaid order at the flash price (the difference to the SKU's price shows as a `promotion`
 * discount; no coupon, member discount or points; the usual freight rule). No transaction: the caller's quota is taken
 * first, then the units by one conditional decrement of the sale's `remaining`, then the order is written; a step that
 * fails gives back what the earlier ones took. So a sale never sells more than its stock, nor a shopper more than
 * `perUser`, under any rush, and losers fail fast: OUT_OF_STOCK 已抢光 (after a single read once this instance saw the
 * sale sold out). INVALID_STATE before the start, after the end, or past the per-user limit. The same
 * `idempotencyKey` gives back the same order; with other parameters it answers CONFLICT and takes nothing.
 */
export const FlashSaleBuyInput = z
  .object({
    flashSaleId: Id,
    quantity: z.number().int().min(1).max(99),
    addressId: Id,
    idempotencyKey: IdempotencyKey,
    remark: z.string().max(200).optional(),
  })
  .strict();
export type FlashSaleBuyInput = z.infer<typeof FlashSaleBuyInput>;

/** `upcoming` before `startAt`, `running` in the window with units left, `sold_out`, `ended` after `endAt`. */
export type FlashSaleState = 'upcoming' | 'running' | 'sold_out' | 'ended';

export interface FlashSaleView {
  flashSaleId: string;
  title: string;
  image: string;
  spuId: string;
  skuId: string;
  specValues: Record<string, string>;
  /** The flash price and the SKU's normal price, fen. */
  price: number;
  normalPrice: number;
  /** Units the sale took from the SKU's stock when it was scheduled, and those it has left. */
  stock: number;
  remaining: number;
  perUser: number;
  startAt: string;
  endAt: string;
  state: FlashSaleState;
  /** Units the caller holds in this sale (unpaid and paid orders; cancelled ones are given back). */
  bought: number;
}

import { z } from 'zod';
import { Id } from './common.js';
import type { OrderView } from './order.js';

/** The `flashsale` function (秒杀): sales with a time window, a special price, their own stock and a per-user limit. */
export const FlashSaleRoutes = {
  list: 'list',
  detail: 'detail',
  buy: 'buy',
} as const;

/** Chosen by the client once per attempt: retrying the same buy gives the same order. */
export const IdempotencyKey = z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const FlashSaleListInput = z.object({}).strict();
export type FlashSaleListInput = z.infer<typeof FlashSaleListInput>;

export const FlashSaleIdInput = z.object({ flashSaleId: Id }).strict();
export type FlashSaleIdInput = z.infer<typeof FlashSaleIdInput>;

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
  /** Units the sale started with, and left. */
  stock: number;
  remaining: number;
  perUser: number;
  startAt: string;
  endAt: string;
  state: FlashSaleState;
  /** Units the caller holds in this sale (unpaid and paid orders; cancelled ones are given back). */
  bought: number;
}

/** `buy` answers an ordinary unpaid order (pay it with `pay.create`). */
export type FlashSaleOrder = OrderView;

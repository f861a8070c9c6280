import { z } from 'zod';
import { Cursor, Id, PageSize, Quantity, type Page } from './common.js';

/** The `order` function: checkout and the shopper's orders. */
export const OrderRoutes = {
  preview: 'preview',
  create: 'create',
  list: 'list',
  detail: 'detail',
  cancel: 'cancel',
} as const;

export const MAX_ORDER_LINES = 50;

const Lines = z
  .array(z.object({ skuId: Id, quantity: Quantity }).strict())
  .min(1)
  .max(MAX_ORDER_LINES)
  .refine((lines) => new Set(lines.map((l) => l.skuId)).size === lines.length, '同一商品规格只能出现一次');

export const PreviewInput = z.object({ lines: Lines, addressId: Id.optional() }).strict();
export type PreviewInput = z.infer<typeof PreviewInput>;

export const CreateInput = z
  .object({
    lines: Lines,
    addressId: Id,
    /** Chosen by the client once per checkout: retrying the same create gives the same order. */
    idempotencyKey: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
    remark: z.string().max(200).optional(),
  })
  .strict();
export type CreateInput = z.infer<typeof CreateInput>;

export const OrderStatusFilter = z.enum(['all', 'pending_payment', 'paid', 'shipped', 'completed', 'cancelled', 'refunding', 'refunded']);
export const ListInput = z.object({ status: OrderStatusFilter.default('all'), cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type ListInput = z.input<typeof ListInput>;

export const OrderIdInput = z.object({ orderId: Id }).strict();
export type OrderIdInput = z.infer<typeof OrderIdInput>;

export interface PricedLine {
  skuId: string;
  spuId: string;
  title: string;
  image: string;
  specValues: Record<string, string>;
  unitPrice: number;
  quantity: number;
  subtotal: number;
  payable: number;
}

export interface Amounts {
  subtotal: number;
  discountTotal: number;
  freight: number;
  payable: number;
}

export interface Preview {
  lines: PricedLine[];
  amounts: Amounts;
  /** Lines that cannot be bought as asked, with the reason (shown at checkout). */
  problems: Array<{ skuId: string; code: 'OUT_OF_STOCK' | 'NOT_FOUND'; message: string; stock?: number }>;
}

export interface OrderView {
  orderId: string;
  status: string;
  statusLabel: string;
  lines: PricedLine[];
  amounts: Amounts;
  address: { name: string; phone: string; region: string; detail: string };
  remark: string;
  createdAt: string;
  /** While pending payment: when it is cancelled automatically. */
  expiresAt?: string;
}

export type OrderPage = Page<OrderView>;

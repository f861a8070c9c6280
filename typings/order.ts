import { z } from 'zod';
import { Cursor, Id, PageSize, Quantity, type Page } from './common.js';
import type { CartCoupon } from './coupon.js';

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

/** A coupon of the caller's to apply; `null`: none; absent: the one saving the most (preview and create alike). */
export const CouponChoice = Id.nullable().optional();
/** Points to spend: refused beyond the balance, capped by the shop's redeem rules (the preview shows the most usable). */
export const UsePoints = z.number().int().min(0).max(100_000_000).optional();

export const PreviewInput = z.object({ lines: Lines, addressId: Id.optional(), couponId: CouponChoice, usePoints: UsePoints }).strict();
export type PreviewInput = z.infer<typeof PreviewInput>;

export const CreateInput = z
  .object({
    lines: Lines,
    addressId: Id,
    /** Same meaning as in `preview`: the same input prices the same. */
    couponId: CouponChoice,
    usePoints: UsePoints,
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
  /** This line's share of each discount (partial refunds give back exactly a line's payable). */
  discounts?: DiscountAmounts;
  payable: number;
}

/** Each discount kind in fen, applied in this order (cloudfunctions/shared/pricing.ts). */
export interface DiscountAmounts {
  /** Flash-sale and group-buy prices below the list price. */
  promotion: number;
  /** The member level's discount. */
  member: number;
  coupon: number;
  points: number;
}

/** The coupon an order or preview applies. */
export interface AppliedCoupon {
  couponId: string;
  templateId: string;
  name: string;
  /** e.g. 满99减10. */
  summary: string;
  scopeText: string;
  /** What it takes off, in fen (= discounts.coupon). */
  discount: number;
}

/** The shopper's member level when priced; its discount is `discounts.member`. */
export interface MemberPricing {
  levelIndex: number;
  levelName: string;
  /** What the level pays of the goods, in basis points: 9500 = 95 % (5 % off). */
  discountBp: number;
}

/**
 * `subtotal` is the goods at list price; `payable` = subtotal − discountTotal + freight. The breakdown fields are
 * present on everything priced since coupons and points (absent on older orders).
 */
export interface Amounts {
  subtotal: number;
  discountTotal: number;
  freight: number;
  payable: number;
  /** By kind; they sum to `discountTotal`. */
  discounts?: DiscountAmounts;
  member?: MemberPricing;
  coupon?: AppliedCoupon | null;
  /** Points spent; what they took off is `discounts.points`. */
  pointsUsed?: number;
}

export interface Preview {
  lines: PricedLine[];
  amounts: Amounts;
  /** Lines that cannot be bought as asked, with the reason (shown at checkout). */
  problems: Array<{ skuId: string; code: 'OUT_OF_STOCK' | 'NOT_FOUND'; message: string; stock?: number }>;
  /** The caller's usable coupons with what each takes off this cart, best first (the coupon picker). */
  coupons?: CartCoupon[];
  /** The first of `coupons` when it applies: what `couponId` absent chooses. */
  bestCouponId?: string;
  /** The caller's points: balance, the most usable on this cart (and their value), and the rate. */
  points?: { balance: number; maxUsable: number; maxValue: number; pointsPerYuan: number };
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

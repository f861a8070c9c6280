import { z } from 'zod';
import { Cursor, Id, PageSize, Quantity, type Page } from './common.js';
import type { CartCoupon } from './coupon.js';

/**
 * The `order` function: checkout and the shopper's orders. Every route works only on the caller's own orders: another
 * shopper's order answers NOT_FOUND, exactly like one that does not exist. The after-sale routes (`confirmReceipt`,
 * `refund`) are in order-after-sale.ts.
 */
export const OrderRoutes = {
  preview: 'preview',
  create: 'create',
  list: 'list',
  /** One of the caller's orders (`OrderIdInput`), answered as an `OrderView`. */
  detail: 'detail',
  /**
   * Cancels one of the caller's unpaid orders (`OrderIdInput`): it becomes `cancelled` and, in the same transaction,
   * gives back its stock, its coupon and the points it spent. Once paying has started, the WeChat Pay trade is closed
   * first so it can no longer be paid: if WeChat Pay says it is paid already, the payment is recorded exactly as its
   * notification would record it and the cancel is refused (INVALID_STATE 订单已支付); if WeChat Pay does not answer,
   * CONFLICT (try again). A trade that is unpaid but cannot be closed does not block the cancel: a payment that still
   * arrives afterwards is refunded in full automatically. An order in any other status answers INVALID_STATE.
   */
  cancel: 'cancel',
} as const;

export const MAX_ORDER_LINES = 50;

/** 1 to `MAX_ORDER_LINES` lines, each SKU at most once, quantities 1–999. */
const Lines = z
  .array(z.object({ skuId: Id, quantity: Quantity }).strict())
  .min(1)
  .max(MAX_ORDER_LINES)
  .refine((lines) => new Set(lines.map((l) => l.skuId)).size === lines.length, '同一商品规格只能出现一次');

/** A coupon of the caller's to apply; `null`: none; absent: the one saving the most (preview and create alike). */
export const CouponChoice = Id.nullable().optional();
/** Points to spend: refused beyond the balance, capped by the shop's redeem rules (the preview shows the most usable). */
export const UsePoints = z.number().int().min(0).max(100_000_000).optional();

/**
 * `preview`: the checkout page. Prices `lines` for the caller from the database, exactly as `create` will charge them
 * (the same input prices the same), in this order: goods at the SKUs' prices, promotion prices, the member level's
 * discount, the coupon over its eligible lines, points, then freight (¥8, free from ¥99 of goods at their selling
 * prices). Each discount is shared across the lines so that the shares sum exactly (`lines[].discounts`). Lines that
 * cannot be bought as asked (unknown, off the shelf, short of stock) are listed in `problems` instead of refusing the
 * call, and priced without them. The answer also carries the coupon picker (`coupons`, `bestCouponId`) and the
 * caller's `points`. A chosen coupon that is not the caller's answers NOT_FOUND, one that does not apply
 * INVALID_STATE; points beyond the balance INVALID_STATE, points beyond the shop's cap are reduced to it.
 * `addressId` is optional here.
 */
export const PreviewInput = z
  .object({ lines: Lines, addressId: Id.optional(), couponId: CouponChoice, usePoints: UsePoints })
  .strict();
export type PreviewInput = z.infer<typeof PreviewInput>;

/**
 * `create`: places the order, at the price `preview` shows for the same input.
 *
 * - A fast path refuses unknown SKUs (NOT_FOUND) and short stock (OUT_OF_STOCK) after two parallel reads, without
 *   taking anything; an instance that saw a SKU sold out a moment ago refuses it after one read.
 * - Each line's units are then held by one conditional write on its SKU (never a transaction, so a rush on one SKU
 *   queues instead of conflicting), at the price of that first read: a price changed since refuses with CONFLICT
 *   (商品信息已变化，请重新确认订单), and too few left refuses with OUT_OF_STOCK and how many are left. The order always
 *   shows the price it holds, and stock never goes negative.
 * - The order is priced from that read of the SKUs and products with the shopper's level, coupon and points (a coupon
 *   that does not apply or points beyond the balance refuse), then written (lines, breakdown, encrypted address
 *   snapshot); with a coupon or points, in one transaction that also locks the coupon to the order and spends the
 *   points, so they are never held without their order. Any refusal gives the held units back; units held by an
 *   attempt that never finished go back within minutes (the jobs timer).
 * - `idempotencyKey`: a retry with the same key gets the same order back, even when two attempts race; the same key
 *   with other parameters (another order) answers CONFLICT 该请求编号已用于另一笔订单 and takes nothing.
 *
 * The new order is `pending_payment` until paid (`pay.create`); unpaid, it is cancelled automatically after
 * `ORDER_PAYMENT_MINUTES` (30 by default; `expiresAt` in the answer).
 */
export const CreateInput = z
  .object({
    lines: Lines,
    addressId: Id,
    /** Same meaning as in `preview`: the same input prices the same. */
    couponId: CouponChoice,
    usePoints: UsePoints,
    /** Chosen by the client once per checkout: retrying the same create gives the same order. */
    idempotencyKey: z
      .string()
      .min(8)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/),
    remark: z.string().max(200).optional(),
  })
  .strict();
export type CreateInput = z.infer<typeof CreateInput>;

/** Every status an order can be in (the order lifecycle's states, in the order an order usually meets them). */
export const ORDER_STATUSES = [
  'pending_payment',
  'paid',
  'shipped',
  'completed',
  'cancelled',
  'refunding',
  'refund_approved',
  'refunded',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The shopper's list filter: every status but `refund_approved`, which the shopper sees under `all`. */
export const OrderStatusFilter = z.enum(['all', ...ORDER_STATUSES]).exclude(['refund_approved']);
/**
 * `list`: the caller's orders, newest first, all or those in one status, a page at a time (pass the previous page's
 * `nextCursor` as `cursor`). Orders whose refund was approved and is under way (`refund_approved`) appear under `all`.
 */
export const ListInput = z
  .object({ status: OrderStatusFilter.default('all'), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
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

/** Each discount kind in fen, applied in this order (`priceCheckout` in cloudfunctions/shared/rules/pricing.ts). */
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
  status: OrderStatus;
  statusLabel: string;
  lines: PricedLine[];
  amounts: Amounts;
  address: { name: string; phone: string; region: string; detail: string };
  remark: string;
  createdAt: string;
  /** While pending payment: when it is cancelled automatically. */
  expiresAt?: string;
  /** The order's latest after-sale case (`afterSales.detail`), once the shopper asked for one. */
  afterSaleId?: string;
  /** What after-sale cases paid back so far: fen in all, and units per line (same positions as `lines`). */
  refunded?: { fee: number; units: number[] };
  /** Once the merchant shipped it: the carrier and the tracking number, and when (ISO 8601). */
  shipping?: { carrier: string; trackingNo: string };
  shippedAt?: string;
}

export type OrderPage = Page<OrderView>;

import { z } from 'zod';
import { AFTER_SALE_STATUS_LABELS, AFTER_SALE_STATUSES, type AfterSaleStatus } from './labels.js';
import { Carrier, Cursor, Id, PageSize, TrackingNo } from './common.js';

/**
 * The `order` function's after-sale routes (售后). A shopper confirms receipt, asks for a refund of some or all units
 * (仅退款 refund only, or 退货退款 return and refund), withdraws the request, and enters the return parcel's tracking
 * number; the merchant decides in the `admin` function (`refunds.approve` / `refunds.reject` / `refunds.receive`).
 * The case's lifecycle is one table (cloudfunctions/shared/rules/after-sale-transitions.ts).
 */
export const OrderAfterSaleRoutes = {
  confirmReceipt: 'confirmReceipt',
  refund: 'refund',
  refundWithdraw: 'refund.withdraw',
  refundReturn: 'refund.return',
  afterSaleList: 'afterSales.list',
  afterSaleDetail: 'afterSales.detail',
} as const;

/** `confirmReceipt`: the shopper says a shipped order arrived; it becomes `completed` (earning points and growth). */
export const ConfirmReceiptInput = z.object({ orderId: Id }).strict();
export type ConfirmReceiptInput = z.infer<typeof ConfirmReceiptInput>;

export const MAX_REFUND_REASON = 200;
export const MAX_REFUND_PHOTOS = 9;

export const AFTER_SALE_KINDS = ['refund_only', 'return_refund'] as const;
export type AfterSaleKind = (typeof AFTER_SALE_KINDS)[number];
export const AFTER_SALE_KIND_LABELS: Record<AfterSaleKind, string> = { refund_only: '仅退款', return_refund: '退货退款' };

/** A case's statuses and their labels: typings/labels.ts (plain values the admin page imports). */
export { AFTER_SALE_STATUS_LABELS, AFTER_SALE_STATUSES, type AfterSaleStatus };

/** A photo uploaded by the mini-program to cloud storage (`wx.cloud.uploadFile`), named by its file ID. */
export const CloudFileId = z
  .string()
  .max(512)
  .regex(/^cloud:\/\/[\w.-]+\/\S+$/, '图片须为云存储文件');

/** One order line to refund: its position in the order's `lines` and how many of its units. */
export const RefundLineInput = z
  .object({ index: z.number().int().min(0).max(49), quantity: z.number().int().min(1).max(999) })
  .strict();

/**
 * `refund`: opens an after-sale case for one of the caller's orders. `lines` names the units (each line at most once,
 * at most what is left of it); absent: every unit not refunded yet. `kind` `return_refund` needs a shipped or
 * completed order. A `paid` or `shipped` order can ask at any time; a `completed` one within the refund window after
 * completion (`referral.refundWindowDays`, 7 days by default). One case at a time per order: the order becomes
 * `refunding` and remembers the status it left (`refundRequestedFrom`), where a rejected, withdrawn or partial case
 * puts it back. The refund is exactly the named units' share of what was paid (`lines[].payable`), freight included
 * only when the whole order is refunded before shipping. Answers the `AfterSaleView`.
 */
export const RequestRefundInput = z
  .object({
    orderId: Id,
    kind: z.enum(AFTER_SALE_KINDS).default('refund_only'),
    lines: z
      .array(RefundLineInput)
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((l) => l.index)).size === lines.length, '同一商品行只能出现一次')
      .optional(),
    /** Shown to the merchant; surrounding spaces are dropped, so a blank reason is refused. */
    reason: z.string().trim().min(1).max(MAX_REFUND_REASON),
    photos: z.array(CloudFileId).max(MAX_REFUND_PHOTOS).default([]),
  })
  .strict();
export type RequestRefundInput = z.input<typeof RequestRefundInput>;

/** `refund.withdraw`: the shopper withdraws the order's open case (before the money is on its way back). */
export const WithdrawRefundInput = z.object({ orderId: Id }).strict();
export type WithdrawRefundInput = z.infer<typeof WithdrawRefundInput>;

/** `refund.return`: the shopper sent the goods of an approved return back, with this carrier and tracking number. */
export const ReturnShipmentInput = z
  .object({
    orderId: Id,
    carrier: Carrier,
    trackingNo: TrackingNo,
  })
  .strict();
export type ReturnShipmentInput = z.infer<typeof ReturnShipmentInput>;

/** `afterSales.list`: the caller's cases, newest first, a page at a time. */
export const AfterSaleListInput = z.object({ cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type AfterSaleListInput = z.input<typeof AfterSaleListInput>;

/** `afterSales.detail`: one of the caller's cases. */
export const AfterSaleDetailInput = z.object({ caseId: Id }).strict();
export type AfterSaleDetailInput = z.infer<typeof AfterSaleDetailInput>;

export interface AfterSaleLineView {
  index: number;
  skuId: string;
  title: string;
  image: string;
  specValues: Record<string, string>;
  quantity: number;
  /** This line's refunded share, in fen. */
  refundFee: number;
}

export interface AfterSaleView {
  caseId: string;
  orderId: string;
  kind: AfterSaleKind;
  kindLabel: string;
  status: AfterSaleStatus;
  statusLabel: string;
  lines: AfterSaleLineView[];
  /** What this case refunds, in fen. */
  refundFee: number;
  reason: string;
  photos: string[];
  createdAt: string;
  rejectReason?: string;
  returnShipping?: { carrier: string; trackingNo: string; shippedAt: string };
  /** The merchant received the return: units back in stock, and units marked unsellable. */
  received?: { at: string; restocked: number; unsellable: number };
  refundedAt?: string;
  history: Array<{ event: string; label: string; from: AfterSaleStatus | null; to: AfterSaleStatus; actor: string; at: string }>;
}

import { z } from 'zod';
import { Carrier, Cursor, Id, PageSize, TrackingNo, type Page } from './common.js';
import type { WithdrawalView } from './member.js';
import { AFTER_SALE_STATUSES, RefundLineInput, type AfterSaleView } from './order-after-sale.js';
import { ORDER_STATUSES, type OrderView } from './order.js';
import type { AdminRole } from './admin-access.js';

/**
 * The `admin` function: the merchant's back office. Only an active merchant (a document in `admins` whose `_id` is the
 * caller's openid) gets past the gate; everyone else is answered FORBIDDEN whatever they send, before any validation,
 * so a shopper learns nothing, not even which routes exist. Each route then needs one permission, which the merchant's
 * role grants (the table is in cloudfunctions/admin/rbac.ts). Every change is recorded in `audit_logs` (`AuditLogDoc`)
 * in the same transaction as the change itself.
 */
export const AdminRoutes = {
  ordersList: 'orders.list',
  ordersDetail: 'orders.detail',
  ordersShip: 'orders.ship',
  refundsApprove: 'refunds.approve',
  refundsReject: 'refunds.reject',
  refundsReceive: 'refunds.receive',
  afterSalesList: 'afterSales.list',
  withdrawalsList: 'withdrawals.list',
  withdrawalsSettle: 'withdrawals.settle',
} as const;

export {
  ADMIN_PERMISSION_LABELS,
  ADMIN_PERMISSIONS,
  ADMIN_ROLE_LABELS,
  ADMIN_ROLES,
  type AdminPermission,
  type AdminRole,
  type AuditLogDoc,
  ROLE_PERMISSIONS,
} from './admin-access.js';

/**
 * A document in `admins`: a WeChat merchant (`_id` = openid) or a staff account of the web page (`_id` =
 * `staff:<username>`, with `username` and `password`). Anything but `active: true` and a known role is refused.
 */
export interface AdminDoc {
  _id: string;
  role: AdminRole;
  name: string;
  active: boolean;
  /** Bumped by every change made through `staff.*`, for optimistic concurrency. */
  version?: number;
  username?: string;
  /** scrypt: `scrypt$N$r$p$salt$hash` (base64), a salt per account. */
  password?: string;
  /** The TOTP secret, encrypted (field-crypto, bound to the account); `totpPending` until the first code confirms it. */
  totp?: string;
  totpPending?: string;
  /** The last TOTP time step accepted: a code is never accepted twice. */
  totpStep?: number;
  failedSignIns?: number;
  lockedUntil?: Date;
  lastSignInAt?: Date;
  /** WeChat merchants have no session: a second verification is kept here. */
  verifiedUntil?: Date;
}

/** Every order status, unlike the shopper's list (which never shows `refund_approved` on its own). */
export const AdminOrderStatusFilter = z.enum(['all', ...ORDER_STATUSES]);

/**
 * `orders.list` (permission `orders.read`): every shopper's orders, newest first, all or those in one status, a page
 * at a time (keyset cursor); addresses masked.
 */
export const AdminOrdersListInput = z
  .object({ status: AdminOrderStatusFilter.default('all'), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type AdminOrdersListInput = z.input<typeof AdminOrdersListInput>;

/**
/** An order by its number. */
export const AdminOrderIdInput = z.object({ orderId: Id }).strict();
export type AdminOrderIdInput = z.infer<typeof AdminOrderIdInput>;

/**
 * `orders.detail` (permission `orders.read`): one order with its history (`AdminOrderDetail`), phone and street
 * masked. `reveal: true` shows them in full: it needs `personal_data.read` (owner, operator) and a second verification
 * (二次验证), and writes an audit entry (`personal_data.read`).
 */
export const AdminOrderDetailInput = z.object({ orderId: Id, reveal: z.boolean().default(false) }).strict();
export type AdminOrderDetailInput = z.input<typeof AdminOrderDetailInput>;

/**
 * `orders.ship` (permission `orders.ship`): a paid order becomes `shipped` with its carrier and tracking number, then
 * the shopper gets the "order shipped" subscribe message (`TEMPLATE_ORDER_SHIPPED`; a message that cannot be sent is
 * logged, the order has shipped). A group-buy order ships only once its group succeeded. Both fields end up in that
 * message: the carrier as a 20-character keyword, the number as a 32-character one.
 */
export const ShipInput = z.object({ orderId: Id, carrier: Carrier, trackingNo: TrackingNo }).strict();
export type ShipInput = z.infer<typeof ShipInput>;

/**
 * `refunds.approve` (permission `refunds.decide`): approves the order's open after-sale case (售后). A refund-only
 * case becomes `refunding` and the order `refund_approved` (recorded first, so two approvals cannot both refund), then
 * WeChat Pay is asked to return the case's share under the refund number `<orderId>S<n>` (the case id). Its refund
 * callback to the `pay` function completes the case; the order becomes `refunded` once every unit is refunded, or goes
 * back to where it was. If WeChat Pay refuses or does not answer, the order stays approved with `refundError`, and the
 * jobs timer issues the same refund again later (same number, so never twice). A return-and-refund case becomes
 * `awaiting_return`: the shopper sends the goods back, the merchant confirms receipt (`refunds.receive`), and only
 * then is the money returned. Answers `RefundApproval`.
 */
export const ApproveRefundInput = z.object({ orderId: Id }).strict();
export type ApproveRefundInput = z.infer<typeof ApproveRefundInput>;

export const MAX_REJECT_REASON = 200;
/**
 * `refunds.reject` (permission `refunds.decide`): refuses the order's open after-sale case (requested, or a return
 * that came back not as described); the order returns to the status it was requested from (`paid`, `shipped` or
 * `completed`).
 */
export const RejectRefundInput = z
  .object({
    orderId: Id,
    /** Why the refund is refused; kept on the order for the shopper and the audit log. */
    reason: z.string().trim().min(1, '请填写拒绝原因').max(MAX_REJECT_REASON, `拒绝原因最多 ${MAX_REJECT_REASON} 个字`),
  })
  .strict();
export type RejectRefundInput = z.infer<typeof RejectRefundInput>;

/**
 * `refunds.receive` (permission `refunds.decide`): the merchant received the goods of the order's returning case.
 * The received units go back to stock, except those named `unsellable` (damaged, used); then the refund is issued
 * exactly as `refunds.approve` issues a refund-only case's. Answers `RefundApproval`.
 */
export const ReceiveReturnInput = z
  .object({
    orderId: Id,
    unsellable: z
      .array(RefundLineInput)
      .max(50)
      .refine((lines) => new Set(lines.map((l) => l.index)).size === lines.length, '同一商品行只能出现一次')
      .default([]),
  })
  .strict();
export type ReceiveReturnInput = z.input<typeof ReceiveReturnInput>;

/** `afterSales.list` (permission `orders.read`): after-sale cases, newest first, all or in one status. */
export const AdminAfterSaleListInput = z
  .object({ status: z.enum(['all', ...AFTER_SALE_STATUSES]).default('all'), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type AdminAfterSaleListInput = z.input<typeof AdminAfterSaleListInput>;

export type AdminAfterSalePage = Page<AfterSaleView & { openid: string }>;

/** The order as the merchant sees it. Dates are ISO 8601. */
export interface AdminOrderView extends OrderView {
  /** The shopper's openid. */
  openid: string;
  /** Phone and street masked, except in `orders.detail`. */
  address: OrderView['address'];
  paidAt?: string;
  payment?: { transactionId: string; totalFee: number };
  shippedAt?: string;
  shipping?: { carrier: string; trackingNo: string };
  completedAt?: string;
  cancelledAt?: string;
  /**
   * WeChat Pay took a payment of another amount than the order's: the order was cancelled and the payment refunded in
   * full (`refunded` once WeChat Pay confirmed it); worth a look (why did the amount differ?).
   */
  paymentMismatch?: { totalFee: number; transactionId: string; at: string; refunded: boolean };
  /** Present once the shopper asked for a refund: the last after-sale case, as the order records it. */
  refund?: {
    caseId?: string;
    requestedFrom?: string;
    reason?: string;
    requestedAt?: string;
    approvedAt?: string;
    /** WeChat Pay refused the approved refund, or ended it without paying back: its reason or refund status. */
    error?: string;
    rejectedAt?: string;
    rejectReason?: string;
    refundedAt?: string;
  };
}

/** `orders.detail`: the address in full, and the order's history. */
export interface AdminOrderDetail extends AdminOrderView {
  /** Whether `address` is in full (the caller may read personal data) or masked. */
  addressRevealed: boolean;
  /** Every after-sale case of the order, oldest first. */
  afterSales: AfterSaleView[];
  history: Array<{ event: string; from: string | null; to: string; actor: string; at: string }>;
}

export type AdminOrderPage = Page<AdminOrderView>;

/** `refunds.approve` and `refunds.receive`: the order, the case, and whether WeChat Pay accepted the refund (false too
 * for an approved return, whose refund waits for the goods). */
export interface RefundApproval {
  order: AdminOrderView;
  afterSale: AfterSaleView;
  refundIssued: boolean;
  /** WeChat Pay's refusal, also recorded on the order as `refundError`. */
  refundError?: string;
}

// ---- commission withdrawals (分销提现) -------------------------------------------------------------------------

/**
 * `withdrawals.list` (permission `withdrawals.manage`, the owner's): inviters' withdrawal requests in one status,
 * oldest first, a page at a time; `pending` is the queue the owner works through.
 */
export const AdminWithdrawalsListInput = z
  .object({ status: z.enum(['pending', 'paid', 'rejected']).default('pending'), cursor: Cursor.optional(), pageSize: PageSize })
  .strict();
export type AdminWithdrawalsListInput = z.input<typeof AdminWithdrawalsListInput>;

export const MAX_WITHDRAWAL_NOTE = 200;
/**
 * `withdrawals.settle` (permission `withdrawals.manage`, the owner's): the decision on a pending withdrawal. The
 * inviter's balances, the commission ledger entry and the audit entry land in one transaction. The same decision
 * again answers the request unchanged (no second entry); the other decision after one is INVALID_STATE.
 */
export const SettleWithdrawalInput = z
  .object({
    withdrawalId: Id,
    /** `paid`: the money was sent (withdrawing → withdrawn); `rejected`: it goes back to the inviter's available balance. */
    result: z.enum(['paid', 'rejected']),
    note: z.string().trim().max(MAX_WITHDRAWAL_NOTE, `备注最多 ${MAX_WITHDRAWAL_NOTE} 个字`).optional(),
  })
  .strict();
export type SettleWithdrawalInput = z.infer<typeof SettleWithdrawalInput>;

/** A withdrawal request as the merchant sees it. Dates are ISO 8601. */
export interface AdminWithdrawalView extends WithdrawalView {
  /** The inviter asking for the money. */
  openid: string;
  note?: string;
}

export type AdminWithdrawalPage = Page<AdminWithdrawalView>;

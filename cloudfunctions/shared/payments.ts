import { z } from 'zod';
import { cloud } from './db.js';
import type { OrderDoc } from './orders.js';

/**
 * WeChat Pay as the shop uses it (platform facts, "WeChat Pay through cloud functions"): the cloudPay calls, the
 * notifications the platform sends back to the `pay` function, and what an order records of its payment.
 */
export const PAY_FUNCTION = 'pay';

export function subMchId(): string {
  return process.env.PAY_SUB_MCH_ID || '1900000109';
}

export function envId(): string {
  return String(cloud.getWXContext().ENV || process.env.TCB_ENV || process.env.SCF_NAMESPACE || '');
}

/** Every cloudPay answer; business errors come back only as `resultCode: 'FAIL'` with `errCodeDes`. */
export interface CloudPayAnswer {
  returnCode?: string;
  returnMsg?: string;
  resultCode?: string;
  /** WeChat Pay's business error code (ORDERPAID, ORDERNOTEXIST, ...), in `errCodeDes`'s company. */
  errCode?: string | number;
  errCodeDes?: string;
}

/** WeChat Pay's trade states, as `queryOrder` reports them. */
export type TradeState = 'SUCCESS' | 'REFUND' | 'NOTPAY' | 'CLOSED' | 'REVOKED' | 'USERPAYING' | 'PAYERROR';

interface PayOrderRef {
  outTradeNo: string;
  subMchId: string;
}

interface CloudPay {
  unifiedOrder(params: {
    body: string;
    outTradeNo: string;
    spbillCreateIp: string;
    subMchId: string;
    totalFee: number;
    envId: string;
    functionName: string;
    attach?: string;
    subOpenid?: string;
  }): Promise<CloudPayAnswer & { payment?: Record<string, string> }>;
  refund(params: {
    outTradeNo: string;
    outRefundNo: string;
    totalFee: number;
    refundFee: number;
    subMchId: string;
    envId: string;
    functionName: string;
  }): Promise<CloudPayAnswer>;
  queryOrder(params: PayOrderRef): Promise<CloudPayAnswer & { tradeState?: TradeState; totalFee?: number; transactionId?: string; timeEnd?: string }>;
  closeOrder(params: PayOrderRef): Promise<CloudPayAnswer>;
  /** One refund by its number; the answer's indexed keys keep WeChat's `_0` suffix (wire reference section 6). */
  queryRefund(params: { outRefundNo: string; subMchId: string }): Promise<CloudPayAnswer & { refundStatus_0?: string; refundFee_0?: number; outRefundNo_0?: string }>;
}

/** wx-server-sdk's typings do not describe `cloudPay`; this is the part the shop calls. */
export function cloudPay(): CloudPay {
  return (cloud as unknown as { cloudPay: CloudPay }).cloudPay;
}

/** Why WeChat Pay refused the call, or undefined when it succeeded. */
export function payRefusal(answer: CloudPayAnswer): string | undefined {
  if (answer.returnCode === 'SUCCESS' && answer.resultCode === 'SUCCESS') return undefined;
  return answer.errCodeDes || answer.returnMsg || '微信支付暂时不可用';
}

/**
 * Whether a refusal says the thing asked about does not exist (ORDERNOTEXIST: "订单不存在", "此交易订单号不存在").
 * The SDK overwrites WeChat's `errCode` with 0, so the description is all that is left to tell it by.
 */
export function saysNotExist(answer: CloudPayAnswer): boolean {
  return answer.returnCode === 'SUCCESS' && answer.resultCode === 'FAIL' && /不存在/.test(answer.errCodeDes ?? '');
}

/** Trade states in which the shopper's money reached the merchant (REFUND: paid, then refunded in part or whole). */
export function isPaidState(state: TradeState | undefined): boolean {
  return state === 'SUCCESS' || state === 'REFUND';
}

/** WeChat Pay's refund statuses, as `queryRefund` reports them. */
export type RefundStatus = 'SUCCESS' | 'PROCESSING' | 'CHANGE' | 'REFUNDCLOSE';

/** The status of the one refund `queryRefund` was asked about by its number (WeChat's `refund_status_0`). */
export function refundStatusOf(answer: Awaited<ReturnType<CloudPay['queryRefund']>>): string | undefined {
  return answer.refundStatus_0;
}

/** The refund of a payment that arrived after the order was closed: one per order, so reissuing it is harmless. */
export function lateRefundNo(orderId: string): string {
  return `${orderId}R0`;
}

/** The refund the merchant approved for the whole order: one per order, so reissuing it is harmless. */
export function approvedRefundNo(orderId: string): string {
  return `${orderId}R1`;
}

/**
 * A part of the payment paid back while the order stays paid (a group-buy that closed at a cheaper tier refunds the
 * difference): one per order, so reissuing it is harmless. A group that fails is refunded in full instead (never both).
 */
export function priceRefundNo(orderId: string): string {
  return `${orderId}R2`;
}

/** What is left to refund of an order's payment once a price difference was paid back (WeChat Pay refuses more). */
export function refundableFee(order: Pick<OrderDoc, 'payment' | 'priceRefund'>): number {
  return (order.payment?.totalFee ?? 0) - (order.priceRefund?.refundFee ?? 0);
}

/**
 * Asks WeChat Pay to return money, answering the refusal or undefined. The refund number names the refund: issuing
 * the same number again (a retry after a timeout, the reconcile timer) is the same refund, never a second one.
 * The result arrives later as a refund notification to the `pay` function.
 */
export async function issueRefund(refund: { orderId: string; outRefundNo: string; totalFee: number; refundFee: number }): Promise<string | undefined> {
  const answer = await cloudPay().refund({
    outTradeNo: refund.orderId,
    outRefundNo: refund.outRefundNo,
    totalFee: refund.totalFee,
    refundFee: refund.refundFee,
    subMchId: subMchId(),
    envId: envId(),
    functionName: PAY_FUNCTION,
  });
  const refused = payRefusal(answer);
  if (refused) console.error(`refund ${refund.outRefundNo} of order ${refund.orderId} refused: ${refused}`);
  return refused;
}

// --- notifications ----------------------------------------------------------------------------------------------

export const PaymentNotification = z.object({
  returnCode: z.string().optional(),
  resultCode: z.string(),
  outTradeNo: z.string().min(1).max(32),
  transactionId: z.string().min(1).max(32).optional(),
  totalFee: z.number().int().positive(),
  timeEnd: z.string().max(14).optional(),
});
export type PaymentNotification = z.infer<typeof PaymentNotification>;

export const RefundNotification = z.object({
  returnCode: z.string().optional(),
  reqInfo: z.object({
    outTradeNo: z.string().min(1).max(32),
    outRefundNo: z.string().min(1).max(64),
    refundStatus: z.string(),
    refundFee: z.number().int().positive().optional(),
    refundId: z.string().optional(),
    successTime: z.string().optional(),
  }),
});
export type RefundNotification = z.infer<typeof RefundNotification>;

/**
 * Which notification an event looks like. Only the caller decides whether it came from the platform: a shopper can
 * send the same shape through `wx.cloud.callFunction`, but then the call carries their openid.
 */
export function notificationKind(event: Record<string, unknown>): 'payment' | 'refund' | undefined {
  if ('outTradeNo' in event && 'resultCode' in event && 'totalFee' in event) return 'payment';
  if (event.reqInfo !== null && typeof event.reqInfo === 'object') return 'refund';
  return undefined;
}

/** WeChat counts only `{errcode: 0}` as handled; anything else is delivered again for up to two days. */
export interface NotificationAnswer {
  errcode: number;
  errmsg: string;
}
export const acknowledge = (errmsg = 'OK'): NotificationAnswer => ({ errcode: 0, errmsg });
export const refuse = (errmsg: string): NotificationAnswer => ({ errcode: 1, errmsg });

// --- messages ------------------------------------------------------------------------------------------------------

/** Integer fen as shoppers read it: 12345 → "¥123.45". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** At most `max` characters (code points, as WeChat counts them), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** What the order is called in one line: its first item, and how many more. */
export function orderTitle(order: Pick<OrderDoc, 'lines'>): string {
  const first = order.lines[0]?.title ?? '商品';
  const count = order.lines.reduce((n, l) => n + l.quantity, 0);
  return order.lines.length > 1 ? `${first} 等${count}件商品` : first;
}

import { z } from 'zod';

/**
 * The notifications WeChat Pay sends the `pay` function (a payment, a refund), as zod schemas, and the answers that
 * acknowledge or refuse them (docs/wire-protocol.md, "cloudPay").
 */

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
    transactionId: z.string().max(32).optional(),
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

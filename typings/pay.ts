import { z } from 'zod';
import { Id } from './common.js';

/** The `pay` function: WeChat Pay for the shopper's orders. Notifications from the platform reach it without a route. */
export const PayRoutes = {
  create: 'create',
} as const;

export const CreatePaymentInput = z.object({ orderId: Id }).strict();
export type CreatePaymentInput = z.infer<typeof CreatePaymentInput>;

/** Exactly what the page hands to `wx.requestPayment`. */
export interface RequestPayment {
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'MD5' | 'HMAC-SHA256' | 'RSA';
  paySign: string;
}

export interface CreatedPayment {
  orderId: string;
  payment: RequestPayment;
}

import type { OrderDoc, PaymentRecord } from '../model/order.js';
import { cloud } from './cloud.js';

/**
 * WeChat Pay as the shop uses it: the cloudPay calls (docs/platform.md, "WeChat Pay (cloudPay)"; docs/wire-protocol.md,
 * "cloudPay"), how their answers are read, and the refund numbers an order's payment can be paid back under.
 */

/** A payment WeChat Pay confirmed, by notification or by `queryOrder`. */
export interface ConfirmedPayment extends PaymentRecord {
  orderId: string;
}

export type PayOrderState =
  /** The shopper paid: the payment as WeChat Pay reports it. */
  | { kind: 'paid'; payment: ConfirmedPayment }
  /** Nothing was paid, and nothing can be any more (closed, or never created on WeChat Pay). */
  | { kind: 'closed' }
  /** Not paid (yet): NOTPAY, USERPAYING, PAYERROR. */
  | { kind: 'unpaid'; tradeState: string }
  /** WeChat Pay did not answer usefully; ask again later. */
  | { kind: 'unknown'; reason: string };

/** The order's trade on WeChat Pay (`queryOrder`). */
export async function queryPayOrder(orderId: string): Promise<PayOrderState> {
  const answer = await cloudPay().queryOrder({ outTradeNo: orderId, subMchId: subMchId() });
  const refused = payRefusal(answer);
  if (refused) return saysNotExist(answer) ? { kind: 'closed' } : { kind: 'unknown', reason: refused };
  if (isPaidState(answer.tradeState)) {
    if (!answer.transactionId || !answer.totalFee)
      return { kind: 'unknown', reason: `paid trade without transactionId or totalFee (${answer.tradeState})` };
    return {
      kind: 'paid',
      payment: { orderId, transactionId: answer.transactionId, totalFee: answer.totalFee, timeEnd: answer.timeEnd ?? '' },
    };
  }
  if (answer.tradeState === 'CLOSED' || answer.tradeState === 'REVOKED') return { kind: 'closed' };
  return { kind: 'unpaid', tradeState: answer.tradeState ?? 'UNKNOWN' };
}

/**
 * Closes the order's trade on WeChat Pay so the shopper can no longer pay it, answering the trade's final state:
 * `closed` (also when it was already closed or never created), `paid` (the payment got there first: its notification
 * is late), or `unpaid`/`unknown` when it could not be closed now. WeChat's error code (ORDERPAID, ORDERCLOSED,
 * ORDERNOTEXIST) is lost in the SDK, so a refused close is followed by `queryOrder`, which says what is true.
 */
export async function closePayOrder(orderId: string): Promise<PayOrderState> {
  const answer = await cloudPay().closeOrder({ outTradeNo: orderId, subMchId: subMchId() });
  if (!payRefusal(answer)) return { kind: 'closed' };
  return queryPayOrder(orderId);
}

/** The function WeChat Pay notifies of payments and refunds (`functionName`). */
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
    /** When the shopper can no longer pay (yyyyMMddHHmmss, China time); fixed by the order number's first unified order. */
    timeExpire?: string;
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
  queryOrder(
    params: PayOrderRef,
  ): Promise<CloudPayAnswer & { tradeState?: TradeState; totalFee?: number; transactionId?: string; timeEnd?: string }>;
  closeOrder(params: PayOrderRef): Promise<CloudPayAnswer>;
  /** One refund by its number; the answer's indexed keys keep WeChat's `_0` suffix (docs/wire-protocol.md, "cloudPay"). */
  queryRefund(params: { outRefundNo: string; subMchId: string }): Promise<
    CloudPayAnswer & {
      refundStatus_0?: string;
      refundFee_0?: number;
      outRefundNo_0?: string;
      outTradeNo?: string;
      transactionId?: string;
    }
  >;
}

/** wx-server-sdk's typings do not describe `cloudPay`; this is the part the shop calls. */
export function cloudPay(): CloudPay {
  return (cloud as unknown as { cloudPay: CloudPay }).cloudPay;
}

/**
 * The shortest `timeExpire` the shop asks for, from when paying started: WeChat Pay refuses less than 1 minute (some
 * reports say 5), and a minute more covers the clocks' drift and the seconds the time format drops.
 */
export const MIN_PAY_WINDOW_MS = 6 * 60_000;

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

/** The status of the one refund `queryRefund` was asked about by its number (WeChat's `refund_status_0`). */
export function refundStatusOf(answer: Awaited<ReturnType<CloudPay['queryRefund']>>): string | undefined {
  return answer.refundStatus_0;
}

/** The refund of a payment that arrived after the order was closed: one per order, so reissuing it is harmless. */
export function lateRefundNo(orderId: string): string {
  return `${orderId}R0`;
}

/**
 * The refund of a payment of another amount than the order's (`paymentMismatch`): one per order, so reissuing it is
 * harmless, and it is told apart from a late payment's in WeChat Pay's records.
 */
export function mismatchRefundNo(orderId: string): string {
  return `${orderId}R3`;
}

/** The number under which a payment the order cannot keep goes back by itself (`lateRefundPending`). */
export function automaticRefundNo(order: Pick<OrderDoc, '_id' | 'paymentMismatch'>): string {
  return order.paymentMismatch ? mismatchRefundNo(order._id) : lateRefundNo(order._id);
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

/**
 * What is left to refund of an order's payment (WeChat Pay refuses more): after-sale refunds so far are out, and so is
 * a group-buy's price difference from the moment it is recorded, paid or still in flight, since it is retried until
 * paid.
 */
export function refundableFee(order: Pick<OrderDoc, 'payment' | 'priceRefund' | 'refunds'>): number {
  return (order.payment?.totalFee ?? 0) - (order.priceRefund?.refundFee ?? 0) - (order.refunds?.fee ?? 0);
}

/**
 * Asks WeChat Pay to return money, answering the refusal or undefined. The refund number names the refund: issuing
 * the same number again (a retry after a timeout, the reconcile timer) is the same refund, never a second one.
 * The result arrives later as a refund notification to the `pay` function.
 */
export async function issueRefund(refund: {
  orderId: string;
  outRefundNo: string;
  totalFee: number;
  refundFee: number;
}): Promise<string | undefined> {
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

/** What WeChat Pay says of news a notification brought: confirmed (as WeChat Pay reports it), or why not. */
export type Confirmation<T> = { kind: 'confirmed'; value: T } | { kind: 'unconfirmed'; reason: string };

/**
 * Asks WeChat Pay (`queryOrder`) whether the payment a notification reports happened: the order's trade paid (SUCCESS,
 * or REFUND once money went back), under the same transaction id, for the same amount. A notification proves nothing
 * by itself: the `pay` function can be invoked by anything that can call functions in the environment.
 */
export async function confirmPayment(reported: {
  orderId: string;
  transactionId: string;
  totalFee: number;
}): Promise<Confirmation<ConfirmedPayment>> {
  const trade = await queryPayOrder(reported.orderId);
  if (trade.kind === 'unknown') return { kind: 'unconfirmed', reason: `WeChat Pay did not answer: ${trade.reason}` };
  if (trade.kind === 'closed') return { kind: 'unconfirmed', reason: 'WeChat Pay reports the trade closed or unknown' };
  if (trade.kind === 'unpaid') return { kind: 'unconfirmed', reason: `WeChat Pay reports the trade ${trade.tradeState}` };
  const { payment } = trade;
  if (payment.transactionId !== reported.transactionId || payment.totalFee !== reported.totalFee) {
    return {
      kind: 'unconfirmed',
      reason: `WeChat Pay reports transaction ${payment.transactionId} of ${payment.totalFee} fen, not ${reported.transactionId} of ${reported.totalFee} fen`,
    };
  }
  return { kind: 'confirmed', value: payment };
}

/**
 * Asks WeChat Pay (`queryRefund`) whether the refund a notification reports is done: that refund number, of that
 * order, SUCCESS, and (when the notification says) of the same amount and transaction.
 */
export async function confirmRefund(reported: {
  orderId: string;
  outRefundNo: string;
  refundFee?: number;
  transactionId?: string;
}): Promise<Confirmation<{ refundFee: number }>> {
  const answer = await cloudPay().queryRefund({ outRefundNo: reported.outRefundNo, subMchId: subMchId() });
  const refused = payRefusal(answer);
  if (refused) return { kind: 'unconfirmed', reason: `WeChat Pay does not report the refund: ${refused}` };
  const status = refundStatusOf(answer);
  const refundFee = answer.refundFee_0;
  const unconfirmed = (what: string): Confirmation<{ refundFee: number }> => ({
    kind: 'unconfirmed',
    reason: `WeChat Pay reports ${what}`,
  });
  if (answer.outTradeNo !== reported.orderId) return unconfirmed(`the refund for order ${answer.outTradeNo ?? '?'}`);
  if (status !== 'SUCCESS') return unconfirmed(`the refund ${status ?? 'without a status'}`);
  if (refundFee === undefined || (reported.refundFee !== undefined && refundFee !== reported.refundFee))
    return unconfirmed(`a refund of ${refundFee ?? '?'} fen, not ${reported.refundFee} fen`);
  if (reported.transactionId !== undefined && answer.transactionId !== reported.transactionId)
    return unconfirmed(`transaction ${answer.transactionId ?? '?'}, not ${reported.transactionId}`);
  return { kind: 'confirmed', value: { refundFee } };
}

import { createHash, randomInt } from 'node:crypto';
import { randomHex } from '../random.js';
import { type PayTables, memoryState } from '../state.js';

/**
 * The WeChat Pay (v2) sandbox behind `cloud.cloudPay.*`: orders, refunds and the rules WeChat Pay applies to them.
 * Trades and refunds live in the emulator's state tables (state.ts), in the data's SQLite file, so an order made before
 * a restart can be paid and refunded after it; every change is written before the call answers. Requests and replies
 * are snake_case objects: the SDK turns the caller's camelCase into snake_case and the reply back (docs/wire-protocol.md,
 * on cloudPay). Malformed requests answer `return_code: 'FAIL'`; business errors answer `return_code: 'SUCCESS',
 * result_code: 'FAIL', err_code, err_code_des`.
 * Note the SDK overwrites `errCode` with 0 on the caller's side, so shop code only sees `resultCode: 'FAIL'` and `errCodeDes`.
 * Notification delivery and timers belong to service.ts; this file only says what happened.
 */
export type WxRequest = Record<string, unknown>;
export type WxReply = Record<string, unknown>;
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';
/** PROCESSING until WeChat Pay ends the refund: paid back (SUCCESS), or unpaid (CHANGE: the payer's account cannot take it; REFUNDCLOSE). */
export type RefundStatus = 'PROCESSING' | 'SUCCESS' | RefundFailure;
/** How a refund ends unpaid. */
export type RefundFailure = 'CHANGE' | 'REFUNDCLOSE';
export const REFUND_FAILURES = ['CHANGE', 'REFUNDCLOSE'] as const satisfies readonly RefundFailure[];
/** Who asked: the shop through cloudPay (`API`), or the merchant on WeChat Pay's merchant platform (`VENDOR_PLATFORM`). */
export type RequestSource = 'API' | 'VENDOR_PLATFORM';

/** One attempt at calling the shop's callback function with a notification. */
export interface DeliveryAttempt {
  kind: 'payment' | 'refund';
  /** 1 for the first call of a delivery, 2 for its first retry, ... */
  attempt: number;
  /** Which copy of the notification (0 = the original; >0 = duplicate fault or redelivery). */
  copy: number;
  at: string;
  outcome: 'acknowledged' | 'rejected' | 'failed' | 'refused' | 'no-runtime';
  result?: unknown;
  error?: string;
  invocationId?: string;
  /** When the attempt failed and another one is scheduled. */
  retryInMs?: number;
}

export interface PayOrder {
  outTradeNo: string;
  subMchId: string;
  appid: string;
  mchId: string;
  body: string;
  attach?: string;
  totalFee: number;
  spbillCreateIp: string;
  envId: string;
  functionName: string;
  tradeType: 'JSAPI';
  /** The payer, when known (unifiedOrder's sub_openid/openid, or the shopper given to the pay control call). */
  openid?: string;
  prepayId: string;
  /** `time_expire` as given (yyyyMMddHHmmss, Beijing time): after it the shopper can no longer pay. */
  timeExpire?: string;
  state: TradeState;
  createdAt: string;
  paidAt?: string;
  closedAt?: string;
  transactionId?: string;
  timeEnd?: string;
  /** Sum of the accepted refunds (processing or done). */
  refundedFee: number;
  /** Payments the shopper started but that failed or were cancelled (the order stays NOTPAY). */
  paymentFailures: number;
  /** The payment notification, fixed when paid so every redelivery is identical. */
  notification?: Record<string, unknown>;
  deliveries: DeliveryAttempt[];
}

export interface PayRefund {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  subMchId: string;
  totalFee: number;
  refundFee: number;
  functionName: string;
  requestSource: RequestSource;
  status: RefundStatus;
  createdAt: string;
  successTime?: string;
  notification?: Record<string, unknown>;
  deliveries: DeliveryAttempt[];
}

export interface SandboxOptions {
  envId: string;
  /** Service-provider appid and merchant id the replies carry (WeChat's documentation samples by default). */
  appid?: string;
  mchId?: string;
  /** The API key the sandbox signs with. */
  key?: string;
  clock?: () => number;
  /** When given, unifiedOrder/refund refuse a callback function that does not exist. */
  functionExists?: (name: string) => boolean;
  /** Called once per refund the sandbox accepts (not for idempotent repeats). */
  onRefundAccepted?: (refund: PayRefund) => void;
  /** Where trades and refunds are kept; a private in-memory database by default. */
  tables?: PayTables;
}

/** Read access by key, as a Map gives it; every read is a fresh copy of the stored record. */
export interface PayRecords<T> {
  get(key: string): T | undefined;
  values(): IterableIterator<T>;
}

/** A copy of a notification that failed and has another attempt scheduled. */
export interface PendingRetry {
  copy: number;
  /** The attempt to make next. */
  attempt: number;
  dueAt: number;
}

/** The retries a delivery log still owes: for each copy whose last attempt failed with a retry scheduled. */
export function pendingRetries(deliveries: DeliveryAttempt[]): PendingRetry[] {
  const last = new Map<number, DeliveryAttempt>();
  for (const d of deliveries) if ((last.get(d.copy)?.attempt ?? 0) < d.attempt) last.set(d.copy, d);
  return [...last.values()]
    .filter((d) => d.outcome !== 'acknowledged' && d.retryInMs !== undefined)
    .map((d) => ({ copy: d.copy, attempt: d.attempt + 1, dueAt: Date.parse(d.at) + d.retryInMs! }));
}

export const PAY_API_NAMES = ['unifiedOrder', 'queryOrder', 'closeOrder', 'refund', 'queryRefund'] as const;
export type PayApiName = (typeof PAY_API_NAMES)[number];

const MAX_REFUNDS_PER_ORDER = 50;
/** The shortest time from a unified order to its `time_expire`. */
const MIN_TIME_EXPIRE_MS = 5 * 60_000;

const TRADE_STATE_DESC: Record<TradeState, string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
  CLOSED: '已关闭',
};

/** A request WeChat Pay cannot even read: answered with `return_code: 'FAIL'`. */
class MalformedRequest extends Error {}

/** A refusal of a control call (pay, fail, a refund's outcome): carries WeChat's code for the reason. */
export class SandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 409,
  ) {
    super(message);
  }
}

export class PaySandbox {
  readonly orders: PayRecords<PayOrder>;
  readonly refunds: PayRecords<PayRefund>;
  readonly appid: string;
  readonly mchId: string;
  private readonly key: string;
  private readonly clock: () => number;
  private readonly tables: PayTables;

  constructor(private readonly options: SandboxOptions) {
    this.appid = options.appid ?? 'wxd678efh567hg6787';
    this.mchId = options.mchId ?? '1230000109';
    this.key = options.key ?? 'local-emulator-sandbox-key-00000';
    this.clock = options.clock ?? Date.now;
    const tables = (this.tables = options.tables ?? memoryState().pay);
    this.orders = { get: (no) => tables.order(no), values: () => tables.orders().values() };
    this.refunds = { get: (no) => tables.refund(no), values: () => tables.refunds().values() };
  }

  /** Orders with a notification waiting for a retry, and refunds still PROCESSING or waiting for one (after a restart). */
  unfinished(): { orders: PayOrder[]; refunds: PayRefund[] } {
    return { orders: this.tables.awaitingOrders(), refunds: this.tables.awaitingRefunds() };
  }

  /** Records one delivery attempt in the log of the order (payment) or refund it notified. */
  recordDelivery(kind: DeliveryAttempt['kind'], key: string, attempt: DeliveryAttempt): void {
    if (kind === 'payment') {
      const order = this.orders.get(key);
      if (!order) return;
      order.deliveries.push(attempt);
      this.saveOrder(order);
    } else {
      const refund = this.refunds.get(key);
      if (!refund) return;
      refund.deliveries.push(attempt);
      this.saveRefund(refund);
    }
  }

  private saveOrder(order: PayOrder): void {
    this.tables.saveOrder(order, pendingRetries(order.deliveries).length > 0);
  }

  private saveRefund(refund: PayRefund): void {
    this.tables.saveRefund(refund, refund.status === 'PROCESSING' || pendingRetries(refund.deliveries).length > 0);
  }

  /** The cloudPay APIs, by the `apiName` the SDK sends. */
  private readonly api: Record<PayApiName, (req: WxRequest, appid: string | undefined, source: RequestSource) => WxReply> = {
    unifiedOrder: (req, appid) => this.unifiedOrder(req, appid),
    queryOrder: (req) => this.queryOrder(req),
    closeOrder: (req) => this.closeOrder(req),
    refund: (req, _appid, source) => this.refund(req, source),
    queryRefund: (req) => this.queryRefund(req),
  };

  /** One API call: by the shop through cloudPay, or (`source: 'VENDOR_PLATFORM'`) by the merchant on the merchant platform. */
  call(apiName: PayApiName, req: unknown, appid?: string, source: RequestSource = 'API'): WxReply {
    try {
      if (req === null || typeof req !== 'object' || Array.isArray(req)) throw new MalformedRequest('请求数据必须是 JSON 对象');
      return this.api[apiName](req as WxRequest, appid, source);
    } catch (err) {
      if (err instanceof MalformedRequest) return { return_code: 'FAIL', return_msg: err.message };
      throw err;
    }
  }

  /** WeChat Pay's answer when it cannot serve a call (the `failingCalls` fault): nothing of the request is applied. */
  systemError(req: unknown): WxReply {
    const subMchId = (req as WxRequest | null)?.sub_mch_id;
    return this.fail(typeof subMchId === 'string' ? subMchId : undefined, 'SYSTEMERROR', '系统超时');
  }

  unifiedOrder(req: WxRequest, appid?: string): WxReply {
    const outTradeNo = text(req, 'out_trade_no', { max: 32, pattern: /^[0-9A-Za-z_-]+$/ });
    const body = text(req, 'body', { max: 128 });
    const totalFee = fee(req, 'total_fee');
    const spbillCreateIp = text(req, 'spbill_create_ip', { max: 64, pattern: /^[0-9A-Fa-f.:]+$/ });
    const subMchId = text(req, 'sub_mch_id', { max: 32 });
    const envId = this.envIdOf(req);
    const functionName = this.functionNameOf(req);
    const attach = optionalText(req, 'attach', 127);
    const openid = optionalText(req, 'sub_openid', 128) ?? optionalText(req, 'openid', 128);
    const tradeType = optionalText(req, 'trade_type', 16) ?? 'JSAPI';
    if (tradeType !== 'JSAPI') throw new MalformedRequest(`trade_type 仅支持 JSAPI，收到 ${tradeType}`);
    const timeExpire = optionalText(req, 'time_expire', 14);
    const expiresAt = timeExpire === undefined ? undefined : beijingTimeToMs(timeExpire);
    if (timeExpire !== undefined && expiresAt === undefined)
      throw new MalformedRequest(`time_expire 格式应为 yyyyMMddHHmmss，收到 ${timeExpire}`);

    const existing = this.orders.get(outTradeNo);
    if (existing) {
      if (existing.state === 'SUCCESS' || existing.state === 'REFUND')
        return this.fail(existing.subMchId, 'ORDERPAID', '该订单已支付');
      if (existing.state === 'CLOSED') return this.fail(existing.subMchId, 'ORDERCLOSED', '该订单已关闭');
      if (existing.totalFee !== totalFee || existing.subMchId !== subMchId)
        return this.fail(subMchId, 'OUT_TRADE_NO_USED', '商户订单号重复');
      // The end time belongs to the order number: set by the first unified order, never changed by a later one.
      if (timeExpire !== undefined && timeExpire !== existing.timeExpire)
        return this.fail(subMchId, 'INVALID_REQUEST', '订单失效时间不可修改');
      // WeChat hands back the same prepay_id for an identical, still unpaid order.
      return this.prepayReply(existing);
    }
    // Reported minimums differ (1 minute, or 5 for anything but card payments); the sandbox holds the stricter one.
    if (expiresAt !== undefined && expiresAt < this.clock() + MIN_TIME_EXPIRE_MS) {
      return this.fail(subMchId, 'INVALID_REQUEST', 'time_expire时间过短，刷卡至少1分钟，其他5分钟');
    }
    const order: PayOrder = {
      outTradeNo,
      subMchId,
      appid: appid || this.appid,
      mchId: this.mchId,
      body,
      attach,
      totalFee,
      spbillCreateIp,
      envId,
      functionName,
      tradeType: 'JSAPI',
      openid,
      prepayId: `wx${beijingTime(this.clock(), 'compact')}${randomHex(11)}`,
      timeExpire,
      state: 'NOTPAY',
      createdAt: new Date(this.clock()).toISOString(),
      refundedFee: 0,
      paymentFailures: 0,
      deliveries: [],
    };
    this.saveOrder(order);
    return this.prepayReply(order);
  }

  queryOrder(req: WxRequest): WxReply {
    const order = this.findOrder(req);
    if (!order) return this.fail(text(req, 'sub_mch_id'), 'ORDERNOTEXIST', '此交易订单号不存在');
    const reply: WxReply = {
      ...this.success(order.subMchId),
      out_trade_no: order.outTradeNo,
      trade_state: order.state,
      trade_state_desc: TRADE_STATE_DESC[order.state],
      total_fee: order.totalFee,
      fee_type: 'CNY',
      trade_type: order.tradeType,
      attach: order.attach,
    };
    if (order.transactionId) {
      Object.assign(reply, {
        transaction_id: order.transactionId,
        time_end: order.timeEnd,
        cash_fee: order.totalFee,
        cash_fee_type: 'CNY',
        bank_type: 'OTHERS',
        sub_openid: order.openid,
        is_subscribe: 'N',
      });
    }
    return this.signed(reply);
  }

  closeOrder(req: WxRequest): WxReply {
    const subMchId = text(req, 'sub_mch_id');
    const outTradeNo = text(req, 'out_trade_no', { max: 32 });
    const order = this.orders.get(outTradeNo);
    if (!order || order.subMchId !== subMchId) return this.fail(subMchId, 'ORDERNOTEXIST', '订单不存在');
    if (order.state === 'SUCCESS' || order.state === 'REFUND')
      return this.fail(subMchId, 'ORDERPAID', '订单已支付，不能发起关单');
    if (order.state === 'CLOSED') return this.fail(subMchId, 'ORDERCLOSED', '订单已关闭，无法重复关闭');
    order.state = 'CLOSED';
    order.closedAt = new Date(this.clock()).toISOString();
    this.saveOrder(order);
    return this.signed(this.success(subMchId));
  }

  refund(req: WxRequest, source: RequestSource = 'API'): WxReply {
    const subMchId = text(req, 'sub_mch_id');
    const outRefundNo = text(req, 'out_refund_no', { max: 64, pattern: /^[0-9A-Za-z_\-|*@]+$/ });
    const totalFee = fee(req, 'total_fee');
    const refundFee = fee(req, 'refund_fee');
    this.envIdOf(req);
    const functionName = this.functionNameOf(req);
    const order = this.findOrder(req);
    if (!order) return this.fail(subMchId, 'ORDERNOTEXIST', '订单不存在');
    if (order.state === 'NOTPAY' || order.state === 'CLOSED' || !order.transactionId) {
      return this.fail(subMchId, 'TRADE_STATE_ERROR', '订单未支付，不能退款');
    }
    const mismatch = () => this.fail(subMchId, 'INVALID_REQUEST', '订单金额或退款金额与之前请求不一致，请核实后再试');
    const previous = this.refunds.get(outRefundNo);
    if (previous) {
      // Same out_refund_no again: the same refund, not a new one.
      if (previous.outTradeNo !== order.outTradeNo || previous.refundFee !== refundFee || previous.totalFee !== totalFee)
        return mismatch();
      return this.refundReply(previous, order);
    }
    if (totalFee !== order.totalFee) return mismatch();
    if (refundFee > totalFee) return this.fail(subMchId, 'INVALID_REQUEST', '退款金额大于支付金额');
    if (order.refundedFee >= order.totalFee) return this.fail(subMchId, 'INVALID_REQUEST', '订单已全额退款');
    if (order.refundedFee + refundFee > order.totalFee) return this.fail(subMchId, 'INVALID_REQUEST', '累计退款金额大于支付金额');
    if (this.refundsOf(order).length >= MAX_REFUNDS_PER_ORDER)
      return this.fail(subMchId, 'INVALID_REQUEST', '退款次数超过限制，一笔订单最多退款50次');

    const refund: PayRefund = {
      outRefundNo,
      refundId: `50${digits(27)}`,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      subMchId,
      totalFee,
      refundFee,
      functionName,
      requestSource: source,
      status: 'PROCESSING',
      createdAt: new Date(this.clock()).toISOString(),
      deliveries: [],
    };
    order.refundedFee += refundFee;
    order.state = 'REFUND';
    // One SQLite transaction: the refund and what it takes from the order land together.
    this.tables.atomically(() => {
      this.saveRefund(refund);
      this.saveOrder(order);
    });
    this.options.onRefundAccepted?.(refund);
    return this.refundReply(refund, order);
  }

  queryRefund(req: WxRequest): WxReply {
    const subMchId = text(req, 'sub_mch_id');
    let refunds: PayRefund[];
    const byRefund = optionalText(req, 'out_refund_no', 64) ?? optionalText(req, 'refund_id', 64);
    if (byRefund !== undefined) {
      refunds = this.tables.refundsByNoOrId(byRefund);
    } else {
      const order = this.findOrder(req);
      refunds = order ? this.refundsOf(order) : [];
    }
    refunds = refunds.filter((r) => r.subMchId === subMchId);
    const first = refunds[0];
    if (!first) return this.fail(subMchId, 'REFUNDNOTEXIST', '退款订单查询失败');
    const order = this.orders.get(first.outTradeNo)!;
    const reply: WxReply = {
      ...this.success(subMchId),
      transaction_id: order.transactionId,
      out_trade_no: order.outTradeNo,
      total_fee: order.totalFee,
      cash_fee: order.totalFee,
      fee_type: 'CNY',
      refund_fee: refunds.reduce((sum, r) => sum + r.refundFee, 0),
      refund_count: refunds.length,
    };
    refunds.forEach((r, n) => {
      Object.assign(reply, {
        [`out_refund_no_${n}`]: r.outRefundNo,
        [`refund_id_${n}`]: r.refundId,
        [`refund_channel_${n}`]: 'ORIGINAL',
        [`refund_fee_${n}`]: r.refundFee,
        [`settlement_refund_fee_${n}`]: r.refundFee,
        [`refund_status_${n}`]: r.status,
        [`refund_account_${n}`]: 'REFUND_SOURCE_UNSETTLED_FUNDS',
        [`refund_recv_accout_${n}`]: '支付用户零钱',
        [`refund_success_time_${n}`]: r.successTime,
      });
    });
    return this.signed(reply);
  }

  // --- The shopper's side and the platform's side (control API, timers) ---------------------------------------

  /** The shopper pays: the order becomes SUCCESS and gets its notification. */
  pay(outTradeNo: string, openid?: string): PayOrder {
    const order = this.orderOrThrow(outTradeNo);
    if (order.state === 'SUCCESS' || order.state === 'REFUND') throw new SandboxError('ORDERPAID', '该订单已支付');
    if (order.state === 'CLOSED') throw new SandboxError('ORDERCLOSED', '该订单已关闭');
    // A JSAPI prepay is bound to the openid it was made for; nobody else can pay it.
    if (openid && order.openid && openid !== order.openid) throw new SandboxError('OPENID_MISMATCH', '支付用户与下单用户不一致');
    const now = this.clock();
    if (order.timeExpire !== undefined && now > beijingTimeToMs(order.timeExpire)!)
      throw new SandboxError('ORDER_EXPIRED', '订单已过期，请重新下单');
    order.state = 'SUCCESS';
    order.paidAt = new Date(now).toISOString();
    order.transactionId = `42000${digits(23)}`;
    order.timeEnd = beijingTime(now, 'compact');
    if (openid) order.openid = openid;
    order.notification = compact({
      returnCode: 'SUCCESS',
      resultCode: 'SUCCESS',
      appid: this.appid,
      mchId: order.mchId,
      subAppid: order.appid,
      subMchId: order.subMchId,
      subOpenid: order.openid,
      nonceStr: nonce(),
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId,
      totalFee: order.totalFee,
      cashFee: order.totalFee,
      feeType: 'CNY',
      bankType: 'OTHERS',
      tradeType: order.tradeType,
      timeEnd: order.timeEnd,
      attach: order.attach,
      isSubscribe: 'N',
      subIsSubscribe: 'N',
    });
    this.saveOrder(order);
    return order;
  }

  /** The shopper's payment fails or is cancelled: the order stays NOTPAY and nothing is notified. */
  failPayment(outTradeNo: string): PayOrder {
    const order = this.orderOrThrow(outTradeNo);
    if (order.state !== 'NOTPAY')
      throw new SandboxError(
        order.state === 'CLOSED' ? 'ORDERCLOSED' : 'ORDERPAID',
        `订单状态为 ${order.state}，不能模拟支付失败`,
      );
    order.paymentFailures++;
    this.saveOrder(order);
    return order;
  }

  /** WeChat finishes a refund: it becomes SUCCESS and gets its notification. */
  completeRefund(outRefundNo: string): PayRefund {
    const refund = this.refundOrThrow(outRefundNo);
    if (refund.status !== 'PROCESSING') return refund;
    refund.status = 'SUCCESS';
    refund.successTime = beijingTime(this.clock(), 'readable');
    refund.notification = this.refundNotification(refund);
    this.saveRefund(refund);
    return refund;
  }

  /**
   * WeChat Pay cannot pay a refund back (CHANGE: the payer's card was cancelled or frozen; REFUNDCLOSE): the refund
   * ends so, unpaid, and gets its notification. The amount still counts against the order (the merchant sorts it out
   * on the merchant platform), so the emulator never lets more be refunded than WeChat Pay might.
   */
  failRefund(outRefundNo: string, status: RefundFailure): PayRefund {
    const refund = this.refundOrThrow(outRefundNo);
    if (refund.status !== 'PROCESSING')
      throw new SandboxError('REFUND_ENDED', `退款 ${outRefundNo} 已结束（${refund.status}），只有处理中的退款可以改变结果`);
    refund.status = status;
    refund.notification = this.refundNotification(refund);
    this.saveRefund(refund);
    return refund;
  }

  refundOrThrow(outRefundNo: string): PayRefund {
    const refund = this.refunds.get(outRefundNo);
    if (!refund) throw new SandboxError('REFUNDNOTEXIST', `退款 ${outRefundNo} 不存在`, 404);
    return refund;
  }

  orderOrThrow(outTradeNo: string): PayOrder {
    const order = this.orders.get(outTradeNo);
    if (!order) throw new SandboxError('ORDERNOTEXIST', `订单 ${outTradeNo} 不存在`, 404);
    return order;
  }

  refundsOf(order: PayOrder): PayRefund[] {
    return this.tables.refundsOf(order.outTradeNo);
  }

  // --- helpers ----------------------------------------------------------------------------------------------

  private findOrder(req: WxRequest): PayOrder | undefined {
    const subMchId = text(req, 'sub_mch_id');
    const outTradeNo = optionalText(req, 'out_trade_no', 32);
    const transactionId = optionalText(req, 'transaction_id', 32);
    if (outTradeNo === undefined && transactionId === undefined)
      throw new MalformedRequest('out_trade_no 和 transaction_id 不能同时为空');
    const order = transactionId !== undefined ? this.tables.orderByTransactionId(transactionId) : this.orders.get(outTradeNo!);
    return order && order.subMchId === subMchId ? order : undefined;
  }

  private envIdOf(req: WxRequest): string {
    const envId = text(req, 'env_id');
    if (envId !== this.options.envId) throw new MalformedRequest(`env_id ${envId} 与当前环境 ${this.options.envId} 不一致`);
    return envId;
  }

  private functionNameOf(req: WxRequest): string {
    const name = text(req, 'function_name', { max: 128 });
    if (this.options.functionExists && !this.options.functionExists(name))
      throw new MalformedRequest(`回调云函数 ${name} 不存在`);
    return name;
  }

  /** The refund notification for how the refund ended (WeChat Pay v2's `req_info`, decrypted, in camelCase). */
  private refundNotification(refund: PayRefund): Record<string, unknown> {
    return {
      returnCode: 'SUCCESS',
      appid: this.appid,
      mchId: this.mchId,
      subMchId: refund.subMchId,
      nonceStr: nonce(),
      reqInfo: compact({
        outTradeNo: refund.outTradeNo,
        outRefundNo: refund.outRefundNo,
        refundId: refund.refundId,
        transactionId: refund.transactionId,
        totalFee: refund.totalFee,
        refundFee: refund.refundFee,
        settlementRefundFee: refund.refundFee,
        refundStatus: refund.status,
        successTime: refund.successTime,
        refundRecvAccout: '支付用户零钱', // sic: WeChat's spelling
        refundAccount: 'REFUND_SOURCE_UNSETTLED_FUNDS',
        refundRequestSource: refund.requestSource,
      }),
    };
  }

  private prepayReply(order: PayOrder): WxReply {
    const payment: Record<string, string> = {
      app_id: order.appid,
      time_stamp: String(Math.floor(this.clock() / 1000)),
      nonce_str: nonce(),
      package: `prepay_id=${order.prepayId}`,
      sign_type: 'MD5',
    };
    payment.pay_sign = this.sign({
      appId: payment.app_id,
      timeStamp: payment.time_stamp,
      nonceStr: payment.nonce_str,
      package: payment.package,
      signType: 'MD5',
    });
    return this.signed({
      ...this.success(order.subMchId),
      sub_appid: order.appid,
      trade_type: 'JSAPI',
      prepay_id: order.prepayId,
      payment,
    });
  }

  private refundReply(refund: PayRefund, order: PayOrder): WxReply {
    return this.signed({
      ...this.success(refund.subMchId),
      transaction_id: refund.transactionId,
      out_trade_no: refund.outTradeNo,
      out_refund_no: refund.outRefundNo,
      refund_id: refund.refundId,
      refund_fee: refund.refundFee,
      settlement_refund_fee: refund.refundFee,
      total_fee: order.totalFee,
      cash_fee: order.totalFee,
      cash_refund_fee: refund.refundFee,
      refund_channel: '',
    });
  }

  private base(subMchId: string | undefined): WxReply {
    return {
      return_code: 'SUCCESS',
      return_msg: 'OK',
      appid: this.appid,
      mch_id: this.mchId,
      sub_mch_id: subMchId,
      nonce_str: nonce(),
    };
  }

  private success(subMchId: string): WxReply {
    return { ...this.base(subMchId), result_code: 'SUCCESS' };
  }

  private fail(subMchId: string | undefined, errCode: string, errCodeDes: string): WxReply {
    return this.signed({ ...this.base(subMchId), result_code: 'FAIL', err_code: errCode, err_code_des: errCodeDes });
  }

  private signed(reply: WxReply): WxReply {
    const clean = compact(reply);
    return { ...clean, sign: this.sign(clean) };
  }

  /** WeChat Pay v2 MD5 signature: non-empty scalar fields sorted by name, then `&key=`. */
  private sign(fields: Record<string, unknown>): string {
    const pairs = Object.keys(fields)
      .filter((k) => k !== 'sign' && fields[k] !== '' && fields[k] !== undefined && typeof fields[k] !== 'object')
      .sort()
      .map((k) => `${k}=${String(fields[k])}`);
    return createHash('md5')
      .update(`${pairs.join('&')}&key=${this.key}`)
      .digest('hex')
      .toUpperCase();
  }
}

// --- field readers: anything missing or of the wrong type is a malformed request ------------------------------------

function text(req: WxRequest, key: string, rule: { max?: number; pattern?: RegExp } = {}): string {
  const value = req[key];
  if (value === undefined || value === null || value === '') throw new MalformedRequest(`缺少参数 ${key}`);
  if (typeof value !== 'string') throw new MalformedRequest(`参数 ${key} 必须是字符串`);
  if (rule.max !== undefined && value.length > rule.max) throw new MalformedRequest(`参数 ${key} 长度不能超过 ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(value)) throw new MalformedRequest(`参数 ${key} 格式错误`);
  return value;
}

function optionalText(req: WxRequest, key: string, max: number): string | undefined {
  return req[key] === undefined || req[key] === null || req[key] === '' ? undefined : text(req, key, { max });
}

/** An amount in fen: a positive integer number (a string such as "100" is refused, as is 1.5). */
function fee(req: WxRequest, key: string): number {
  const value = req[key];
  if (value === undefined || value === null) throw new MalformedRequest(`缺少参数 ${key}`);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0)
    throw new MalformedRequest(`参数 ${key} 必须是正整数（单位：分）`);
  return value;
}

function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function nonce(): string {
  return randomHex(16).toUpperCase();
}

function digits(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(10));
  return s;
}

/** WeChat Pay's times are Beijing time (UTC+8): `yyyyMMddHHmmss`, or `yyyy-MM-dd HH:mm:ss` in refund notices. */
/** yyyyMMddHHmmss in Beijing time as epoch milliseconds, or undefined when it is not a real time of that form. */
function beijingTimeToMs(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) - 8 * 3600_000;
  return beijingTime(ms, 'compact') === text ? ms : undefined;
}

export function beijingTime(ms: number, style: 'compact' | 'readable'): string {
  const iso = new Date(ms + 8 * 3600_000).toISOString(); // 2024-01-02T03:04:05.678Z
  const [date, time] = [iso.slice(0, 10), iso.slice(11, 19)];
  return style === 'readable' ? `${date} ${time}` : `${date}${time}`.replace(/[-:]/g, '');
}

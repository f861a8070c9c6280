import { ErrorCode } from '../../../typings/common.js';
import type { RequestRefundInput } from '../../../typings/order-after-sale.js';
import { AFTER_SALES, type AfterSaleDoc, type AfterSaleEvent, type AfterSaleLine } from '../model/after-sale.js';
import { type Actor, type OrderDoc, type RefundableStatus } from '../model/order.js';
import { issueRefund, refundableFee } from '../platform/cloud-pay.js';
import { type AfterSaleTransition, afterSaleStep, isOpenCase } from '../rules/after-sale-transitions.js';
import { ShopError, notFound } from '../rules/errors.js';
import { type RequestedUnits, afterRefund, noRefundsYet, planRefund, restockable } from '../rules/refund-shares.js';
import { type Transaction, _, db } from '../store/db.js';
import { returnFlashSaleUnits } from '../store/flash-sale-units.js';
import { withRetries } from '../store/transactions.js';
import { moveOrder } from './order-lifecycle.js';
import { recordSales } from './order-effects.js';

/**
 * After-sale cases (售后): the shopper asks for a refund of some units (仅退款, or 退货退款 with the goods sent back),
 * the merchant decides, WeChat Pay returns exactly those units' share. Each step moves the case by its table
 * (rules/after-sale-transitions.ts) and, where the table says so, the order by its own, in one transaction. Stock
 * comes back only for goods that never left the shop (refunded before shipping) or that the merchant received back.
 */

const DAY_MS = 86_400_000;

export interface CaseChange {
  order: OrderDoc;
  afterSale: AfterSaleDoc;
}

/** Writes that land with a case's step or not at all (the admin function's audit entry). */
export type CaseAlongside = (tx: Transaction, change: CaseChange & { before: OrderDoc }) => Promise<void>;

/** The case id, which is also its refund number at WeChat Pay. */
export function afterSaleId(orderId: string, n: number): string {
  return `${orderId}S${n}`;
}

/** Whether a refund number names an after-sale case of the order. */
export function isAfterSaleRefund(orderId: string, outRefundNo: string): boolean {
  // Plain string checks: both come from a notification, and an order id is no pattern.
  const prefix = `${orderId}S`;
  return outRefundNo.startsWith(prefix) && /^\d+$/.test(outRefundNo.slice(prefix.length));
}

/** Opens a case for the shopper's order: the order becomes `refunding`, remembering the status it left. */
export async function requestAfterSale(
  request: RequestRefundInput & { openid: string; now: Date; refundWindowDays: number },
): Promise<CaseChange> {
  const { orderId, openid, now } = request;
  const kind = request.kind ?? 'refund_only';
  return withRetries(db, async (tx) => {
    const current = await orderOf(tx, orderId, openid);
    const step = afterSaleStep(null, 'request', 'shopper', kind);
    const from = current.status;
    if (from === 'completed') {
      const completedAt = current.completedAt ? new Date(current.completedAt).getTime() : undefined;
      if (completedAt === undefined || completedAt + request.refundWindowDays * DAY_MS < now.getTime())
        throw new ShopError(ErrorCode.INVALID_STATE, `订单完成已超过 ${request.refundWindowDays} 天，不能再申请售后`);
    }
    if (kind === 'return_refund' && from === 'paid') throw new ShopError(ErrorCode.INVALID_STATE, '订单尚未发货，请申请仅退款');
    const refunds = current.refunds ?? noRefundsYet(current.lines.length);
    // Any other status is refused by the order's table (e.g. 订单退款中) before the share is worked out.
    const requestedFrom: RefundableStatus = from === 'shipped' || from === 'completed' ? from : 'paid';
    let opened: AfterSaleDoc | undefined;
    const order = await moveOrder(tx, current, {
      event: step.order!,
      actor: 'shopper',
      now,
      fields: () => {
        const plan = planRefund(
          { lines: current.lines, freight: current.amounts.freight, refunds, requestedFrom },
          request.lines,
          refundableFee(current),
        );
        if (plan.refundFee === 0 && current.payment && current.payment.totalFee > 0)
          throw new ShopError(ErrorCode.INVALID_STATE, '这些商品没有可退的金额');
        const caseId = afterSaleId(orderId, refunds.cases + 1);
        opened = {
          _id: caseId,
          orderId,
          openid,
          kind,
          status: step.to,
          lines: plan.lines,
          refundFee: plan.refundFee,
          goodsFee: plan.goodsFee,
          requestedFrom,
          reason: request.reason,
          photos: request.photos ?? [],
          createdAt: now,
          history: [{ event: 'request', from: null, to: step.to, actor: 'shopper', at: now }],
        };
        return {
          refundRequestedFrom: from,
          refundReason: request.reason,
          refundRequestedAt: now,
          afterSaleId: caseId,
          refunds: { ...refunds, cases: refunds.cases + 1 },
        };
      },
      remove: ['refundRejectedAt', 'refundRejectReason', 'refundApprovedAt'] as Array<keyof OrderDoc>,
    });
    await tx.collection(AFTER_SALES).add({ data: opened! });
    return { order, afterSale: opened! };
  });
}

interface CaseStep {
  orderId: string;
  event: AfterSaleEvent;
  actor: Actor;
  now: Date;
  /** Set for a shopper: another shopper's order answers NOT_FOUND. */
  openid?: string;
  caseFields?: (current: AfterSaleDoc) => Partial<AfterSaleDoc>;
  orderFields?: (current: AfterSaleDoc) => Record<string, unknown>;
  /** Stock and other writes of this step, inside its transaction. */
  effects?: (tx: Transaction, change: CaseChange) => Promise<void>;
  alongside?: CaseAlongside;
}

/** One step of the order's open case, with the order's own event when the table names one, in one transaction. */
async function stepCase(step: CaseStep): Promise<CaseChange> {
  const { orderId, event, actor, now } = step;
  return withRetries(db, async (tx) => {
    const current = await orderOf(tx, orderId, step.openid);
    const kase = current.afterSaleId
      ? (await tx.collection<AfterSaleDoc>(AFTER_SALES).doc(current.afterSaleId).get()).data
      : undefined;
    if (!kase || !isOpenCase(kase.status)) throw new ShopError(ErrorCode.INVALID_STATE, '订单没有进行中的售后申请');
    const { row, afterSale } = await writeCaseStep(tx, kase, { event, actor, now, fields: step.caseFields?.(kase) ?? {} });
    const order = row.order
      ? await moveOrder(tx, current, { event: row.order, actor, now, fields: () => step.orderFields?.(kase) ?? {}, afterSale })
      : current;
    await step.effects?.(tx, { order, afterSale });
    await step.alongside?.(tx, { before: current, order, afterSale });
    return { order, afterSale };
  });
}

/** Moves a case read inside `tx` by its table and writes the step with its history entry; answers the row and the case. */
async function writeCaseStep(
  tx: Transaction,
  kase: AfterSaleDoc,
  step: { event: AfterSaleEvent; actor: Actor; now: Date; fields?: Partial<AfterSaleDoc> },
): Promise<{ row: AfterSaleTransition; afterSale: AfterSaleDoc }> {
  const row = afterSaleStep(kase.status, step.event, step.actor, kase.kind);
  const fields = { ...step.fields, status: row.to };
  const entry = { event: step.event, from: kase.status, to: row.to, actor: step.actor, at: step.now };
  await tx
    .collection(AFTER_SALES)
    .doc(kase._id)
    .update({ data: { ...fields, history: _.push(entry) } });
  return { row, afterSale: { ...kase, ...fields, history: [...kase.history, entry] } };
}

/**
 * The order is being refunded in full another way (its group-buy failed): a request still waiting for the merchant is
 * closed in the same transaction. Answers false when a case's money is already on its way (wait for it instead).
 */
export async function closeOpenRequest(tx: Transaction, order: OrderDoc, now: Date): Promise<boolean> {
  const kase = order.afterSaleId ? (await tx.collection<AfterSaleDoc>(AFTER_SALES).doc(order.afterSaleId).get()).data : undefined;
  if (!kase || !isOpenCase(kase.status)) return true;
  if (kase.status !== 'requested') return false;
  await writeCaseStep(tx, kase, { event: 'close', actor: 'system', now });
  return true;
}

async function orderOf(tx: Transaction, orderId: string, openid?: string): Promise<OrderDoc> {
  const order = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
  if (!order || (openid !== undefined && order.openid !== openid)) throw notFound('订单');
  return order;
}

export async function withdrawAfterSale(orderId: string, openid: string, now: Date): Promise<CaseChange> {
  return stepCase({ orderId, openid, event: 'withdraw', actor: 'shopper', now });
}

export async function shipReturn(
  request: { orderId: string; openid: string; carrier: string; trackingNo: string },
  now: Date,
): Promise<CaseChange> {
  const { orderId, openid, carrier, trackingNo } = request;
  return stepCase({
    orderId,
    openid,
    event: 'ship_return',
    actor: 'shopper',
    now,
    caseFields: () => ({ returnShipping: { carrier, trackingNo, shippedAt: now } }),
  });
}

export async function rejectAfterSale(
  orderId: string,
  reason: string,
  now: Date,
  alongside?: CaseAlongside,
): Promise<CaseChange> {
  return stepCase({
    orderId,
    event: 'reject',
    actor: 'merchant',
    now,
    caseFields: () => ({ rejectReason: reason }),
    orderFields: () => ({ refundRejectedAt: now, refundRejectReason: reason }),
    ...(alongside ? { alongside } : {}),
  });
}

export interface CaseDecision extends CaseChange {
  /** WeChat Pay's refusal of the refund, when it was due and refused (the jobs timer issues it again). */
  refundError?: string;
  refundIssued: boolean;
}

/** The order's fields while its case's money is on the way: the reconcile timer reissues exactly this refund. */
function refundInFlight(kase: AfterSaleDoc, now: Date): Record<string, unknown> {
  return { refundApprovedAt: now, openRefund: { outRefundNo: kase._id, refundFee: kase.refundFee } };
}

/** The merchant approves the open case: a refund-only case's money goes back now; a return waits for the goods. */
export async function approveAfterSale(orderId: string, now: Date, alongside?: CaseAlongside): Promise<CaseDecision> {
  const change = await stepCase({
    orderId,
    event: 'approve',
    actor: 'merchant',
    now,
    orderFields: (kase) => refundInFlight(kase, now),
    ...(alongside ? { alongside } : {}),
  });
  return refundIfDue(change, now);
}

/** The merchant received a return: its sellable units go back to stock, then the money goes back. */
export async function receiveReturn(
  orderId: string,
  unsellable: readonly RequestedUnits[],
  now: Date,
  alongside?: CaseAlongside,
): Promise<CaseDecision> {
  let back: AfterSaleLine[] = [];
  const change = await stepCase({
    orderId,
    event: 'receive',
    actor: 'merchant',
    now,
    caseFields: (kase) => {
      back = restockable(kase.lines, unsellable);
      const kept = kase.lines.flatMap((line) => {
        const quantity = unsellable.find((u) => u.index === line.index)?.quantity ?? 0;
        return quantity > 0 ? [{ ...line, quantity }] : [];
      });
      return { received: { at: now, restocked: back, unsellable: kept } };
    },
    orderFields: (kase) => refundInFlight(kase, now),
    effects: async (tx) => restock(tx, back),
    ...(alongside ? { alongside } : {}),
  });
  return refundIfDue(change, now);
}

async function restock(tx: Transaction, lines: readonly AfterSaleLine[]): Promise<void> {
  for (const line of lines)
    await tx
      .collection('skus')
      .doc(line.skuId)
      .update({ data: { stock: _.inc(line.quantity) } });
}

/** Issues the case's refund once it is `refunding`; a case of 0 fen (all paid by points and coupon) completes at once. */
async function refundIfDue(change: CaseChange, now: Date): Promise<CaseDecision> {
  const { order, afterSale } = change;
  if (afterSale.status !== 'refunding') return { ...change, refundIssued: false };
  if (afterSale.refundFee === 0) {
    await settleAfterSaleRefund(order._id, afterSale._id, now);
    return { ...change, refundIssued: true };
  }
  let refused: string | undefined;
  try {
    refused = await issueAfterSaleRefund(order, afterSale);
  } catch (err) {
    // No answer: the refund may or may not exist; reissuing the same refund number later settles it either way.
    console.error(`refund ${afterSale._id} not issued`, err);
    refused = '微信支付暂时不可用';
  }
  if (!refused) return { ...change, refundIssued: true };
  const refundError = { outRefundNo: afterSale._id, status: refused, at: new Date() };
  // Only while still approved: a refund result that arrived meanwhile must not be overwritten.
  await db.collection('orders').where({ _id: order._id, status: 'refund_approved' }).update({ data: { refundError } });
  return { order: { ...order, refundError }, afterSale, refundIssued: false, refundError: refused };
}

export function issueAfterSaleRefund(order: OrderDoc, afterSale: AfterSaleDoc): Promise<string | undefined> {
  return issueRefund({
    orderId: order._id,
    outRefundNo: afterSale._id,
    totalFee: order.payment!.totalFee,
    refundFee: afterSale.refundFee,
  });
}

/**
 * WeChat Pay returned a case's money (its notification, or the timer asking): the case is `refunded` and the order
 * `refunded` when no unit is left, or back where it was. Goods that never left the shop go back to stock here (a
 * flash sale's to the sale); returned goods went back at receipt; refund-only goods after shipping never do.
 * Answers whether this call recorded it (false: recorded before).
 */
export async function settleAfterSaleRefund(orderId: string, caseId: string, now: Date): Promise<boolean> {
  const settled = await withRetries(db, async (tx) => {
    const current = (await tx.collection<OrderDoc>('orders').doc(orderId).get()).data;
    const kase = (await tx.collection<AfterSaleDoc>(AFTER_SALES).doc(caseId).get()).data;
    if (!current || !kase || kase.status !== 'refunding') return undefined;
    const { afterSale } = await writeCaseStep(tx, kase, {
      event: 'refund_succeeded',
      actor: 'system',
      now,
      fields: { refundedAt: now },
    });
    const refunds = afterRefund(current.refunds ?? noRefundsYet(current.lines.length), kase);
    const whole = current.lines.every((line, i) => (refunds.units[i] ?? 0) >= line.quantity);
    await moveOrder(tx, current, {
      event: whole ? 'refund_succeeded' : 'partial_refund',
      actor: 'system',
      now,
      fields: () => ({ refunds, refundedAt: now }),
      remove: ['refundError', 'openRefund'],
      afterSale,
    });
    if (kase.requestedFrom === 'paid') await returnUnshipped(tx, current, kase.lines);
    return { lines: kase.lines, spuIds: current.lines.map((l) => l.spuId) };
  });
  if (!settled) return false;
  await recordSales(db, { lines: settled.lines.map((l) => ({ ...l, spuId: settled.spuIds[l.index]! })) }, -1);
  return true;
}

/** Units refunded before they were shipped go back where they were taken from: the flash sale's, or the SKU's. */
async function returnUnshipped(tx: Transaction, order: OrderDoc, lines: readonly AfterSaleLine[]): Promise<void> {
  const units = lines.reduce((sum, l) => sum + l.quantity, 0);
  if (await returnFlashSaleUnits(tx, order, units)) return;
  await restock(tx, lines);
}

import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../../../typings/common.js';
import type { SkuDoc } from '../model/catalog.js';
import { type OrderDoc } from '../model/order.js';
import {
  FLASH_SALES,
  FLASH_SALE_BUYERS,
  type FlashSaleDoc,
  type FlashSaleTerms,
  HOLDING_SALE_STATUSES,
  buyerKey,
  isSettled,
} from '../model/promotion.js';
import { ShopError, notFound } from '../rules/errors.js';
import { flashSaleTermsRefusal, holdUnitsRefusal } from '../rules/promotion-units.js';
import { type Transaction, _, db } from './db.js';
import { withRetries } from './transactions.js';

/**
 * A flash sale's units under the stock rule (docs/architecture.md, "Stock rule"): taken out of the SKU's stock when the
 * sale is scheduled, held by the sale (`remaining`), sold by conditional decrements (workflows/flash-sale-purchase.ts),
 * given back by its orders' cancels and refunds, and, whatever is unsold when the sale ends or is cancelled, given back
 * to the SKU once, in the transaction that settles the sale. From then on its orders' units go to the SKU.
 */

const sales = () => db.collection<FlashSaleDoc>(FLASH_SALES);

/**
 * Schedules a flash sale: in one transaction the SKU's stock gives up `units` and the sale is written holding them.
 * Refused with VALIDATION for bad terms, NOT_FOUND for an unknown SKU, and OUT_OF_STOCK (nothing taken) when the SKU
 * has fewer than `units`; a SKU sold concurrently makes the transaction conflict and run again on the new stock.
 * Scheduling again under the same `flashSaleId` answers the sale already scheduled and takes nothing more.
 */
export async function scheduleFlashSale(terms: FlashSaleTerms, now: Date): Promise<FlashSaleDoc> {
  const refusal = flashSaleTermsRefusal(terms, now);
  if (refusal) throw refusal;
  const saleId = terms.flashSaleId ?? `fs-${randomUUID()}`;
  return withRetries(db, async (tx) => {
    const existing = (await tx.collection<FlashSaleDoc>(FLASH_SALES).doc(saleId).get()).data;
    if (existing) {
      if (existing.skuId === terms.skuId && existing.stock === terms.units) return existing;
      throw new ShopError(ErrorCode.CONFLICT, '该秒杀活动编号已被使用');
    }
    return holdFlashSaleUnits(tx, saleId, terms, now);
  });
}

/**
 * The heart of scheduling, inside the caller's transaction (`scheduleFlashSale`, and the back office's
 * `flashsales.create`, which writes its audit entry in the same transaction): reads the SKU, takes `units` from its
 * stock (OUT_OF_STOCK, nothing taken, when it has fewer: rules/promotion-units.ts, as the demo seed decides) and adds
 * the sale holding them, at version 1. The terms are checked by the caller (`flashSaleTermsRefusal`).
 */
export async function holdFlashSaleUnits(
  tx: Transaction,
  saleId: string,
  terms: FlashSaleTerms,
  now: Date,
): Promise<FlashSaleDoc> {
  const skuRef = tx.collection<SkuDoc>('skus').doc(terms.skuId);
  const sku = (await skuRef.get()).data;
  if (!sku) throw notFound('商品规格');
  const short = holdUnitsRefusal(sku.stock, terms.units);
  if (short) throw short;
  await skuRef.update({ data: { stock: _.inc(-terms.units) } });
  const sale: FlashSaleDoc = {
    _id: saleId,
    skuId: terms.skuId,
    spuId: sku.spuId,
    title: terms.title ?? '',
    price: terms.price,
    stock: terms.units,
    remaining: terms.units,
    perUser: terms.perUser,
    startAt: terms.startAt,
    endAt: terms.endAt,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await tx.collection(FLASH_SALES).add({ data: sale });
  return sale;
}

/**
 * Attempts at settling one sale. Its SKU is often the hot one (a rush of ordinary orders writes it in their own
 * transactions), and a shopper's 15 attempts were measured to lose to such a rush (npm run bench:promo); the timer and
 * the merchant can wait a few seconds longer.
 */
export const SETTLE_ATTEMPTS = 60;

/** How a settlement came about: the timer's end (`ended`, only once `endAt` passed), or the merchant's decision. */
export interface SettleRequest {
  status: 'ended' | 'cancelled';
  /** The merchant ends it before `endAt` (`flashsales.endEarly`): settled whatever `endAt` says. */
  early?: boolean;
  /** More fields written with the settlement (the back office's `version` and `endedEarlyAt`). */
  fields?: Partial<FlashSaleDoc>;
}

/**
 * Settles one sale inside `tx`: the unsold units go back to the SKU and the sale is marked `status` with `settledAt`
 * and `returned`, so a later call finds it settled and gives nothing. Answers the sale before and after and the units
 * given back, or undefined when the sale is missing, already settled, or (for the timer's `ended`) not yet over. A buy
 * or a give-back that touches `remaining` meanwhile makes the transaction conflict and run again on the new count.
 */
export async function settleFlashSaleIn(
  tx: Transaction,
  saleId: string,
  { status, early = false, fields = {} }: SettleRequest,
  now: Date,
): Promise<{ before: FlashSaleDoc; after: FlashSaleDoc; returned: number } | undefined> {
  const ref = tx.collection<FlashSaleDoc>(FLASH_SALES).doc(saleId);
  const sale = (await ref.get()).data;
  if (!sale || isSettled(sale)) return undefined;
  if (status === 'ended' && !early && new Date(sale.endAt).getTime() > now.getTime()) return undefined;
  const returned = Math.max(0, sale.remaining);
  const change = { ...fields, status, remaining: 0, returned, settledAt: now, updatedAt: now };
  await ref.update({ data: change });
  if (returned > 0)
    await tx
      .collection('skus')
      .doc(sale.skuId)
      .update({ data: { stock: _.inc(returned) } });
  return { before: sale, after: { ...sale, ...change }, returned };
}

/**
 * Settles one sale in its own transaction (`settleFlashSaleIn`): answers the units given back, or undefined when
 * there was nothing to settle.
 */
async function settleFlashSale(saleId: string, status: 'ended' | 'cancelled', now: Date): Promise<number | undefined> {
  const settled = await withRetries(db, (tx) => settleFlashSaleIn(tx, saleId, { status }, now), SETTLE_ATTEMPTS);
  return settled?.returned;
}

/**
 * Cancels a sale (the merchant's decision): it stops selling at once and its unsold units go back to the SKU; its
 * orders stay as they are. NOT_FOUND for an unknown sale, INVALID_STATE for one that already ended; cancelling a
 * cancelled sale again answers it with nothing returned.
 */
export async function cancelFlashSale(flashSaleId: string, now: Date): Promise<{ sale: FlashSaleDoc; returned: number }> {
  const returned = await settleFlashSale(flashSaleId, 'cancelled', now);
  const sale = (await sales().doc(flashSaleId).get()).data;
  if (!sale) throw notFound('秒杀活动');
  if (returned === undefined && sale.status !== 'cancelled') {
    throw new ShopError(ErrorCode.INVALID_STATE, '秒杀活动已结束，无法取消');
  }
  return { sale, returned: returned ?? 0 };
}

const BATCH = 100;

/**
 * The jobs timer's end sweep: settles every sale past `endAt` that still holds its units (`active` or `disabled`),
 * until none is left or `deadline` passes; answers how many it settled. Each sale is settled in its own transaction,
 * so one that fails is tried again at the next firing, and a sale settled meanwhile is skipped.
 */
export async function settleEndedFlashSales(now: Date, deadline: number): Promise<number> {
  let settled = 0;
  const failed = new Set<string>();
  while (Date.now() < deadline) {
    const due = (
      await sales()
        .where({ status: _.in([...HOLDING_SALE_STATUSES]), endAt: _.lte(now) })
        .orderBy('endAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(BATCH)
        .field({ _id: true })
        .get()
    ).data.filter((s) => !failed.has(s._id));
    for (const { _id } of due) {
      if (Date.now() >= deadline) break;
      try {
        if ((await settleFlashSale(_id, 'ended', now)) !== undefined) settled++;
      } catch (err) {
        failed.add(_id);
        console.error(`[jobs] flash sale ${_id} not settled`, err);
      }
    }
    if (due.length < BATCH) break;
  }
  return settled;
}

/**
 * Gives back units a buy took but did not turn into an order (the give-back of workflows/flash-sale-purchase.ts,
 * outside a transaction): to the sale while it holds units, else to the SKU, since a settled sale gave its unsold
 * units back already and would strand these.
 */
export async function giveBackUnsoldUnits(flashSaleId: string, skuId: string, quantity: number): Promise<void> {
  const toSale = await sales()
    .where({ _id: flashSaleId, status: _.in([...HOLDING_SALE_STATUSES]) })
    .update({ data: { remaining: _.inc(quantity) } });
  if (toSale.stats.updated === 1) return;
  await db
    .collection('skus')
    .doc(skuId)
    .update({ data: { stock: _.inc(quantity) } });
}

/**
 * Order effect (workflows/order-effects.ts, and after-sales for a partial refund): a flash-sale order's `quantity`
 * units (all of them by default) go back to its sale while the sale holds units, or to the SKU once the sale is
 * settled (ended or cancelled), and to the shopper's per-user count. Answers whether the order was a flash-sale order.
 * Reading the sale in the order's transaction makes a concurrent settlement conflict with it, so a unit never lands
 * on a sale that has just given its units back.
 */
export async function returnFlashSaleUnits(tx: Transaction, order: OrderDoc, quantity?: number): Promise<boolean> {
  const promotion = order.promotion;
  if (promotion?.kind !== 'flash_sale') return false;
  const units = quantity ?? promotion.quantity;
  const saleRef = tx.collection<FlashSaleDoc>(FLASH_SALES).doc(promotion.flashSaleId);
  const sale = (await saleRef.get()).data;
  if (sale && !isSettled(sale)) {
    await saleRef.update({ data: { remaining: _.inc(units) } });
  } else {
    await tx
      .collection('skus')
      .doc(sale?.skuId ?? order.lines[0]!.skuId)
      .update({ data: { stock: _.inc(units) } });
  }
  await tx
    .collection(FLASH_SALE_BUYERS)
    .doc(buyerKey(promotion.flashSaleId, order.openid))
    .update({ data: { bought: _.inc(-units) } });
  return true;
}

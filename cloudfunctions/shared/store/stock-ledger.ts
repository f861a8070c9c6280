import { randomUUID } from 'node:crypto';
import {
  CatalogRoutes,
  type LedgerReason,
  STOCK_REASON_LABELS,
  type StockAdjustResult,
  type StockLedgerEntryView,
  type StockReason,
} from '../../../typings/admin-catalog.js';
import { ErrorCode } from '../../../typings/common.js';
import type { SkuDoc, SpuDoc } from '../model/catalog.js';
import { derivedFields, stockAfter } from '../rules/catalog-edits.js';
import { notFound, ShopError } from '../rules/errors.js';
import { type AuditActor, writeAudit } from './audit-trail.js';
import { _, db, type Transaction } from './db.js';
import { afterCursor, pageOf } from './pagination.js';
import { withRetries } from './transactions.js';

/**
 * The stock ledger (`stock_ledger`): every stock change made in the back office, one entry per SKU and change, written
 * in the transaction that changes the SKU and its product's derived fields, so the entries of a SKU replay its
 * back-office changes exactly (`before` + `delta` = `after`). Orders, cancels, refunds and promotions move stock by
 * their own conditional updates and are not in this ledger (docs/back-office/catalog.md).
 */
export const STOCK_LEDGER = 'stock_ledger';

export interface StockLedgerDoc {
  _id: string;
  skuId: string;
  spuId: string;
  delta: number;
  before: number;
  after: number;
  reason: LedgerReason;
  note: string;
  /** The merchant's id (openid or `staff:<username>`), and name at the time. */
  actor: string;
  actorName: string;
  at: Date;
}

export interface Acting {
  actor: AuditActor;
  now: Date;
}

/** Ids sort by time, then at random among entries of the same millisecond. */
const entryId = (at: Date) => `L${at.getTime()}-${randomUUID().slice(0, 8)}`;

/** Adds one entry inside `tx`; answers it. */
export async function writeLedgerEntry(
  tx: Transaction,
  entry: Omit<StockLedgerDoc, '_id' | 'actor' | 'actorName' | 'at'>,
  { actor, now }: Acting,
): Promise<StockLedgerDoc> {
  const doc: StockLedgerDoc = { _id: entryId(now), ...entry, actor: actor.id, actorName: actor.name, at: now };
  const { _id, ...data } = doc;
  await tx.collection(STOCK_LEDGER).doc(_id).set({ data });
  return doc;
}

/**
 * Recomputes the product's derived fields (prices, total stock, sales) from its live SKUs as this transaction sees
 * them (its own writes included); answers them. Every catalog change ends with this.
 */
export async function refreshDerived(tx: Transaction, spuId: string, now: Date): Promise<ReturnType<typeof derivedFields>> {
  const skus = (
    await tx
      .collection<SkuDoc>('skus')
      .where({ spuId, removedAt: _.exists(false) })
      .get()
  ).data;
  const derived = derivedFields(skus);
  await tx
    .collection<SpuDoc>('spus')
    .doc(spuId)
    .update({ data: { ...derived, updatedAt: now } });
  return derived;
}

export interface StockChange {
  skuId: string;
  delta?: number;
  set?: number;
}

/**
 * One SKU's stock changed inside `tx`: read, refused below 0 (VALIDATION), written as the exact new count (an order
 * taking stock meanwhile makes the transaction conflict and run again on the new count) with its ledger entry.
 */
async function changeStockIn(
  tx: Transaction,
  change: StockChange,
  reason: StockReason,
  note: string,
  acting: Acting,
): Promise<{ sku: SkuDoc; result: StockAdjustResult }> {
  const ref = tx.collection<SkuDoc>('skus').doc(change.skuId);
  const sku = (await ref.get()).data;
  if (!sku) throw notFound('商品规格');
  if (sku.removedAt) throw new ShopError(ErrorCode.INVALID_STATE, '该规格已删除，不能调整库存');
  const { after, delta } = stockAfter(sku.stock, change);
  await ref.update({ data: { stock: after } });
  const entry = await writeLedgerEntry(
    tx,
    { skuId: sku._id, spuId: sku.spuId, delta, before: sku.stock, after, reason, note },
    acting,
  );
  return { sku, result: { skuId: sku._id, before: sku.stock, after, entryId: entry._id } };
}

/** `stock.adjust`: one SKU, its ledger entry, its product's total and the audit entry, in one transaction. */
export function adjustStock(
  change: StockChange & { reason: StockReason; note: string },
  acting: Acting,
): Promise<StockAdjustResult> {
  return withRetries(db, async (tx) => {
    const { sku, result } = await changeStockIn(tx, change, change.reason, change.note, acting);
    await refreshDerived(tx, sku.spuId, acting.now);
    await writeAudit(tx, acting.actor, acting.now, {
      action: CatalogRoutes.stockAdjust,
      target: sku._id,
      before: { stock: result.before },
      after: { stock: result.after },
      detail: { spuId: sku.spuId, reason: change.reason, note: change.note, ledgerEntry: result.entryId },
    });
    return result;
  });
}

/**
 * `stock.bulkAdjust`: many SKUs in one transaction, all or nothing (one refused SKU changes none); one audit entry
 * listing every SKU's before and after.
 */
export function bulkAdjustStock(
  items: StockChange[],
  reason: StockReason,
  note: string,
  acting: Acting,
): Promise<StockAdjustResult[]> {
  const ids = items.map((i) => i.skuId);
  if (new Set(ids).size !== ids.length) throw new ShopError(ErrorCode.VALIDATION, '同一规格不能在一次调整中出现两次');
  return withRetries(db, async (tx) => {
    const results: StockAdjustResult[] = [];
    const spuIds = new Set<string>();
    for (const item of items) {
      const { sku, result } = await changeStockIn(tx, item, reason, note, acting);
      spuIds.add(sku.spuId);
      results.push(result);
    }
    for (const spuId of spuIds) await refreshDerived(tx, spuId, acting.now);
    await writeAudit(tx, acting.actor, acting.now, {
      action: CatalogRoutes.stockBulkAdjust,
      target: ids.length === 1 ? ids[0]! : `${ids.length} SKUs`,
      before: Object.fromEntries(results.map((r) => [r.skuId, r.before])),
      after: Object.fromEntries(results.map((r) => [r.skuId, r.after])),
      detail: { reason, note, skuIds: ids, spuIds: [...spuIds] },
    });
    return results;
  });
}

export function ledgerView(doc: StockLedgerDoc): StockLedgerEntryView {
  return {
    id: doc._id,
    skuId: doc.skuId,
    spuId: doc.spuId,
    delta: doc.delta,
    before: doc.before,
    after: doc.after,
    reason: doc.reason,
    reasonLabel: STOCK_REASON_LABELS[doc.reason],
    note: doc.note,
    actor: doc.actorName || doc.actor,
    at: new Date(doc.at).toISOString(),
  };
}

/** `stock.ledger`: one SKU's or one product's entries, newest first, a page at a time (indexes skuId/spuId + at). */
export async function listLedger(query: {
  skuId?: string;
  spuId?: string;
  cursor?: string;
  pageSize: number;
}): Promise<{ items: StockLedgerEntryView[]; nextCursor?: string }> {
  const conditions: Array<Record<string, unknown>> = [query.skuId ? { skuId: query.skuId } : { spuId: query.spuId }];
  if (query.cursor) conditions.push(...afterCursor('at', 'desc', query.cursor, true));
  const docs = (
    await db
      .collection<StockLedgerDoc>(STOCK_LEDGER)
      .where(_.and(conditions))
      .orderBy('at', 'desc')
      .orderBy('_id', 'asc')
      .limit(query.pageSize + 1)
      .get()
  ).data;
  const page = pageOf(docs, query.pageSize, (d) => new Date(d.at).getTime());
  return { items: page.items.map(ledgerView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

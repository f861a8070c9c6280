import {
  type CsvExport,
  ExportRoutes,
  MAX_EXPORT_BYTES,
  MAX_EXPORT_ROWS,
  type OrdersExportInput,
} from '../../typings/admin-export.js';
import type { z } from 'zod';
import { ORDERS, type OrderDoc } from '../shared/model/order.js';
import { orderAddressBinding, readField } from '../shared/platform/field-crypto.js';
import { beijingTime, csvDocument, ORDER_EXPORT_HEADERS, orderExportRow, rowsWithin } from '../shared/rules/csv.js';
import { maskDetail, maskPhone } from '../shared/rules/masks.js';
import { audit } from '../shared/store/audit-trail.js';
import { _, db } from '../shared/store/db.js';
import { afterCursor, encodeCursor } from '../shared/store/pagination.js';
import { actorOf } from './audit.js';
import { type AdminContext, can } from './rbac.js';

/**
 * `orders.export` (docs/back-office/reviews.md, "CSV export"): the orders of a time range as a CSV, personal data
 * masked unless the role reads it in full, audited with its filters and row count (and, in full, as a read of
 * personal data) before the file is handed out.
 */

/** Orders read per round trip (a query answers at most 1,000 documents). */
const BATCH = 500;

/** Orders created in [from, to), of `status` if given, oldest first, at most `max` (and whether more matched). */
async function ordersBetween(from: Date, to: Date, status: string | undefined, max: number) {
  const found: OrderDoc[] = [];
  let cursor: string | undefined;
  for (;;) {
    const conditions: Array<Record<string, unknown>> = [{ createdAt: _.gte(from) }, { createdAt: _.lt(to) }];
    if (status) conditions.push({ status });
    if (cursor) conditions.push(...afterCursor('createdAt', 'asc', cursor, true));
    const want = Math.min(BATCH, max + 1 - found.length);
    const batch = (
      await db
        .collection<OrderDoc>(ORDERS)
        .where(_.and(conditions))
        .orderBy('createdAt', 'asc')
        .orderBy('_id', 'asc')
        .limit(want)
        .get()
    ).data;
    found.push(...batch);
    const last = batch[batch.length - 1];
    if (batch.length < want || found.length > max || !last) break;
    cursor = encodeCursor({ value: new Date(last.createdAt).getTime(), id: last._id });
  }
  return { orders: found.slice(0, max), truncated: found.length > max };
}

const day = (date: Date) => beijingTime(date).slice(0, 10).replaceAll('-', '');

export async function exportOrders(input: z.output<typeof OrdersExportInput>, ctx: AdminContext): Promise<CsvExport> {
  const { from, to, status } = input;
  const full = can(ctx.merchant, 'personal_data.read');
  const found = await ordersBetween(from, to, status, MAX_EXPORT_ROWS);
  // Rows are built before anything is recorded so that the audit entry counts exactly what the file holds.
  const built = found.orders.map((order) =>
    orderExportRow(order, {
      phone: readField(order.address.phone, orderAddressBinding(order._id, 'phone'), full ? undefined : maskPhone),
      detail: readField(order.address.detail, orderAddressBinding(order._id, 'detail'), full ? undefined : maskDetail),
    }),
  );
  const { rows, cut } = rowsWithin(ORDER_EXPORT_HEADERS, built, MAX_EXPORT_BYTES);
  const truncated = found.truncated || cut;
  const filters = { from: from.toISOString(), to: to.toISOString(), ...(status ? { status } : {}) };
  const actor = actorOf(ctx);
  // Recorded before the file leaves: no export, and no full read of personal data, goes unrecorded.
  await audit(actor, ctx.now, {
    action: ExportRoutes.orders,
    target: 'orders',
    detail: { filters, rowCount: rows.length, truncated, personalData: full ? 'full' : 'masked' },
  });
  if (full && rows.length > 0) {
    await audit(actor, ctx.now, {
      action: 'personal_data.read',
      target: 'orders',
      detail: { fields: ['phone', 'detail'], via: ExportRoutes.orders, filters, rowCount: rows.length },
    });
  }
  return {
    fileName: `订单导出-${day(from)}-${day(new Date(to.getTime() - 1))}.csv`,
    contentType: 'text/csv; charset=utf-8',
    csv: csvDocument(ORDER_EXPORT_HEADERS, rows),
    rowCount: rows.length,
    truncated,
    personalData: full ? 'full' : 'masked',
  };
}

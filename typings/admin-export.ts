import { z } from 'zod';
import { ORDER_STATUSES } from './order.js';

/**
 * Data exports of the back office (docs/back-office/reviews.md, "CSV export"), permission `data.export` and a second
 * verification (二次验证). Every export is audited with its filters and row count.
 */
export const ExportRoutes = {
  orders: 'orders.export',
} as const;

/**
 * An export holds at most this many orders, and at most MAX_EXPORT_BYTES of CSV: the answer is inline, under the
 * platform's 6 MB limit on a function's result (docs/platform.md).
 */
export const MAX_EXPORT_ROWS = 5000;
export const MAX_EXPORT_BYTES = 4 * 1024 * 1024;
/** At most this long a time range per export. */
export const MAX_EXPORT_DAYS = 93;

const IsoTime = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

/**
 * `orders.export` (data.export, second verification): the orders placed in [`from`, `to`), all or of one `status`,
 * oldest first, as a CSV for Excel (UTF-8 with BOM, Chinese headers, money in yuan with 2 decimals, RFC 4180 quoting,
 * cells that a spreadsheet would run as a formula prefixed with `'`). One row per order; at most MAX_EXPORT_ROWS
 * rows and MAX_EXPORT_BYTES (`truncated` says more matched). Phone and street are masked unless the role may read personal data in full
 * (personal_data.read), which is then audited as a read of personal data. A range over MAX_EXPORT_DAYS, or `to` not
 * after `from`, answers VALIDATION.
 */
export const OrdersExportInput = z
  .object({
    from: IsoTime,
    to: IsoTime,
    status: z.enum(ORDER_STATUSES).optional(),
  })
  .strict()
  .refine((v) => v.to > v.from, { message: '结束时间须晚于开始时间', path: ['to'] })
  .refine((v) => v.to.getTime() - v.from.getTime() <= MAX_EXPORT_DAYS * 86_400_000, {
    message: `导出时间范围最多 ${MAX_EXPORT_DAYS} 天`,
    path: ['to'],
  });
export type OrdersExportInput = z.input<typeof OrdersExportInput>;

export interface CsvExport {
  /** e.g. `订单导出-20261201-20261205.csv`. */
  fileName: string;
  /** `text/csv; charset=utf-8`. */
  contentType: string;
  /** The file's text, starting with the BOM (U+FEFF). */
  csv: string;
  rowCount: number;
  /** More orders matched than fit (MAX_EXPORT_ROWS, MAX_EXPORT_BYTES): narrow the range. */
  truncated: boolean;
  /** Whether phones and streets are in full. */
  personalData: 'full' | 'masked';
}

import type { OrderDoc } from '../model/order.js';
import { ORDER_STATUS_LABELS } from './order-transitions.js';

/**
 * CSV files for spreadsheets (docs/back-office/reviews.md, "CSV export"): RFC 4180 (fields quoted when they hold a
 * comma, quote, CR or LF, quotes doubled, CRLF line ends), UTF-8 with a BOM so that Excel reads Chinese, and cells a
 * spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR first: CSV injection, OWASP) prefixed with `'`. Pure.
 */

export const BOM = '\uFEFF';

export type Cell = string | number | null | undefined;

/** Characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field as written: guarded against formulas, quoted when needed. Numbers are written as they are. */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record as written, with its CRLF. */
export function csvLine(row: Cell[]): string {
  return `${row.map(csvCell).join(',')}\r\n`;
}

/** The whole file: BOM, header row, rows, each line ending in CRLF. */
export function csvDocument(headers: string[], rows: Cell[][]): string {
  return BOM + [headers, ...rows].map(csvLine).join('');
}

/** The first rows whose lines fit in `maxBytes` of UTF-8 (the header's included), and whether any were left out. */
export function rowsWithin<R extends Cell[]>(headers: string[], rows: R[], maxBytes: number): { rows: R[]; cut: boolean } {
  let bytes = Buffer.byteLength(BOM + csvLine(headers), 'utf8');
  for (const [i, row] of rows.entries()) {
    bytes += Buffer.byteLength(csvLine(row), 'utf8');
    if (bytes > maxBytes) return { rows: rows.slice(0, i), cut: true };
  }
  return { rows, cut: false };
}

/** Reads a CSV written as above back into rows of text (the BOM dropped; quotes undone). For tests and imports. */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith(BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && src[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

/** Integer fen as a spreadsheet number in yuan with 2 decimals: 12345 → `123.45`, -5 → `-0.05`. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** A time in Beijing time, `2026-12-05 16:30:00` (empty when absent). */
export function beijingTime(date: Date | string | undefined | null): string {
  if (date === undefined || date === null) return '';
  return new Date(new Date(date).getTime() + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The columns of `orders.export`, in order. */
export const ORDER_EXPORT_HEADERS = [
  '订单号',
  '下单时间',
  '订单状态',
  '商品',
  '件数',
  '商品金额（元）',
  '优惠（元）',
  '运费（元）',
  '实付金额（元）',
  '已退款（元）',
  '收货人',
  '手机号',
  '收货地区',
  '详细地址',
  '买家备注',
  '支付时间',
  '发货时间',
  '快递公司',
  '运单号',
  '完成时间',
];

/**
 * One order as a row. `phone` and `detail` come decided by the caller: decrypted and masked, or in full. Money in
 * yuan; the order number as text (22 digits would lose precision as a spreadsheet number).
 */
export function orderExportRow(order: OrderDoc, personal: { phone: string; detail: string }): string[] {
  const { name, province, city, district } = order.address;
  return [
    order._id,
    beijingTime(order.createdAt),
    ORDER_STATUS_LABELS[order.status] ?? order.status,
    order.lines.map((l) => `${l.title}${specSuffix(l.specValues)} ×${l.quantity}`).join('；'),
    String(order.lines.reduce((n, l) => n + l.quantity, 0)),
    yuanText(order.amounts.subtotal),
    yuanText(order.amounts.discountTotal),
    yuanText(order.amounts.freight),
    yuanText(order.amounts.payable),
    yuanText(order.refunds?.fee ?? (order.status === 'refunded' ? order.amounts.payable : 0)),
    name,
    personal.phone,
    `${province} ${city} ${district}`,
    personal.detail,
    order.remark,
    beijingTime(order.paidAt),
    beijingTime(order.shippedAt),
    order.shipping?.carrier ?? '',
    order.shipping?.trackingNo ?? '',
    beijingTime(order.completedAt),
  ];
}

function specSuffix(specValues: Record<string, string>): string {
  const values = Object.values(specValues);
  return values.length ? `（${values.join(' / ')}）` : '';
}

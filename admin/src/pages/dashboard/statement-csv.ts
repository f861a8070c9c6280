import type { Statement, StatementDay } from '../../../../typings/admin-figures';

/**
 * 财务对账's 导出 CSV, built in the browser from the statement on screen: amounts in yuan as plain numbers (no ¥, so
 * spreadsheets sum them), and a byte order mark so Excel reads the Chinese headers as UTF-8.
 */
const HEADER = ['日期', '收款笔数', '收款金额（元）', '退款笔数', '退款金额（元）', '手续费（元）', '净收入（元）', '预计结算日'];

/** 12345 → "123.45", -5 → "-0.05". */
export function plainYuan(fen: number): string {
  return `${fen < 0 ? '-' : ''}${(Math.abs(fen) / 100).toFixed(2)}`;
}

function cells(day: string, row: Omit<StatementDay, 'day' | 'settlementDay'>, settlementDay: string): string[] {
  return [
    day,
    String(row.payments.count),
    plainYuan(row.payments.fee),
    String(row.refunds.count),
    plainYuan(row.refunds.fee),
    plainYuan(row.payFee),
    plainYuan(row.net),
    settlementDay,
  ];
}

const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

export function statementCsv(statement: Statement): string {
  const rows = [HEADER, ...statement.days.map((d) => cells(d.day, d, d.settlementDay)), cells('合计', statement.totals, '')];
  return `\uFEFF${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`;
}

/** Saves `text` as a file through a Blob link, as a download the browser names `fileName`. */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has handed the Blob to the download; the URL is no longer needed.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

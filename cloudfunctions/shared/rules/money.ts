import { type OrderDoc } from '../model/order.js';

/** Money and orders as shoppers read them (messages, refusals): amounts in yuan, clipped text, an order's title. */

/** Integer fen as shoppers read it: 12345 → "¥123.45". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** At most `max` characters (code points, as WeChat counts them), with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** What the order is called in one line: its first item, and how many more. */
export function orderTitle(order: Pick<OrderDoc, 'lines'>): string {
  const first = order.lines[0]?.title ?? '商品';
  const count = order.lines.reduce((n, l) => n + l.quantity, 0);
  return order.lines.length > 1 ? `${first} 等${count}件商品` : first;
}

/** Money is integer fen everywhere; the page shows yuan and takes yuan in forms. */

/** 12345 → "¥123.45"; negative amounts keep their sign in front: "-¥1.00". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  return `${sign}¥${(Math.abs(fen) / 100).toFixed(2)}`;
}

/** "123.45" or 123.45 → 12345; undefined for anything that is not an amount with at most two decimals. */
export function toFen(value: string | number | undefined | null): number | undefined {
  const text = String(value ?? '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return undefined;
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** 12345 → 123.45, for an input's initial value. */
export function fenToYuanNumber(fen: number): number {
  return fen / 100;
}

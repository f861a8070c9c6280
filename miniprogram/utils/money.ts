/**
 * Money is integer fen everywhere, on the wire too (docs/architecture.md); it becomes yuan only to be shown.
 */

/** `¥64.00` for 6400, `-¥5.00` for -500. */
export function formatFen(fen: number): string {
  const { sign, yuan, cents } = fenParts(fen);
  return `${sign}¥${yuan}.${cents}`;
}

/** The parts a price is drawn from: 6400 → `{ sign: '', yuan: '64', cents: '00' }`. */
export function fenParts(fen: number): { sign: string; yuan: string; cents: string } {
  const whole = Math.round(fen);
  const abs = Math.abs(whole);
  return { sign: whole < 0 ? '-' : '', yuan: String(Math.floor(abs / 100)), cents: String(abs % 100).padStart(2, '0') };
}

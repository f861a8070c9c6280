/** An exact ratio from the API (numerator / denominator) as a percentage, "—" when nothing was counted. */
export function percent(ratio: { numerator: number; denominator: number } | undefined, digits = 1): string {
  if (!ratio || ratio.denominator === 0) return '—';
  return `${((ratio.numerator / ratio.denominator) * 100).toFixed(digits)}%`;
}

import { RFM_SEGMENTS, type RfmOverview, type RfmScores, type RfmSegment } from '../../../typings/admin-figures.js';
import { beijingDay } from './figures.js';

/**
 * RFM (docs/back-office/figures.md), pure: for every customer (a shopper with a paid order) R = days since the last
 * paid order (Beijing days), F = paid orders in the last 365 days, M = fen paid on them (`amounts.payable`; refunds
 * are not taken off). Each is scored 1–5 by quintile among all customers: a value's score is 1 + ⌊5 × (customers
 * strictly worse) ÷ (customers)⌋, so equal values share a score (for R fewer days is better). A score at or above
 * the average of its kind counts as high; the three highs and lows name the eight segments.
 */

export interface PaidFact {
  openid: string;
  paidAt: Date;
  payable: number;
}

export interface CustomerRfm extends RfmScores {
  openid: string;
  lastPaidAt: Date;
}

const DAY_MS = 86_400_000;
export const RFM_WINDOW_DAYS = 365;

/** [R high, F high, M high] → segment. */
const SEGMENT_OF: Record<string, RfmSegment> = {
  '111': '重要价值客户',
  '101': '重要发展客户',
  '011': '重要保持客户',
  '001': '重要挽留客户',
  '110': '一般价值客户',
  '100': '一般发展客户',
  '010': '一般保持客户',
  '000': '一般挽留客户',
};

export function segmentOf(rHigh: boolean, fHigh: boolean, mHigh: boolean): RfmSegment {
  return SEGMENT_OF[`${Number(rHigh)}${Number(fHigh)}${Number(mHigh)}`]!;
}

/** Quintile scores: 1 + ⌊5 × worse ÷ n⌋, `worse` counting the values strictly worse than each. */
export function quintileScores(values: number[], higherIsBetter: boolean): number[] {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const below = (v: number) => lowerBound(sorted, v);
  const above = (v: number) => n - upperBound(sorted, v);
  return values.map((v) => 1 + Math.floor((5 * (higherIsBetter ? below(v) : above(v))) / n));
}

function lowerBound(sorted: number[], v: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(sorted: number[], v: number): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every customer's RFM, by openid order. */
export function rfmOf(paid: PaidFact[], now: Date): CustomerRfm[] {
  const since = now.getTime() - RFM_WINDOW_DAYS * DAY_MS;
  const today = Date.parse(beijingDay(now));
  const byOpenid = new Map<string, { last: Date; f: number; m: number }>();
  for (const fact of paid) {
    const at = new Date(fact.paidAt);
    const c = byOpenid.get(fact.openid) ?? { last: at, f: 0, m: 0 };
    if (at > c.last) c.last = at;
    if (at.getTime() >= since && at <= now) {
      c.f += 1;
      c.m += fact.payable;
    }
    byOpenid.set(fact.openid, c);
  }
  const customers = [...byOpenid].sort(([a], [b]) => (a < b ? -1 : 1));
  const recency = customers.map(([, c]) => Math.max(0, Math.round((today - Date.parse(beijingDay(c.last))) / DAY_MS)));
  const r = quintileScores(recency, false);
  const f = quintileScores(
    customers.map(([, c]) => c.f),
    true,
  );
  const m = quintileScores(
    customers.map(([, c]) => c.m),
    true,
  );
  const avg = (scores: number[]) => scores.reduce((a, b) => a + b, 0) / (scores.length || 1);
  const [ar, af, am] = [avg(r), avg(f), avg(m)];
  return customers.map(([openid, c], i) => ({
    openid,
    lastPaidAt: c.last,
    recencyDays: recency[i]!,
    frequency: c.f,
    monetary: c.m,
    r: r[i]!,
    f: f[i]!,
    m: m[i]!,
    segment: segmentOf(r[i]! >= ar, f[i]! >= af, m[i]! >= am),
  }));
}

/** Segment counts and average scores (2 decimals). */
export function rfmOverview(customers: CustomerRfm[]): RfmOverview {
  const avg = (pick: (c: CustomerRfm) => number) =>
    customers.length ? Math.round((customers.reduce((n, c) => n + pick(c), 0) / customers.length) * 100) / 100 : 0;
  return {
    customers: customers.length,
    averages: { r: avg((c) => c.r), f: avg((c) => c.f), m: avg((c) => c.m) },
    segments: RFM_SEGMENTS.map((segment) => ({ segment, customers: customers.filter((c) => c.segment === segment).length })),
  };
}

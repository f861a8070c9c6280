import {
  type FiguresDayDoc,
  type FiguresOverview,
  type FiguresSummary,
  NEXT_DAY_RETENTION_TARGET,
  PAYMENT_SUCCESS_TARGET,
  type ProductFigures,
  type Ratio,
} from '../../../typings/admin-figures.js';

/**
 * The back office's figures, pure (docs/back-office/figures.md): Beijing days, one day's roll-up from the raw facts
 * the store reads (store/daily-rollups.ts), and exact ratios. Every figure of a day is attributed to the Beijing day of
 * the server time its fact was recorded at (an order's `createdAt`, `paidAt`, `payStartedAt`, a refund's `refundedAt`,
 * a tracked event's arrival).
 */

const UTC8_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Beijing (UTC+8) calendar day of an instant, `YYYY-MM-DD`. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + UTC8_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing day starts (its midnight, UTC+8). */
export function dayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) - UTC8_MS);
}

/** The day `n` days after `day` (negative: before). */
export function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included (none when `to` is before `from`). */
export function daysFrom(from: string, to: string): string[] {
  const days: string[] = [];
  for (let day = from; day <= to; day = shiftDay(day, 1)) days.push(day);
  return days;
}

/** Whether the text is a real calendar day `YYYY-MM-DD`. */
export function isDay(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && new Date(`${text}T00:00:00.000Z`).toISOString().slice(0, 10) === text;
}

/** An exact ratio; `value` (4 decimals) only for display, `null` when the denominator is 0. */
export function ratio(numerator: number, denominator: number): Ratio {
  return { numerator, denominator, value: denominator === 0 ? null : Math.round((numerator / denominator) * 10_000) / 10_000 };
}

/** A WeChat Pay time `yyyyMMddHHmmss` (China time) as an instant; undefined when it is not one. */
export function payTime(timeEnd: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(timeEnd ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s) - UTC8_MS);
}

/**
 * A payment recorded this long after WeChat Pay's own time of payment (`timeEnd`) was not learned from its
 * notification, which arrives within seconds, but by the jobs timer asking WeChat Pay (reconciliation, at least
 * 2 minutes after the payment started) or from a notification retried long after: "recovered".
 */
export const RECOVERED_AFTER_MS = 60_000;

/** The facts of an order the figures use. */
export interface FactOrder {
  _id: string;
  openid: string;
  status: string;
  createdAt: Date;
  paidAt?: Date;
  payStartedAt?: Date;
  refundedAt?: Date;
  amounts: { payable: number };
  payment?: { transactionId: string; totalFee: number; timeEnd: string };
  lines: Array<{ spuId: string; title: string; quantity: number; payable: number }>;
  refunds?: { fee: number };
  priceRefund?: { refundFee: number; status: string; refundedAt?: Date };
}

/** One refund of money, as the figures and the statement count it. */
export interface RefundFact {
  orderId: string;
  fee: number;
  at: Date;
  /**
   * `case` an after-sale case, `order` an order refunded as a whole, `price` a group-buy's difference, `late` a
   * payment refunded because the order was closed (or paid another amount).
   */
  kind: 'case' | 'order' | 'price' | 'late';
}

/** Whether the order was paid (the `pay` event: `paidAt`); late and mismatched payments are not sales. */
export const isPaid = (order: FactOrder): boolean => order.paidAt !== undefined && order.paidAt !== null;

/**
 * The refunds an order's document shows outside after-sale cases (whose refunds are their own documents): a whole
 * order refunded (`refundedAt`, no `refunds` by cases: the payment less a difference already paid back), a late or
 * mismatched payment refunded, a group-buy's difference refund once done.
 */
export function orderRefunds(order: FactOrder): RefundFact[] {
  const facts: RefundFact[] = [];
  const price = order.priceRefund?.status === 'done' && order.priceRefund.refundedAt ? order.priceRefund : undefined;
  if (price) facts.push({ orderId: order._id, fee: price.refundFee, at: new Date(price.refundedAt!), kind: 'price' });
  if (order.refundedAt && !order.refunds && order.payment) {
    const paid = isPaid(order);
    if (!paid || order.status === 'refunded') {
      const fee = order.payment.totalFee - (paid && price ? price.refundFee : 0);
      facts.push({ orderId: order._id, fee, at: new Date(order.refundedAt), kind: paid ? 'order' : 'late' });
    }
  }
  return facts;
}

/** What one day's roll-up is computed from, read by the store (or a test, from everything). */
export interface DayFacts {
  day: string;
  traffic: { pageViews: number; productViews: number; shares: number; cartAdds: number };
  /** The day's tracked visitors, with what they did. */
  visits: Array<{ openid: string; productViewed?: boolean; cartAdded?: boolean }>;
  /** The next day's tracked visitors; undefined while the next day has not started. */
  nextDayVisitors?: string[];
  /** Orders created on the day, paid on the day, and whose payment started on the day (may overlap). */
  created: FactOrder[];
  paid: FactOrder[];
  payStarted: FactOrder[];
  /** Refunds of paid orders recorded on the day (cases, whole orders, differences; late refunds are left out). */
  refunds: RefundFact[];
}

/** The most products a day's document keeps (by GMV); a small shop sells fewer in a day. */
export const MAX_DAY_PRODUCTS = 200;

/** One day's figures from its facts. `complete`: the day and the next one are over, so nothing will change it. */
export function rollUpDay(facts: DayFacts, now: Date): FiguresDayDoc {
  const { day } = facts;
  const inDay = (at: Date | undefined) => at !== undefined && beijingDay(new Date(at)) === day;
  const created = facts.created.filter((o) => inDay(o.createdAt));
  const paid = facts.paid.filter((o) => isPaid(o) && inDay(o.paidAt));
  const started = facts.payStarted.filter((o) => inDay(o.payStartedAt));
  const tracked = new Set(facts.visits.map((v) => v.openid));
  const creators = new Set(created.map((o) => o.openid));
  const payers = new Set(paid.map((o) => o.openid));
  const visitors = new Set([...tracked, ...creators, ...payers]);
  const products = new Map<string, ProductFigures>();
  for (const order of paid) {
    for (const line of order.lines) {
      const p = products.get(line.spuId) ?? { spuId: line.spuId, title: line.title, units: 0, gmv: 0 };
      p.units += line.quantity;
      p.gmv += line.payable;
      products.set(line.spuId, p);
    }
  }
  const refunds = facts.refunds.filter((r) => r.kind !== 'late' && inDay(r.at));
  const startedPaid = started.filter(isPaid);
  const next = facts.nextDayVisitors ? new Set(facts.nextDayVisitors) : undefined;
  return {
    _id: day,
    day,
    visitors: visitors.size,
    trackedVisitors: tracked.size,
    ...facts.traffic,
    productViewers: facts.visits.filter((v) => v.productViewed).length,
    cartAdders: facts.visits.filter((v) => v.cartAdded).length,
    orderCreators: creators.size,
    ordersCreated: created.length,
    payingShoppers: payers.size,
    paidOrders: paid.length,
    gmv: sum(paid.map((o) => o.amounts.payable)),
    refunds: { count: refunds.length, fee: sum(refunds.map((r) => r.fee)) },
    payments: {
      started: started.length,
      paid: startedPaid.length,
      recovered: startedPaid.filter(isRecovered).length,
    },
    retention: {
      base: tracked.size,
      retained: next ? [...tracked].filter((o) => next.has(o)).length : 0,
      final: dayStart(shiftDay(day, 2)) <= now,
    },
    products: [...products.values()]
      .sort((a, b) => b.gmv - a.gmv || b.units - a.units || (a.spuId < b.spuId ? -1 : 1))
      .slice(0, MAX_DAY_PRODUCTS),
    complete: dayStart(shiftDay(day, 2)) <= now,
    rolledUpAt: now,
  };
}

/** Paid, but recorded RECOVERED_AFTER_MS or more after WeChat Pay's time of payment. */
export function isRecovered(order: FactOrder): boolean {
  const paidOn = payTime(order.payment?.timeEnd);
  return isPaid(order) && paidOn !== undefined && new Date(order.paidAt!).getTime() - paidOn.getTime() >= RECOVERED_AFTER_MS;
}

export const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

/** A day without a roll-up: everything zero. */
export function emptyDay(day: string): FiguresDayDoc {
  return rollUpDay(
    {
      day,
      traffic: { pageViews: 0, productViews: 0, shares: 0, cartAdds: 0 },
      visits: [],
      created: [],
      paid: [],
      payStarted: [],
      refunds: [],
    },
    dayStart(shiftDay(day, 2)),
  );
}

/**
 * The figures of one day or of several added up. GMV = visitors × conversion × ordersPerBuyer × aov holds exactly
 * because the ratios share their terms (visitors × payers/visitors × orders/payers × gmv/orders), which
 * `decompositionHolds` checks with integers; it fails only when a denominator is 0 while there is GMV, which cannot
 * happen since every paying shopper is a visitor and every paid order has a payer.
 */
export function summarize(days: FiguresDayDoc[]): FiguresSummary {
  const total = (pick: (d: FiguresDayDoc) => number) => sum(days.map(pick));
  const visitors = total((d) => d.visitors);
  const payingShoppers = total((d) => d.payingShoppers);
  const paidOrders = total((d) => d.paidOrders);
  const gmv = total((d) => d.gmv);
  const payments = {
    started: total((d) => d.payments.started),
    paid: total((d) => d.payments.paid),
    recovered: total((d) => d.payments.recovered),
  };
  const successRate = ratio(payments.paid, payments.started);
  const retention = { base: total((d) => d.retention.base), retained: total((d) => d.retention.retained) };
  const retentionRate = ratio(retention.retained, retention.base);
  return {
    visitors,
    payingShoppers,
    paidOrders,
    gmv,
    conversion: ratio(payingShoppers, visitors),
    ordersPerBuyer: ratio(paidOrders, payingShoppers),
    aov: ratio(gmv, paidOrders),
    revenuePerBuyer: ratio(gmv, payingShoppers),
    decompositionHolds: decomposes(visitors, payingShoppers, paidOrders, gmv),
    funnel: {
      visitors,
      productViewers: total((d) => d.productViewers),
      cartAdders: total((d) => d.cartAdders),
      orderCreators: total((d) => d.orderCreators),
      payingShoppers,
    },
    pageViews: total((d) => d.pageViews),
    productViews: total((d) => d.productViews),
    cartAdds: total((d) => d.cartAdds),
    shares: total((d) => d.shares),
    ordersCreated: total((d) => d.ordersCreated),
    refunds: { count: total((d) => d.refunds.count), fee: total((d) => d.refunds.fee) },
    payments: {
      ...payments,
      successRate,
      meetsTarget: successRate.denominator === 0 ? null : payments.paid >= PAYMENT_SUCCESS_TARGET * payments.started,
    },
    retention: {
      ...retention,
      rate: retentionRate,
      meetsTarget: retentionRate.denominator === 0 ? null : retention.retained >= NEXT_DAY_RETENTION_TARGET * retention.base,
      final: days.every((d) => d.retention.final),
    },
  };
}

/** visitors × (payers/visitors) × (orders/payers) × (gmv/orders) = gmv, in integers (BigInt: no rounding). */
export function decomposes(visitors: number, payers: number, orders: number, gmv: number): boolean {
  if (gmv === 0) return true;
  if (visitors === 0 || payers === 0 || orders === 0) return false;
  const [v, p, o, g] = [visitors, payers, orders, gmv].map(BigInt) as [bigint, bigint, bigint, bigint];
  const denominators = v * p * o;
  const numerators = v * p * o * g;
  return numerators % denominators === 0n && numerators / denominators === g;
}

/** The overview of `from`..`to` from the stored roll-ups (a missing day counts as zero and is named). */
export function overviewOf(from: string, to: string, stored: FiguresDayDoc[], topN = 10): FiguresOverview {
  const byDay = new Map(stored.map((d) => [d.day, d]));
  const range = daysFrom(from, to);
  const days = range.map((day) => byDay.get(day) ?? emptyDay(day));
  const products = new Map<string, ProductFigures>();
  for (const doc of days) {
    for (const p of doc.products) {
      const acc = products.get(p.spuId) ?? { spuId: p.spuId, title: p.title, units: 0, gmv: 0 };
      acc.units += p.units;
      acc.gmv += p.gmv;
      products.set(p.spuId, acc);
    }
  }
  return {
    from,
    to,
    days: days.map((d) => ({
      day: d.day,
      ...summarize([d]),
      ...(byDay.has(d.day) ? { rolledUpAt: new Date(d.rolledUpAt).toISOString() } : {}),
    })),
    totals: summarize(days),
    topProducts: [...products.values()]
      .sort((a, b) => b.gmv - a.gmv || b.units - a.units || (a.spuId < b.spuId ? -1 : 1))
      .slice(0, topN),
    targets: { paymentSuccessRate: PAYMENT_SUCCESS_TARGET, nextDayRetention: NEXT_DAY_RETENTION_TARGET },
    missingDays: range.filter((day) => !byDay.has(day)),
  };
}

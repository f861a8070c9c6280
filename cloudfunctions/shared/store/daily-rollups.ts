import type { FiguresDayDoc } from '../../../typings/admin-figures.js';
import { AFTER_SALES, type AfterSaleDoc } from '../model/after-sale.js';
import { ORDERS } from '../model/order.js';
import {
  type DayFacts,
  type FactOrder,
  type RefundFact,
  beijingDay,
  dayStart,
  daysFrom,
  orderRefunds,
  rollUpDay,
  shiftDay,
} from '../rules/figures.js';
import { type PaymentFact, statementOf } from '../rules/statement.js';
import type { Statement } from '../../../typings/admin-figures.js';
import { _, db } from './db.js';
import { TRAFFIC_DAILY, type TrafficDayDoc, VISITS, type VisitDoc } from './visits.js';

/**
 * The daily roll-ups (`figures_daily`, `_id` the Beijing day), written by the jobs timer and read by
 * `figures.overview` (docs/back-office/figures.md). Each firing recomputes today and yesterday (a day's retention
 * needs the next day), then the days not rolled up for good yet, oldest first; a day is final (`complete`) once the
 * next day is over too, and never recomputed after.
 */
export const FIGURES_DAILY = 'figures_daily';

/** How far back a first roll-up looks, and how many days one firing rolls up at most (the rest waits a minute). */
const MAX_BACKFILL_DAYS = 400;
const MAX_DAYS_PER_FIRING = 40;
const PAGE = 100;

const ORDER_FIELDS = [
  'openid',
  'status',
  'createdAt',
  'paidAt',
  'payStartedAt',
  'refundedAt',
  'amounts',
  'payment',
  'lines',
  'refunds',
  'priceRefund',
] as const;

/** Every document matching `filter`, a page at a time in `_id` order. */
export async function readAll<T extends { _id: string }>(
  collection: string,
  filter: Record<string, unknown>,
  fields?: readonly string[],
): Promise<T[]> {
  const found: T[] = [];
  const projection = fields ? Object.fromEntries(['_id', ...fields].map((f) => [f, true])) : undefined;
  for (;;) {
    const last = found[found.length - 1];
    const where = last ? _.and([filter, { _id: _.gt(last._id) }]) : filter;
    let query = db.collection<T>(collection).where(where).orderBy('_id', 'asc').limit(PAGE);
    if (projection) query = query.field(projection);
    const page = (await query.get()).data;
    found.push(...page);
    if (page.length < PAGE) return found;
  }
}

const within = (day: string) => _.and([_.gte(dayStart(day)), _.lt(dayStart(shiftDay(day, 1)))]);

/** Everything one day's roll-up is computed from. */
export async function readDayFacts(day: string, now: Date): Promise<DayFacts> {
  const orders = (field: string) => readAll<FactOrder>(ORDERS, { [field]: within(day) }, ORDER_FIELDS);
  const nextDay = shiftDay(day, 1);
  const [traffic, visits, next, created, paid, payStarted, refunds] = await Promise.all([
    db.collection<TrafficDayDoc>(TRAFFIC_DAILY).doc(day).get(),
    readAll<VisitDoc>(VISITS, { day }, ['openid', 'productViewed', 'cartAdded']),
    dayStart(nextDay) <= now ? readAll<VisitDoc>(VISITS, { day: nextDay }, ['openid']) : undefined,
    orders('createdAt'),
    orders('paidAt'),
    orders('payStartedAt'),
    readRefunds(dayStart(day), dayStart(nextDay)),
  ]);
  const t = traffic.data;
  return {
    day,
    traffic: {
      pageViews: t?.pageViews ?? 0,
      productViews: t?.productViews ?? 0,
      shares: t?.shares ?? 0,
      cartAdds: t?.cartAdds ?? 0,
    },
    visits,
    nextDayVisitors: next?.map((v) => v.openid),
    created,
    paid,
    payStarted,
    refunds,
  };
}

/** Every refund recorded from `start` to before `end`: cases, whole orders, differences and late payments' refunds. */
export async function readRefunds(start: Date, end: Date): Promise<RefundFact[]> {
  const range = _.and([_.gte(start), _.lt(end)]);
  const [refunded, priceRefunded, cases] = await Promise.all([
    readAll<FactOrder>(ORDERS, { refundedAt: range }, ORDER_FIELDS),
    readAll<FactOrder>(ORDERS, { 'priceRefund.refundedAt': range }, ORDER_FIELDS),
    readAll<AfterSaleDoc>(AFTER_SALES, { refundedAt: range, status: 'refunded' }, ['orderId', 'refundFee', 'refundedAt']),
  ]);
  const byId = new Map([...refunded, ...priceRefunded].map((o) => [o._id, o]));
  const at = (fact: RefundFact) => fact.at >= start && fact.at < end;
  return [
    ...[...byId.values()].flatMap(orderRefunds).filter(at),
    ...cases.map((c): RefundFact => ({ orderId: c.orderId, fee: c.refundFee, at: new Date(c.refundedAt!), kind: 'case' })),
  ];
}

/** The payments WeChat Pay received on `from`..`to` (Beijing days of its `timeEnd`), 0-fen orders left out. */
export async function readPayments(from: string, to: string): Promise<PaymentFact[]> {
  const stamp = (day: string) => day.replace(/-/g, '');
  const orders = await readAll<FactOrder>(
    ORDERS,
    { 'payment.timeEnd': _.and([_.gte(`${stamp(from)}000000`), _.lte(`${stamp(to)}235959`)]) },
    ['payment'],
  );
  return orders
    .filter((o) => o.payment && o.payment.transactionId !== '')
    .map((o) => ({ orderId: o._id, totalFee: o.payment!.totalFee, timeEnd: o.payment!.timeEnd }));
}

/** Rolls up and stores one day. */
export async function rollUpAndStore(day: string, now: Date): Promise<FiguresDayDoc> {
  const doc = rollUpDay(await readDayFacts(day, now), now);
  const { _id, ...data } = doc;
  await db.collection(FIGURES_DAILY).doc(_id).set({ data });
  return doc;
}

/** The first day anything happened: the oldest order or tracked visit; undefined in a shop without either. */
async function firstDataDay(): Promise<string | undefined> {
  const [order, visit] = await Promise.all([
    db.collection<{ _id: string; createdAt: Date }>(ORDERS).orderBy('createdAt', 'asc').limit(1).field({ createdAt: true }).get(),
    db.collection<VisitDoc>(VISITS).orderBy('day', 'asc').limit(1).field({ day: true }).get(),
  ]);
  const days = [...order.data.map((o) => beijingDay(new Date(o.createdAt))), ...visit.data.map((v) => v.day)].sort();
  return days[0];
}

/**
 * The timer's step: today and yesterday recomputed, then the days since the first data not complete yet, oldest first,
 * until `deadline`. Answers how many past days were rolled up for good (`complete`) by this firing.
 */
export async function rollUpFigures(now: Date, deadline: number): Promise<number> {
  const today = beijingDay(now);
  const first = await firstDataDay();
  const floor = shiftDay(today, -MAX_BACKFILL_DAYS);
  const start = first === undefined || first > today ? today : first < floor ? floor : first;
  const done = new Set(
    (await readAll<FiguresDayDoc>(FIGURES_DAILY, { complete: true, day: _.gte(start) }, ['day'])).map((d) => d.day),
  );
  const recent = [today, shiftDay(today, -1)].filter((d) => d >= start);
  const older = daysFrom(start, shiftDay(today, -2)).filter((d) => !done.has(d));
  let completed = 0;
  for (const day of [...recent, ...older].slice(0, MAX_DAYS_PER_FIRING)) {
    if (Date.now() >= deadline) break;
    if ((await rollUpAndStore(day, now)).complete) completed++;
  }
  return completed;
}

/** The stored roll-ups of `from`..`to`. */
export function readRollUps(from: string, to: string): Promise<FiguresDayDoc[]> {
  return readAll<FiguresDayDoc>(FIGURES_DAILY, { _id: _.and([_.gte(from), _.lte(to)]) });
}

/** The finance statement of `from`..`to` (rules/statement.ts) from the orders' payment records and the refunds. */
export async function statementFor(
  from: string,
  to: string,
  config: { feeBp: number; settlementDays: number },
): Promise<Statement> {
  const [payments, refunds] = await Promise.all([readPayments(from, to), readRefunds(dayStart(from), dayStart(shiftDay(to, 1)))]);
  return statementOf(from, to, payments, refunds, config);
}

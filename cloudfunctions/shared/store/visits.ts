import type { TrackEvent } from '../../../typings/track.js';
import { FOOTPRINTS } from '../model/kept-products.js';
import { beijingDay } from '../rules/figures.js';
import { _, db } from './db.js';
import { keep } from './kept-products.js';
import { isDuplicateKey } from './transactions.js';

/**
 * What shoppers look at, counted cheaply for the figures (docs/back-office/figures.md): per Beijing day one counters
 * document (`traffic_daily`, `$inc`), one per product viewed (`product_views_daily`, `<day>:<spuId>`), and one per
 * shopper (`visits`, `<day>:<openid>`, created once: the day's unique visitors are these documents, and next-day
 * retention compares two days of them). A batch costs one write per document it touches. Each product viewed also
 * becomes one of the shopper's footprints (store/kept-products.ts).
 */
export const TRAFFIC_DAILY = 'traffic_daily';
export const PRODUCT_VIEWS_DAILY = 'product_views_daily';
export const VISITS = 'visits';

export interface TrafficDayDoc {
  _id: string;
  day: string;
  pageViews: number;
  productViews: number;
  shares: number;
  cartAdds: number;
}

export interface VisitDoc {
  _id: string;
  day: string;
  openid: string;
  firstAt: Date;
  productViewed?: boolean;
  cartAdded?: boolean;
}

export const visitId = (day: string, openid: string) => `${day}:${openid}`;

const COUNTER_OF = { page_view: 'pageViews', product_view: 'productViews', share: 'shares', add_to_cart: 'cartAdds' } as const;

/** Counts a batch of events for `openid` on the Beijing day of `now`; answers the day. */
export async function recordEvents(openid: string, events: TrackEvent[], now: Date): Promise<string> {
  const day = beijingDay(now);
  const counts = { pageViews: 0, productViews: 0, shares: 0, cartAdds: 0 };
  const views = new Map<string, number>();
  for (const event of events) {
    counts[COUNTER_OF[event.type]] += 1;
    if (event.type === 'product_view' && event.spuId) views.set(event.spuId, (views.get(event.spuId) ?? 0) + 1);
  }
  const flags = {
    ...(counts.productViews > 0 ? { productViewed: true } : {}),
    ...(counts.cartAdds > 0 ? { cartAdded: true } : {}),
  };
  await Promise.all([
    bump(TRAFFIC_DAILY, day, { day }, counts),
    ...[...views].map(([spuId, n]) => bump(PRODUCT_VIEWS_DAILY, `${day}:${spuId}`, { day, spuId }, { views: n })),
    markVisit(day, openid, now, flags),
    // The shopper's footprints (浏览足迹): the products viewed, last view first.
    keep(FOOTPRINTS, openid, [...views.keys()], now),
  ]);
  return day;
}

/** Adds `inc` to the document's counters, creating it the first time (a concurrent creation is retried as an add-on). */
async function bump(collection: string, id: string, base: Record<string, unknown>, inc: Record<string, number>): Promise<void> {
  const increments = Object.fromEntries(Object.entries(inc).map(([k, n]) => [k, _.inc(n)]));
  const res = await db.collection(collection).doc(id).update({ data: increments });
  if (res.stats.updated > 0) return;
  try {
    await db.collection(collection).add({ data: { _id: id, ...base, ...inc } });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Created meanwhile by another call of the same day: add to it.
    await db.collection(collection).doc(id).update({ data: increments });
  }
}

/** The shopper's visit of the day, created once; a batch with a product view or cart add marks it (one update). */
async function markVisit(day: string, openid: string, now: Date, flags: Partial<Pick<VisitDoc, 'productViewed' | 'cartAdded'>>) {
  const id = visitId(day, openid);
  if (Object.keys(flags).length) {
    const res = await db.collection(VISITS).doc(id).update({ data: flags });
    if (res.stats.updated > 0) return;
  }
  try {
    await db.collection(VISITS).add({ data: { _id: id, day, openid, firstAt: now, ...flags } });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    // Already visited today (or a racing call of the same shopper created it): only the marks are left to write.
    if (Object.keys(flags).length) await db.collection(VISITS).doc(id).update({ data: flags });
  }
}

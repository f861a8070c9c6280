import { z } from 'zod';
import { Id } from './common.js';

/**
 * The `track` function: what shoppers look at, for the back office's figures (docs/back-office/figures.md). The
 * mini-program sends its events in batches; the function counts them under the server's time (the Beijing day), never a
 * clock the phone sends, and under the caller's openid from the platform.
 */
export const TrackRoutes = {
  events: 'events',
} as const;

/** At most this many events in one call. */
export const MAX_TRACK_EVENTS = 50;

/** `page_view` a page shown, `product_view` a product's detail page, `share` a share, `add_to_cart` a cart add. */
export const TRACK_EVENT_TYPES = ['page_view', 'product_view', 'share', 'add_to_cart'] as const;
export type TrackEventType = (typeof TRACK_EVENT_TYPES)[number];

/** One event: its type, the product for `product_view`/`add_to_cart`/`share` of a product, the page's route. */
export const TrackEvent = z
  .object({
    /** What happened. */
    type: z.enum(TRACK_EVENT_TYPES),
    /** The product viewed, added or shared; required for `product_view`. */
    spuId: Id.optional(),
    /** The mini-program page's route, e.g. `pages/home/index`. */
    page: z.string().trim().min(1).max(128).optional(),
  })
  .strict()
  .refine((e) => e.type !== 'product_view' || e.spuId !== undefined, { message: '浏览商品需要商品编号', path: ['spuId'] });
export type TrackEvent = z.infer<typeof TrackEvent>;

/**
 * `events` (signed-in shoppers): 1 to 50 events seen since the last call. Counted on the Beijing day of the server's
 * time: the day's page views, product views, shares and cart adds, each product's views, and the shopper as one of the
 * day's visitors (once per day). Answers how many events were counted. VALIDATION (nothing counted) for an empty or
 * longer batch, an unknown type, or a `product_view` without `spuId`.
 */
export const EventsInput = z
  .object({
    /** The events, oldest first. */
    events: z.array(TrackEvent).min(1, '没有要记录的事件').max(MAX_TRACK_EVENTS, `一次最多记录 ${MAX_TRACK_EVENTS} 个事件`),
  })
  .strict();
export type EventsInput = z.infer<typeof EventsInput>;

export interface TrackResult {
  /** The Beijing day the events were counted on, `YYYY-MM-DD`. */
  day: string;
  counted: number;
}

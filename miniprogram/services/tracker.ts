import type { MAX_TRACK_EVENTS, TrackEvent } from '../../typings/track';
import { call } from './call';
import { ServiceError } from './errors';

/**
 * What shoppers look at, sent to `track.events` in batches without ever holding up a page: events wait in memory and
 * go when 10 are queued, a few seconds after the first one, or when a page hides (`flushEvents()` in onHide). A batch
 * lost to the network is kept for the next try; anything else the function refuses is dropped.
 */

const BATCH = 10;
const DELAY_MS = 5000;
/** The function takes at most this many events per call. */
const MAX_PER_CALL: typeof MAX_TRACK_EVENTS = 50;
/** Kept while offline, oldest dropped first. */
const MAX_KEPT = 200;

let queue: TrackEvent[] = [];
let timer: number | undefined;
let sending: Promise<void> | undefined;

export function track(event: TrackEvent): void {
  queue.push(event);
  if (queue.length > MAX_KEPT) queue = queue.slice(-MAX_KEPT);
  if (queue.length >= BATCH) void flushEvents();
  else if (timer === undefined) timer = setTimeout(() => void flushEvents(), DELAY_MS);
}

export function trackPageView(page: string): void {
  track({ type: 'page_view', page });
}

export function trackProductView(spuId: string, page: string): void {
  track({ type: 'product_view', spuId, page });
}

export function trackShare(page: string, spuId?: string): void {
  track({ type: 'share', page, ...(spuId ? { spuId } : {}) });
}

/** Sends what is queued; resolves when it was sent (or given up on). Never throws. */
export function flushEvents(): Promise<void> {
  if (timer !== undefined) {
    clearTimeout(timer);
    timer = undefined;
  }
  sending = (sending ?? Promise.resolve()).then(sendQueued);
  return sending;
}

/** Events not sent yet (for tests and debugging). */
export function pendingEvents(): number {
  return queue.length;
}

async function sendQueued(): Promise<void> {
  while (queue.length) {
    const batch = queue.splice(0, MAX_PER_CALL);
    try {
      await call('track', 'events', { events: batch });
    } catch (err) {
      if (err instanceof ServiceError && err.code === 'NETWORK') {
        queue = [...batch, ...queue].slice(-MAX_KEPT);
        return;
      }
    }
  }
}

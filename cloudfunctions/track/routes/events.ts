import { EventsInput, type TrackResult } from '../../../typings/track.js';
import { route } from '../../shared/platform/route.js';
import { recordEvents } from '../../shared/store/visits.js';

/** A batch of the shopper's events, counted under the server's time and the caller's openid. */
export const events = route(EventsInput, async (input, ctx): Promise<TrackResult> => ({
  day: await recordEvents(ctx.openid, input.events, ctx.now),
  counted: input.events.length,
}));

import { TrackRoutes } from '../../typings/track.js';
import { serve } from '../shared/platform/route.js';
import { events } from './routes/events.js';

/** What shoppers look at, counted per Beijing day for the back office's figures (docs/back-office/figures.md). */
export const main = serve({
  [TrackRoutes.events]: events,
});

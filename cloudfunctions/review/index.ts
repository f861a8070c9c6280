import { ReviewRoutes } from '../../typings/review.js';
import { serve } from '../shared/platform/route.js';
import { create, list, mine, summary } from './routes/reviews.js';

/** Reviews: a shopper reviews each line of a completed order once; a product's reviews and summary are public. */
export const main = serve({
  [ReviewRoutes.create]: create,
  [ReviewRoutes.list]: list,
  [ReviewRoutes.summary]: summary,
  [ReviewRoutes.mine]: mine,
});

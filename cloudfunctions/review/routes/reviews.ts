import {
  type MyReviewPage,
  ReviewCreateInput,
  ReviewListInput,
  ReviewMineInput,
  type ReviewPage,
  type ReviewSummary,
  ReviewSummaryInput,
  type ReviewView,
} from '../../../typings/review.js';
import { route } from '../../shared/platform/route.js';
import { createReview, listReviews, myReviews, reviewSummary } from '../../shared/store/reviews.js';

/** Reviews for shoppers (typings/review.ts): writing one needs a signed-in shopper; reading a product's is public. */

export const create = route(ReviewCreateInput, (input, ctx): Promise<ReviewView> => createReview(ctx.openid, input, ctx.now));

export const list = route(ReviewListInput, (input): Promise<ReviewPage> => listReviews(input), { public: true });

export const summary = route(ReviewSummaryInput, ({ spuId }): Promise<ReviewSummary> => reviewSummary(spuId), {
  public: true,
});

export const mine = route(ReviewMineInput, (input, ctx): Promise<MyReviewPage> => myReviews(ctx.openid, input));

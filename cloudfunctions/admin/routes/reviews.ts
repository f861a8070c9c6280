import {
  AdminReviewListInput,
  type AdminReviewPage,
  AdminReviewRoutes,
  type AdminReviewView,
  ReviewModerateInput,
  ReviewReplyInput,
} from '../../../typings/admin-reviews.js';
import { ExportRoutes } from '../../../typings/admin-export.js';
import { adminListReviews, moderateReview, replyToReview } from '../../shared/store/reviews.js';
import { actorOf } from '../audit.js';
import { adminRoute } from '../rbac.js';
import * as dataExports from './exports.js';

/**
 * Review moderation (typings/admin-reviews.ts, docs/back-office/reviews.md), and the data exports, which live beside
 * it in routes/exports.ts.
 */

export const list = adminRoute('reviews.manage', AdminReviewListInput, (input): Promise<AdminReviewPage> =>
  adminListReviews(input),
);

export const reply = adminRoute('reviews.manage', ReviewReplyInput, (input, ctx): Promise<AdminReviewView> =>
  replyToReview(input, { actor: actorOf(ctx), now: ctx.now }),
);

export const hide = adminRoute('reviews.manage', ReviewModerateInput, (input, ctx): Promise<AdminReviewView> =>
  moderateReview('hide', input, { actor: actorOf(ctx), now: ctx.now }),
);

export const unhide = adminRoute('reviews.manage', ReviewModerateInput, (input, ctx): Promise<AdminReviewView> =>
  moderateReview('unhide', input, { actor: actorOf(ctx), now: ctx.now }),
);

export const feature = adminRoute('reviews.manage', ReviewModerateInput, (input, ctx): Promise<AdminReviewView> =>
  moderateReview('feature', input, { actor: actorOf(ctx), now: ctx.now }),
);

export const unfeature = adminRoute('reviews.manage', ReviewModerateInput, (input, ctx): Promise<AdminReviewView> =>
  moderateReview('unfeature', input, { actor: actorOf(ctx), now: ctx.now }),
);

export const reviewRoutes = {
  [AdminReviewRoutes.list]: list,
  [AdminReviewRoutes.reply]: reply,
  [AdminReviewRoutes.hide]: hide,
  [AdminReviewRoutes.unhide]: unhide,
  [AdminReviewRoutes.feature]: feature,
  [AdminReviewRoutes.unfeature]: unfeature,
  [ExportRoutes.orders]: dataExports.orders,
};

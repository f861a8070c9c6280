import type { RatingBand, ReviewTag } from '../../../typings/review.js';

/**
 * Stored reviews and the per-product counters behind `reviews.summary` (docs/back-office/reviews.md). Decisions are in
 * rules/review-rules.ts, reads and writes in store/reviews.ts.
 */
export const REVIEWS = 'reviews';
export const REVIEW_STATS = 'review_stats';

/** One review of one order line: `_id` `<orderId>-<index>`, so a line is reviewed once. */
export interface ReviewDoc {
  _id: string;
  orderId: string;
  index: number;
  openid: string;
  spuId: string;
  skuId: string;
  /** The product's title and the SKU's spec values as bought. */
  title: string;
  specValues: Record<string, string>;
  /** The reviewer's nickname and avatar when they wrote it (masked when shown if `anonymous`). */
  nickname: string;
  avatarUrl: string | null;
  anonymous: boolean;
  rating: number;
  /** Derived from `rating` (rules/review-rules.ts `ratingBand`), stored to filter by. */
  band: RatingBand;
  text: string;
  photos: string[];
  hasPhotos: boolean;
  tags: ReviewTag[];
  /** Hidden by the shop: in no shopper's list nor in the counters; the reviewer still sees it. */
  hidden: boolean;
  featured: boolean;
  reply?: { text: string; at: Date; by: string };
  replied: boolean;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/**
 * A product's counters over its visible (not hidden) reviews, `_id` the spuId; written in the transaction of every
 * review change. `featured` counts featured reviews, hidden or not.
 */
export interface ReviewStatsDoc {
  _id: string;
  count: number;
  ratingSum: number;
  /** Reviews with 1..5 stars. */
  stars: [number, number, number, number, number];
  bands: Record<RatingBand, number>;
  withPhotos: number;
  tags: Partial<Record<ReviewTag, number>>;
  featured: number;
  updatedAt: Date;
}

import type { RatingBand, ReviewListInput, ReviewPage, ReviewSummary, ReviewView } from '../../typings/review';
import { call } from './call';

/** A product's reviews (评价) and their summary, as the detail and reviews pages show them. */

export function fetchReviewSummary(spuId: string): Promise<ReviewSummary> {
  return call('review', 'reviews.summary', { spuId });
}

export function fetchReviews(params: ReviewListInput): Promise<ReviewPage> {
  return call('review', 'reviews.list', params);
}

/** The filters above the reviews: 全部, 有图, and the rating bands (好评 4–5 stars, 中评 2–3, 差评 1). */
export type ReviewFilter = 'all' | 'photos' | RatingBand;

export const REVIEW_FILTERS: ReadonlyArray<{ filter: ReviewFilter; label: string }> = [
  { filter: 'all', label: '全部' },
  { filter: 'photos', label: '有图' },
  { filter: 'good', label: '好评' },
  { filter: 'medium', label: '中评' },
  { filter: 'bad', label: '差评' },
];

export function isReviewFilter(value: unknown): value is ReviewFilter {
  return REVIEW_FILTERS.some((f) => f.filter === value);
}

/** `reviews.list`'s parameters for a filter. */
export function filterParams(filter: ReviewFilter): Pick<ReviewListInput, 'withPhotos' | 'band'> {
  if (filter === 'all') return {};
  if (filter === 'photos') return { withPhotos: true };
  return { band: filter };
}

/** How many reviews a filter holds, from the summary's counters. */
export function filterCount(summary: ReviewSummary, filter: ReviewFilter): number {
  if (filter === 'all') return summary.count;
  if (filter === 'photos') return summary.withPhotos;
  return summary.bands[filter];
}

/** A review as a list draws it: its stars as text, its date, and its reply's. */
export interface ReviewItem extends ReviewView {
  stars: string;
  date: string;
  replyDate: string;
}

export function reviewItem(review: ReviewView): ReviewItem {
  return {
    ...review,
    stars: starsOf(review.rating),
    date: dayOf(review.createdAt),
    replyDate: review.reply ? dayOf(review.reply.at) : '',
  };
}

/** `★★★★☆` for 4 of 5 stars. */
export function starsOf(rating: number): string {
  const full = Math.max(0, Math.min(5, Math.round(rating)));
  return '★'.repeat(full) + '☆'.repeat(5 - full);
}

/** `2026-12-01`: the day in Beijing time (the shop's day, whatever the phone's zone). */
export function dayOf(iso: string): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  return new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
}

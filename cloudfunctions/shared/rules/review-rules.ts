import type { AdminReviewView } from '../../../typings/admin-reviews.js';
import { ErrorCode } from '../../../typings/common.js';
import type { OrderStatus } from '../../../typings/order.js';
import {
  MAX_FEATURED_REVIEWS,
  type MyReviewView,
  type RatingBand,
  REVIEW_TAG_LABELS,
  type ReviewSummary,
  type ReviewTag,
  type ReviewView,
} from '../../../typings/review.js';
import type { ReviewDoc, ReviewStatsDoc } from '../model/review.js';
import { ORDER_STATUS_LABELS } from './order-transitions.js';
import { ShopError } from './errors.js';

/**
 * Reviews decided without the database (docs/back-office/reviews.md): who may review which order line, rating bands,
 * masked nicknames, the per-product counters a review adds or takes away, the summary built from them, and the views.
 */

/** 好评 4–5 stars, 中评 2–3, 差评 1. */
export function ratingBand(rating: number): RatingBand {
  return rating >= 4 ? 'good' : rating >= 2 ? 'medium' : 'bad';
}

/** Stars of a band, for queries. */
export function bandRatings(band: RatingBand): number[] {
  return band === 'good' ? [4, 5] : band === 'medium' ? [2, 3] : [1];
}

/** An anonymous reviewer's nickname: its first and last character around `***` (`小明同学` → `小***学`, `明` → `明***`). */
export function maskNickname(nickname: string): string {
  const chars = Array.from(nickname.trim());
  if (chars.length === 0) return '匿***名';
  return chars.length === 1 ? `${chars[0]}***` : `${chars[0]}***${chars[chars.length - 1]}`;
}

/** A shopper's name as the shop knows it: their nickname, or 微信用户 and the end of the openid (as user.profile). */
export function displayName(openid: string, nickname: string | null | undefined): string {
  return nickname || `微信用户${openid.slice(-4)}`;
}

/** Why a line cannot be reviewed, or undefined: the order must be completed (确认收货) and have that line. */
export function reviewRefusal(order: { status: OrderStatus; lines: unknown[] }, index: number): ShopError | undefined {
  if (order.status !== 'completed') {
    return new ShopError(ErrorCode.INVALID_STATE, `订单${ORDER_STATUS_LABELS[order.status]}，确认收货后才能评价`);
  }
  if (index >= order.lines.length) return new ShopError(ErrorCode.NOT_FOUND, '订单中没有这件商品');
  return undefined;
}

export const reviewId = (orderId: string, index: number) => `${orderId}-${index}`;

export function emptyStats(spuId: string, now: Date): ReviewStatsDoc {
  return {
    _id: spuId,
    count: 0,
    ratingSum: 0,
    stars: [0, 0, 0, 0, 0],
    bands: { good: 0, medium: 0, bad: 0 },
    withPhotos: 0,
    tags: {},
    featured: 0,
    updatedAt: now,
  };
}

/**
 * The counters with a visible review added (`sign` 1) or taken away (-1): count, stars, band, photos and tags. A
 * review's featured mark is counted apart (`featuredDelta`), since hidden reviews keep it.
 */
export function countReview(
  stats: ReviewStatsDoc,
  review: Pick<ReviewDoc, 'rating' | 'hasPhotos' | 'tags'>,
  sign: 1 | -1,
  now: Date,
): ReviewStatsDoc {
  const stars = [...stats.stars] as ReviewStatsDoc['stars'];
  stars[review.rating - 1] = (stars[review.rating - 1] ?? 0) + sign;
  const band = ratingBand(review.rating);
  const tags = { ...stats.tags };
  for (const tag of review.tags) {
    const n = (tags[tag] ?? 0) + sign;
    if (n > 0) tags[tag] = n;
    else delete tags[tag];
  }
  const next: ReviewStatsDoc = {
    ...stats,
    count: stats.count + sign,
    ratingSum: stats.ratingSum + sign * review.rating,
    stars,
    bands: { ...stats.bands, [band]: stats.bands[band] + sign },
    withPhotos: stats.withPhotos + (review.hasPhotos ? sign : 0),
    tags,
    updatedAt: now,
  };
  if (next.count < 0 || stars.some((n) => n < 0) || next.withPhotos < 0) {
    // Only a bug can get here; refusing keeps the counters from drifting below zero.
    throw new Error(`review counters of ${stats._id} would go negative`);
  }
  return next;
}

/** The counters after featuring (1) or unfeaturing (-1); featuring beyond MAX_FEATURED_REVIEWS is refused. */
export function featureReview(stats: ReviewStatsDoc, sign: 1 | -1, now: Date): ReviewStatsDoc {
  const featured = Math.max(0, stats.featured + sign);
  if (sign > 0 && featured > MAX_FEATURED_REVIEWS) {
    throw new ShopError(ErrorCode.INVALID_STATE, `每个商品最多精选 ${MAX_FEATURED_REVIEWS} 条评价，请先取消一条`);
  }
  return { ...stats, featured, updatedAt: now };
}

/** The counters recomputed from a product's reviews (the seed, and the tests' consistency check). */
export function statsOf(spuId: string, reviews: ReviewDoc[], now: Date): ReviewStatsDoc {
  let stats = emptyStats(spuId, now);
  for (const r of reviews) {
    if (!r.hidden) stats = countReview(stats, r, 1, now);
    if (r.featured) stats = { ...stats, featured: stats.featured + 1 };
  }
  return stats;
}

const TOP_TAGS = 6;

export function summaryOf(spuId: string, stats: ReviewStatsDoc | undefined, samples: ReviewView[]): ReviewSummary {
  const s = stats ?? emptyStats(spuId, new Date(0));
  const topTags = (Object.entries(s.tags) as Array<[ReviewTag, number]>)
    .filter(([code, n]) => n > 0 && code in REVIEW_TAG_LABELS)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, TOP_TAGS)
    .map(([code, count]) => ({ code, label: REVIEW_TAG_LABELS[code], count }));
  return {
    spuId,
    count: s.count,
    average: s.count ? Math.round((s.ratingSum / s.count) * 10) / 10 : 0,
    byRating: [...s.stars],
    bands: { ...s.bands },
    goodRate: s.count ? Math.round((s.bands.good / s.count) * 100) : 100,
    withPhotos: s.withPhotos,
    topTags,
    samples,
  };
}

export const specText = (specValues: Record<string, string>) => Object.values(specValues).join(' / ');
const iso = (d: Date | string) => new Date(d).toISOString();

/** A review as shoppers see it: an anonymous reviewer's nickname masked and avatar left out. */
export function toReviewView(doc: ReviewDoc): ReviewView {
  return {
    reviewId: doc._id,
    spuId: doc.spuId,
    skuId: doc.skuId,
    specText: specText(doc.specValues),
    rating: doc.rating,
    text: doc.text,
    photos: doc.photos,
    tags: doc.tags.map((code) => ({ code, label: REVIEW_TAG_LABELS[code] })),
    anonymous: doc.anonymous,
    nickname: doc.anonymous ? maskNickname(doc.nickname) : doc.nickname,
    avatarUrl: doc.anonymous ? null : doc.avatarUrl,
    featured: doc.featured,
    ...(doc.reply ? { reply: { text: doc.reply.text, at: iso(doc.reply.at) } } : {}),
    createdAt: iso(doc.createdAt),
  };
}

export function toMyReviewView(doc: ReviewDoc): MyReviewView {
  return { ...toReviewView(doc), orderId: doc.orderId, index: doc.index, title: doc.title, hidden: doc.hidden };
}

export function toAdminReviewView(doc: ReviewDoc): AdminReviewView {
  return {
    reviewId: doc._id,
    orderId: doc.orderId,
    index: doc.index,
    spuId: doc.spuId,
    skuId: doc.skuId,
    title: doc.title,
    specText: specText(doc.specValues),
    openid: doc.openid,
    nickname: doc.nickname,
    anonymous: doc.anonymous,
    rating: doc.rating,
    text: doc.text,
    photos: doc.photos,
    tags: doc.tags,
    hidden: doc.hidden,
    featured: doc.featured,
    ...(doc.reply ? { reply: { text: doc.reply.text, at: iso(doc.reply.at), by: doc.reply.by } } : {}),
    createdAt: iso(doc.createdAt),
    version: doc.version,
  };
}

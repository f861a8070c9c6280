import { z } from 'zod';
import { REVIEW_TAG_LABELS, type ReviewTag } from './labels.js';
import { Cursor, Id, PageSize, type Page } from './common.js';

/**
 * The `review` function: shoppers review what they bought, once per order line, after receipt; everyone reads a
 * product's reviews and its summary (docs/back-office/reviews.md). The caller's identity comes only from WeChat; a
 * review of another shopper's order answers NOT_FOUND, exactly like one that does not exist.
 */
export const ReviewRoutes = {
  create: 'reviews.create',
  list: 'reviews.list',
  summary: 'reviews.summary',
  mine: 'reviews.mine',
} as const;

/** At most this many characters of text, photos and tags per review. */
export const MAX_REVIEW_TEXT = 500;
export const MAX_REVIEW_PHOTOS = 9;
export const MAX_REVIEW_TAGS = 5;
/** A product shows at most this many featured (精选) reviews; featuring a fourth is refused. */
export const MAX_FEATURED_REVIEWS = 3;

/** The tags a shopper may pick: typings/labels.ts. */
export { REVIEW_TAG_LABELS, type ReviewTag };
export const REVIEW_TAGS = Object.keys(REVIEW_TAG_LABELS) as [ReviewTag, ...ReviewTag[]];

/** 好评 4–5 stars, 中评 2–3, 差评 1 (the bands shoppers filter by). */
export const RATING_BANDS = ['good', 'medium', 'bad'] as const;
export type RatingBand = (typeof RATING_BANDS)[number];
export const RATING_BAND_LABELS: Record<RatingBand, string> = { good: '好评', medium: '中评', bad: '差评' };

/** 1 to 5 stars. */
export const Rating = z.number().int('评分须为整数').min(1, '评分为 1–5 星').max(5, '评分为 1–5 星');
/** A photo uploaded with `wx.cloud.uploadFile`: `cloud://<env>.<bucket>/<path>`. */
export const ReviewPhoto = z
  .string()
  .max(512)
  .regex(/^cloud:\/\/\S+$/, '图片须为上传到云存储的文件');

/**
 * `reviews.create`: reviews one line of one of the caller's orders (`orderId` and the line's position `index`, from
 * 0), once the order is completed (确认收货; before that INVALID_STATE). Another shopper's order, or a line the order
 * does not have, answers NOT_FOUND; a second review of the same line CONFLICT. `anonymous` shows a masked nickname.
 * The product's counters (`reviews.summary`) move in the same transaction.
 */
export const ReviewCreateInput = z
  .object({
    orderId: Id,
    index: z.number().int().min(0).max(49),
    rating: Rating,
    text: z.string().trim().max(MAX_REVIEW_TEXT, `评价内容最多 ${MAX_REVIEW_TEXT} 个字`).default(''),
    photos: z.array(ReviewPhoto).max(MAX_REVIEW_PHOTOS, `最多上传 ${MAX_REVIEW_PHOTOS} 张图片`).default([]),
    anonymous: z.boolean().default(false),
    tags: z
      .array(z.enum(REVIEW_TAGS))
      .max(MAX_REVIEW_TAGS, `最多选择 ${MAX_REVIEW_TAGS} 个标签`)
      .refine((tags) => new Set(tags).size === tags.length, '标签不能重复')
      .default([]),
  })
  .strict();
export type ReviewCreateInput = z.input<typeof ReviewCreateInput>;

/**
 * `reviews.list` (public): a product's visible reviews, newest first (keyset: pass `nextCursor` as `cursor`). Hidden
 * reviews are never listed. Filters: `withPhotos` (有图), `band` (好评 / 中评 / 差评). The first page (no cursor) starts
 * with the product's featured reviews that match the filters (at most MAX_FEATURED_REVIEWS, `featured: true`), then
 * the newest others; later pages hold the others only, so no review appears twice.
 */
export const ReviewListInput = z
  .object({
    spuId: Id,
    withPhotos: z.boolean().optional(),
    band: z.enum(RATING_BANDS).optional(),
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type ReviewListInput = z.input<typeof ReviewListInput>;

/**
 * `reviews.summary` (public): a product's average rating, counts by star and band, how many have photos, the most
 * picked tags, and up to 3 samples (featured first, then the newest with photos), from per-product counters kept in
 * the reviews' own transactions (hidden reviews are not counted).
 */
export const ReviewSummaryInput = z.object({ spuId: Id }).strict();
export type ReviewSummaryInput = z.infer<typeof ReviewSummaryInput>;

/** `reviews.mine`: the caller's reviews, newest first, hidden ones included (`hidden: true`, seen only by them). */
export const ReviewMineInput = z.object({ cursor: Cursor.optional(), pageSize: PageSize }).strict();
export type ReviewMineInput = z.input<typeof ReviewMineInput>;

/** The merchant's reply (商家回复), shown under the review. */
export interface ReviewReplyView {
  text: string;
  /** ISO 8601. */
  at: string;
}

/** A review as shoppers see it. */
export interface ReviewView {
  reviewId: string;
  spuId: string;
  skuId: string;
  /** The SKU bought, e.g. `黑色 / M`. */
  specText: string;
  rating: number;
  text: string;
  photos: string[];
  tags: Array<{ code: ReviewTag; label: string }>;
  anonymous: boolean;
  /** The reviewer's nickname, masked (`小***明`) when anonymous. */
  nickname: string;
  /** Null when anonymous or not set. */
  avatarUrl: string | null;
  featured: boolean;
  reply?: ReviewReplyView;
  /** ISO 8601. */
  createdAt: string;
}

/** `reviews.mine`: the caller's own review, with the order it belongs to and whether the shop hid it. */
export interface MyReviewView extends ReviewView {
  orderId: string;
  index: number;
  title: string;
  hidden: boolean;
}

export type ReviewPage = Page<ReviewView>;
export type MyReviewPage = Page<MyReviewView>;

export interface ReviewSummary {
  spuId: string;
  count: number;
  /** Average stars to one decimal (0 without reviews). */
  average: number;
  /** Reviews with 1, 2, 3, 4 and 5 stars (index 0 is 1 star). */
  byRating: [number, number, number, number, number];
  bands: Record<RatingBand, number>;
  /** Share of 好评 in percent, rounded (100 without reviews). */
  goodRate: number;
  withPhotos: number;
  /** The most picked tags, most first (at most 6). */
  topTags: Array<{ code: ReviewTag; label: string; count: number }>;
  /** Up to 3: featured first, then the newest with photos. */
  samples: ReviewView[];
}

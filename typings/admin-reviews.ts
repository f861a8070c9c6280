import { z } from 'zod';
import { Cursor, Id, PageSize, type Page } from './common.js';
import type { ReviewTag } from './review.js';

/**
 * The back office's review moderation (docs/back-office/reviews.md), permission `reviews.manage`: list every review,
 * reply as the shop, hide and show again, feature (精选). Each change carries the `version` it was made on (CONFLICT
 * when stale) and writes an `audit_logs` entry (before and after) in its own transaction; hiding and showing move the
 * product's review counters in that same transaction.
 */
export const AdminReviewRoutes = {
  list: 'reviews.adminList',
  reply: 'reviews.reply',
  hide: 'reviews.hide',
  unhide: 'reviews.unhide',
  feature: 'reviews.feature',
  unfeature: 'reviews.unfeature',
} as const;

export const MAX_REPLY_TEXT = 500;

/**
 * `reviews.adminList` (reviews.manage): every review, hidden ones included, newest first (keyset: pass `nextCursor` as
 * `cursor`). Filters: `spuId`, `rating` (stars), `withPhotos`, `unreplied` (no reply yet), `hidden` (true: only
 * hidden ones; false: only visible ones).
 */
export const AdminReviewListInput = z
  .object({
    spuId: Id.optional(),
    rating: z.number().int().min(1).max(5).optional(),
    withPhotos: z.boolean().optional(),
    unreplied: z.boolean().optional(),
    hidden: z.boolean().optional(),
    cursor: Cursor.optional(),
    pageSize: PageSize,
  })
  .strict();
export type AdminReviewListInput = z.input<typeof AdminReviewListInput>;

/**
 * `reviews.reply` (reviews.manage): the shop's reply, shown to shoppers under the review; replying again edits it.
 */
export const ReviewReplyInput = z
  .object({
    reviewId: Id,
    version: z.number().int().min(0),
    reply: z.string().trim().min(1, '请填写回复内容').max(MAX_REPLY_TEXT, `回复最多 ${MAX_REPLY_TEXT} 个字`),
  })
  .strict();
export type ReviewReplyInput = z.input<typeof ReviewReplyInput>;

/**
 * `reviews.hide`, `reviews.unhide`, `reviews.feature`, `reviews.unfeature` (reviews.manage): a hidden review leaves
 * the product's list and counters (INVALID_STATE when already so); a featured one is listed first (at most
 * MAX_FEATURED_REVIEWS per product; a hidden review cannot be featured). `reason` is kept in the audit entry.
 */
export const ReviewModerateInput = z
  .object({
    reviewId: Id,
    version: z.number().int().min(0),
    reason: z.string().trim().max(200).optional(),
  })
  .strict();
export type ReviewModerateInput = z.input<typeof ReviewModerateInput>;

/** A review in the back office: everything shoppers see, and who wrote it (never masked here), state and version. */
export interface AdminReviewView {
  reviewId: string;
  orderId: string;
  index: number;
  spuId: string;
  skuId: string;
  title: string;
  specText: string;
  openid: string;
  /** The reviewer's own nickname, even when they chose to be anonymous (`anonymous`). */
  nickname: string;
  anonymous: boolean;
  rating: number;
  text: string;
  photos: string[];
  tags: ReviewTag[];
  hidden: boolean;
  featured: boolean;
  reply?: { text: string; at: string; by: string };
  createdAt: string;
  version: number;
}

export type AdminReviewPage = Page<AdminReviewView>;

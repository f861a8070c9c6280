import type { AdminReviewListInput, AdminReviewPage, AdminReviewView } from '../../../typings/admin-reviews.js';
import { AdminReviewRoutes } from '../../../typings/admin-reviews.js';
import { ErrorCode } from '../../../typings/common.js';
import {
  MAX_FEATURED_REVIEWS,
  type MyReviewPage,
  type RatingBand,
  type ReviewCreateInput,
  type ReviewPage,
  type ReviewSummary,
  type ReviewView,
} from '../../../typings/review.js';
import { USERS } from '../model/member.js';
import { ORDERS, type OrderDoc } from '../model/order.js';
import { REVIEW_STATS, REVIEWS, type ReviewDoc, type ReviewStatsDoc } from '../model/review.js';
import { notFound, ShopError } from '../rules/errors.js';
import {
  countReview,
  displayName,
  emptyStats,
  featureReview,
  ratingBand,
  reviewId,
  reviewRefusal,
  summaryOf,
  toAdminReviewView,
  toMyReviewView,
  toReviewView,
} from '../rules/review-rules.js';
import { type AuditActor, writeAudit } from './audit-trail.js';
import { _, db, type Transaction } from './db.js';
import { afterCursor, pageOf } from './pagination.js';
import { withRetries } from './transactions.js';
import { updateVersioned } from './versioned.js';

/**
 * Reviews in the database (docs/back-office/reviews.md): a shopper's review of an order line, the product's lists and
 * summary, and the shop's moderation. Every write is one transaction with the product's counters (`review_stats`),
 * and for the shop's changes the audit entry (before and after).
 */

export interface Acting {
  actor: AuditActor;
  now: Date;
}

const SAMPLES = 3;

/** What a review copies of the shopper's profile (`users`, owned by the user function). */
interface Profile {
  nickname?: string | null;
  avatarUrl?: string | null;
}

async function statsIn(tx: Transaction, spuId: string, now: Date): Promise<ReviewStatsDoc> {
  return (await tx.collection<ReviewStatsDoc>(REVIEW_STATS).doc(spuId).get()).data ?? emptyStats(spuId, now);
}

async function saveStats(tx: Transaction, stats: ReviewStatsDoc): Promise<void> {
  const { _id, ...data } = stats;
  await tx.collection(REVIEW_STATS).doc(_id).set({ data });
}

/** `reviews.create`: one review of one line of the shopper's own completed order, with the counters. */
export async function createReview(openid: string, input: Required<ReviewCreateInput>, now: Date): Promise<ReviewView> {
  const user = (await db.collection<Profile>(USERS).doc(openid).get()).data;
  return withRetries(db, async (tx) => {
    const order = (await tx.collection<OrderDoc>(ORDERS).doc(input.orderId).get()).data;
    // Another shopper's order is answered exactly like one that does not exist.
    if (!order || order.openid !== openid) throw notFound('订单');
    const refusal = reviewRefusal(order, input.index);
    if (refusal) throw refusal;
    const id = reviewId(order._id, input.index);
    if ((await tx.collection<ReviewDoc>(REVIEWS).doc(id).get()).data) {
      throw new ShopError(ErrorCode.CONFLICT, '这件商品已经评价过了');
    }
    const line = order.lines[input.index]!;
    const doc: ReviewDoc = {
      _id: id,
      orderId: order._id,
      index: input.index,
      openid,
      spuId: line.spuId,
      skuId: line.skuId,
      title: line.title,
      specValues: line.specValues,
      nickname: displayName(openid, user?.nickname),
      avatarUrl: user?.avatarUrl ?? null,
      anonymous: input.anonymous,
      rating: input.rating,
      band: ratingBand(input.rating),
      text: input.text,
      photos: input.photos,
      hasPhotos: input.photos.length > 0,
      tags: input.tags,
      hidden: false,
      featured: false,
      replied: false,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const { _id, ...data } = doc;
    await tx.collection(REVIEWS).doc(_id).set({ data });
    await saveStats(tx, countReview(await statsIn(tx, line.spuId, now), doc, 1, now));
    return toReviewView(doc);
  });
}

/** Up to `limit` reviews matching `conditions`, newest first (`_id` breaking ties), after `cursor`. */
async function newest(conditions: Array<Record<string, unknown>>, limit: number, cursor?: string): Promise<ReviewDoc[]> {
  const all = [...conditions, ...(cursor ? afterCursor('createdAt', 'desc', cursor, true) : [])];
  return (
    await db
      .collection<ReviewDoc>(REVIEWS)
      .where(_.and(all))
      .orderBy('createdAt', 'desc')
      .orderBy('_id', 'asc')
      .limit(limit)
      .get()
  ).data;
}

const timeOf = (d: ReviewDoc) => new Date(d.createdAt).getTime();

/** `reviews.list`: a product's visible reviews, featured ones first on the first page, then the others newest first. */
export async function listReviews(input: {
  spuId: string;
  withPhotos?: boolean;
  band?: RatingBand;
  cursor?: string;
  pageSize: number;
}): Promise<ReviewPage> {
  const filters: Array<Record<string, unknown>> = [{ spuId: input.spuId, hidden: false }];
  if (input.withPhotos) filters.push({ hasPhotos: true });
  if (input.band) filters.push({ band: input.band });
  const [featured, others] = await Promise.all([
    input.cursor ? Promise.resolve([]) : newest([...filters, { featured: true }], MAX_FEATURED_REVIEWS),
    newest([...filters, { featured: false }], input.pageSize + 1, input.cursor),
  ]);
  const page = pageOf(others, input.pageSize, timeOf);
  return { items: [...featured, ...page.items].map(toReviewView), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}

/** `reviews.summary`: the product's counters and a few samples (featured, then the newest with photos). */
export async function reviewSummary(spuId: string): Promise<ReviewSummary> {
  const visible = { spuId, hidden: false };
  const [stats, featured] = await Promise.all([
    db.collection<ReviewStatsDoc>(REVIEW_STATS).doc(spuId).get(),
    newest([visible, { featured: true }], SAMPLES),
  ]);
  const withPhotos =
    featured.length < SAMPLES ? await newest([visible, { featured: false, hasPhotos: true }], SAMPLES - featured.length) : [];
  return summaryOf(spuId, stats.data ?? undefined, [...featured, ...withPhotos].map(toReviewView));
}

/** `reviews.mine`: the shopper's own reviews, hidden ones included. */
export async function myReviews(openid: string, page: { cursor?: string; pageSize: number }): Promise<MyReviewPage> {
  const docs = await newest([{ openid }], page.pageSize + 1, page.cursor);
  const { items, nextCursor } = pageOf(docs, page.pageSize, timeOf);
  return { items: items.map(toMyReviewView), ...(nextCursor ? { nextCursor } : {}) };
}

// ---------------------------------------------------------------------------------------------------------- Moderation

/** `reviews.adminList`: every review, filtered, newest first. */
export async function adminListReviews(input: AdminReviewListInput & { pageSize: number }): Promise<AdminReviewPage> {
  const conditions: Array<Record<string, unknown>> = [{ createdAt: _.exists(true) }];
  if (input.spuId) conditions.push({ spuId: input.spuId });
  if (input.rating) conditions.push({ rating: input.rating });
  if (input.withPhotos !== undefined) conditions.push({ hasPhotos: input.withPhotos });
  if (input.unreplied !== undefined) conditions.push({ replied: !input.unreplied });
  if (input.hidden !== undefined) conditions.push({ hidden: input.hidden });
  const docs = await newest(conditions, input.pageSize + 1, input.cursor);
  const { items, nextCursor } = pageOf(docs, input.pageSize, timeOf);
  return { items: items.map(toAdminReviewView), ...(nextCursor ? { nextCursor } : {}) };
}

export type Moderation = 'hide' | 'unhide' | 'feature' | 'unfeature';

const MODERATION_ACTIONS: Record<Moderation, string> = {
  hide: AdminReviewRoutes.hide,
  unhide: AdminReviewRoutes.unhide,
  feature: AdminReviewRoutes.feature,
  unfeature: AdminReviewRoutes.unfeature,
};

const invalid = (message: string) => new ShopError(ErrorCode.INVALID_STATE, message);

/** What a moderation changes on the review, or its refusal when the review is already so. */
function moderationChange(kind: Moderation, review: ReviewDoc): Pick<ReviewDoc, 'hidden' | 'featured'> {
  switch (kind) {
    case 'hide':
      if (review.hidden) throw invalid('评价已隐藏');
      return { hidden: true, featured: review.featured };
    case 'unhide':
      if (!review.hidden) throw invalid('评价未隐藏');
      return { hidden: false, featured: review.featured };
    case 'feature':
      if (review.hidden) throw invalid('已隐藏的评价不能设为精选');
      if (review.featured) throw invalid('评价已是精选');
      return { hidden: false, featured: true };
    case 'unfeature':
      if (!review.featured) throw invalid('评价不是精选');
      return { hidden: review.hidden, featured: false };
  }
}

/**
 * Hides, shows, features or unfeatures a review at `version`, moving the product's counters and writing the audit
 * entry in the same transaction.
 */
export function moderateReview(
  kind: Moderation,
  input: { reviewId: string; version: number; reason?: string },
  { actor, now }: Acting,
): Promise<AdminReviewView> {
  return withRetries(db, async (tx) => {
    const { before, after } = await updateVersioned<ReviewDoc>(tx, REVIEWS, input.reviewId, input.version, '评价', (r) => ({
      ...moderationChange(kind, r),
      updatedAt: now,
    }));
    let stats = await statsIn(tx, before.spuId, now);
    if (kind === 'hide') stats = countReview(stats, before, -1, now);
    if (kind === 'unhide') stats = countReview(stats, before, 1, now);
    if (kind === 'feature') stats = featureReview(stats, 1, now);
    if (kind === 'unfeature') stats = featureReview(stats, -1, now);
    await saveStats(tx, stats);
    await writeAudit(tx, actor, now, {
      action: MODERATION_ACTIONS[kind],
      target: input.reviewId,
      before,
      after,
      detail: { spuId: before.spuId, ...(input.reason ? { reason: input.reason } : {}) },
    });
    return toAdminReviewView(after);
  });
}

/** `reviews.reply`: the shop's reply (a new one or an edit), shown to shoppers, audited with before and after. */
export function replyToReview(
  input: { reviewId: string; version: number; reply: string },
  { actor, now }: Acting,
): Promise<AdminReviewView> {
  return withRetries(db, async (tx) => {
    const { before, after } = await updateVersioned<ReviewDoc>(tx, REVIEWS, input.reviewId, input.version, '评价', () => ({
      reply: { text: input.reply, at: now, by: actor.name },
      replied: true,
      updatedAt: now,
    }));
    await writeAudit(tx, actor, now, {
      action: AdminReviewRoutes.reply,
      target: input.reviewId,
      before,
      after,
      detail: { spuId: before.spuId },
    });
    return toAdminReviewView(after);
  });
}

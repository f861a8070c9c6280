import type { OrderPage, OrderView } from '../../typings/order';
import type { MyReviewPage, ReviewTag, ReviewView } from '../../typings/review';
import { call } from './call';
import { type UploadFolder, uploadFile } from './storage';

/** The order filters `order.list` takes (every status but `refund_approved`, which shows under `all`). */
export type OrderFilter = 'all' | 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled' | 'refunding' | 'refunded';

/** A page of the shopper's orders, newest first. */
export function fetchOrders(status: OrderFilter, cursor?: string, pageSize = 10): Promise<OrderPage> {
  return call('order', 'list', { status, pageSize, ...(cursor ? { cursor } : {}) });
}

export function fetchOrder(orderId: string): Promise<OrderView> {
  return call('order', 'detail', { orderId });
}

/** Cancels an unpaid order: its stock, coupon and points go back. */
export function cancelOrder(orderId: string): Promise<OrderView> {
  return call('order', 'cancel', { orderId });
}

export function confirmReceipt(orderId: string): Promise<OrderView> {
  return call('order', 'confirmReceipt', { orderId });
}

export interface ReviewDraft {
  orderId: string;
  index: number;
  rating: number;
  text: string;
  tags: ReviewTag[];
  photos: string[];
  anonymous: boolean;
}

/** Reviews one line of a completed order (once per line: a second answers CONFLICT). */
export function reviewOrderLine(draft: ReviewDraft): Promise<ReviewView> {
  return call('review', 'reviews.create', draft);
}

/** The shopper's own reviews, newest first (to mark lines already reviewed). */
export function fetchMyReviews(cursor?: string): Promise<MyReviewPage> {
  return call('review', 'reviews.mine', { pageSize: 50, ...(cursor ? { cursor } : {}) });
}

/**
 * Uploads photos the shopper picked (local temporary paths) to the shop's storage (services/storage.ts: the cloud, or
 * the local emulator's), in order; answers their file IDs, which reviews and after-sale requests accept.
 */
export async function uploadPhotos(paths: string[], folder: UploadFolder): Promise<string[]> {
  const ids: string[] = [];
  for (const filePath of paths) ids.push(await uploadFile(filePath, folder));
  return ids;
}

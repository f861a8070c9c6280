import type { AfterSaleKind } from '../../typings/order-after-sale.js';
import type { ReviewTag } from '../../typings/review.js';

/**
 * What the order forms check before sending (review, after-sale request, return parcel), with the limits of the
 * routes' contracts (typings/review.ts, typings/order-after-sale.ts, typings/common.ts): the app imports only types
 * from typings/, so the numbers are repeated here and typed against the contract's names where it has them.
 */

export const MAX_PHOTOS = 9;
export const MAX_REVIEW_TEXT = 500;
export const MAX_REVIEW_TAGS = 5;
export const MAX_REASON = 200;
export const MAX_CARRIER = 20;

/** The tags a review may carry (REVIEW_TAG_LABELS of typings/review.ts). */
export const REVIEW_TAGS: Record<ReviewTag, string> = {
  quality: '质量很好',
  as_described: '与描述相符',
  value: '性价比高',
  fast_delivery: '物流很快',
  good_packaging: '包装完好',
  true_to_size: '尺码标准',
  looks_good: '颜值很高',
  good_service: '客服热情',
};

/** What each number of stars says (index = stars). */
export const RATING_WORDS: readonly string[] = ['', '非常差', '差', '一般', '满意', '非常满意'];

export const AFTER_SALE_KINDS: Array<{ kind: AfterSaleKind; label: string; hint: string }> = [
  { kind: 'refund_only', label: '仅退款', hint: '未收到货，或与商家协商不退货' },
  { kind: 'return_refund', label: '退货退款', hint: '已收到货，需要寄回商品' },
];

/** Reasons offered; the shopper's description follows the chosen one. */
export const AFTER_SALE_REASONS = ['不想要了', '商品与描述不符', '质量问题', '商家发错货', '少件/漏发', '其他'];

export interface ReviewForm {
  rating: number;
  text: string;
  tags: string[];
  photos: string[];
}

/** The first problem of a review form, or '' when it can be sent. */
export function reviewProblem(form: ReviewForm): string {
  if (!Number.isInteger(form.rating) || form.rating < 1 || form.rating > 5) return '请为商品打分';
  if (form.text.trim().length > MAX_REVIEW_TEXT) return `评价内容最多 ${MAX_REVIEW_TEXT} 个字`;
  if (form.tags.length > MAX_REVIEW_TAGS) return `最多选择 ${MAX_REVIEW_TAGS} 个标签`;
  if (form.photos.length > MAX_PHOTOS) return `最多上传 ${MAX_PHOTOS} 张图片`;
  return '';
}

/** Toggles a tag, keeping at most MAX_REVIEW_TAGS (one more is refused: the list stays as it was). */
export function toggleTag<T extends string>(tags: T[], tag: T): T[] {
  if (tags.includes(tag)) return tags.filter((t) => t !== tag);
  return tags.length >= MAX_REVIEW_TAGS ? tags : [...tags, tag];
}

/** The reason sent to the merchant: the chosen reason, then the shopper's words. */
export function refundReason(chosen: string, description: string): string {
  const words = description.trim();
  if (!chosen) return words;
  return words ? `${chosen}：${words}` : chosen;
}

export interface AfterSaleForm {
  lines: Array<{ index: number; quantity: number }>;
  reason: string;
  description: string;
  photos: string[];
}

export function afterSaleProblem(form: AfterSaleForm): string {
  if (!form.lines.length) return '请选择要售后的商品';
  if (!form.reason) return '请选择售后原因';
  if (form.reason === '其他' && !form.description.trim()) return '请说明售后原因';
  if (refundReason(form.reason, form.description).length > MAX_REASON) return `售后原因最多 ${MAX_REASON} 个字`;
  if (form.photos.length > MAX_PHOTOS) return `最多上传 ${MAX_PHOTOS} 张图片`;
  return '';
}

/** The return parcel's carrier and tracking number (Carrier and TrackingNo of typings/common.ts). */
export function returnProblem(carrier: string, trackingNo: string): string {
  const c = carrier.trim();
  const n = trackingNo.trim();
  if (!c) return '请填写快递公司';
  if (c.length > MAX_CARRIER) return `快递公司最多 ${MAX_CARRIER} 个字`;
  if (n.length < 4) return '运单号至少 4 位';
  if (n.length > 32) return '运单号最多 32 位';
  if (!/^[A-Za-z0-9-]+$/.test(n)) return '运单号只能包含字母、数字和连字符';
  return '';
}

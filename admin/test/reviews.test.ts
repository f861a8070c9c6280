import test from 'ava';
import { startAdminSite } from '../../testkit/admin-page.js';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';
import type { ReviewPage, ReviewView } from '../../typings/review.js';

/**
 * 评价管理 in Chromium against the real functions: a shopper reviews a line of a completed order through the `review`
 * function, the staff replies, hides, features; each change read back from the database and from the shopper's list.
 */
const site = await startAdminSite({ only: ['admin', 'product', 'order', 'pay', 'user', 'cart', 'review'] });
test.after.always(() => site.close());

const { shop } = site;
type Rec = Record<string, any>;

let parcels = 0;
/** A review (5 stars, one photo: the product's image in cloud storage) of the first line of a new completed order. */
async function reviewed(openid: string, skuId: string, text: string): Promise<ReviewView> {
  const order = await shop.orderFor(openid, skuId);
  await shop.payFor(openid, order.orderId);
  await shipOrder(shop, order.orderId, { carrier: '顺丰速运', trackingNo: `SF${process.pid}R${++parcels}` });
  dataOf(await shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
  const spu = (await shop.db.collection('spus').doc(skuId.slice(0, 7)).get()).data[0] as { images: string[] };
  const review = { orderId: order.orderId, index: 0, rating: 5, text, photos: spu.images, tags: ['quality', 'value'] };
  return dataOf(await shop.call<ReviewView>('review', 'reviews.create', review, openid));
}

const stored = async (reviewId: string): Promise<Rec> => (await shop.db.collection('reviews').doc(reviewId).get()).data[0] as Rec;
const listed = async (spuId: string): Promise<string[]> =>
  dataOf(await shop.call<ReviewPage>('review', 'reviews.list', { spuId, pageSize: 50 }, 'o-rv-visitor')).items.map(
    (r) => r.reviewId,
  );

test('客服 replies to a review and hides it: stored, audited, gone from the shopper’s list; then features another', async (t) => {
  const service = await site.staff('service');
  const review = await reviewed('o-ar-hide', 'spu-010-01', '杯子很好看，釉面细腻');
  const other = await reviewed('o-ar-other', 'spu-010-02', '颜色和图片一样');
  t.true((await listed('spu-010')).includes(review.reviewId));

  const page = await site.open();
  await site.signIn(page, service, '/reviews');
  const row = page.locator('tr', { has: page.locator(`[data-test="review-row"][data-id="${review.reviewId}"]`) });
  await row.waitFor();
  // The photo is shown from its cloud file id.
  await row.locator('[data-test="photos"] img').waitFor();
  t.regex((await row.locator('[data-test="photos"] img').getAttribute('src')) ?? '', /^https?:\/\//);
  for (const width of [1024, 1440]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    t.true(await site.fitsViewport(page), `评价管理 fits at ${width}`);
  }
  await site.screenshot(page, 'reviews');

  // Filters: by product, then unreplied only.
  await page.locator('[data-test="filter-spu"] input').fill('spu-010');
  await page.locator('[data-test="filter-spu"] input').press('Enter');
  // Only spu-010's two reviews are left (the demo's reviews of other products go).
  await page.waitForFunction(() => document.querySelectorAll('[data-test="review-row"]').length === 2);
  await page.locator(`[data-test="review-row"][data-id="${other.reviewId}"]`).waitFor();

  await row.locator('[data-test="review-reply-open"]').click();
  const replyDialog = page.locator('.review-reply-dialog');
  await replyDialog.locator('[data-test="review-reply-text"] textarea').waitFor();
  await replyDialog.getByRole('button', { name: '发布回复' }).click();
  await replyDialog.getByText('请填写回复内容').waitFor();
  await page.locator('[data-test="review-reply-text"] textarea').fill('感谢喜欢，欢迎再来～');
  await replyDialog.getByRole('button', { name: '发布回复' }).click();
  await row.locator('[data-test="review-reply"]', { hasText: '感谢喜欢，欢迎再来～' }).waitFor();
  t.like(await stored(review.reviewId), { reply: { text: '感谢喜欢，欢迎再来～' }, version: 2 });

  await page.locator('[data-test="filter-unreplied"]').click();
  await row.waitFor({ state: 'detached' });
  await page.locator(`[data-test="review-row"][data-id="${other.reviewId}"]`).waitFor();
  await page.locator('[data-test="filter-unreplied"]').click();
  await row.waitFor();

  await row.locator('[data-test="review-hide"]').click();
  await page.locator('[data-test="review-reason"] textarea').fill('含广告信息');
  await page.locator('.review-moderate-dialog').getByRole('button', { name: '隐藏' }).click();
  await row.locator('[data-test="review-state"]', { hasText: '已隐藏' }).waitFor();
  t.like(await stored(review.reviewId), { hidden: true, version: 3 });
  t.false((await listed('spu-010')).includes(review.reviewId), 'shoppers no longer see it');
  t.true((await listed('spu-010')).includes(other.reviewId));
  const audit = (await shop.db.collection('audit_logs').where({ action: 'reviews.hide', target: review.reviewId }).get())
    .data as Rec[];
  t.like(audit[0], { actor: `staff:${service.username}`, detail: { reason: '含广告信息' } });
  t.is(await row.locator('[data-test="review-feature"]').count(), 0, 'a hidden review cannot be featured');

  const otherRow = page.locator('tr', { has: page.locator(`[data-test="review-row"][data-id="${other.reviewId}"]`) });
  await otherRow.locator('[data-test="review-feature"]', { hasText: '精选' }).click();
  await otherRow.locator('[data-test="review-state"]', { hasText: '精选' }).waitFor();
  t.like(await stored(other.reviewId), { featured: true, version: 2 });
  const first = dataOf(await shop.call<ReviewPage>('review', 'reviews.list', { spuId: 'spu-010' }, 'o-rv-visitor')).items[0];
  t.like(first, { reviewId: other.reviewId, featured: true });

  // Shown again: back in the shopper's list.
  await row.locator('[data-test="review-hide"]', { hasText: '恢复' }).click();
  await page.locator('.review-moderate-dialog').getByRole('button', { name: '恢复显示' }).click();
  await row.locator('[data-test="review-state"]', { hasText: '显示中' }).waitFor();
  t.true((await listed('spu-010')).includes(review.reviewId));
});

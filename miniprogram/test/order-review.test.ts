import test from 'ava';
import { type MiniProgram, type RenderedPage, startMiniProgram, tap, text, waitFor } from '../../testkit/miniprogram.js';
import { shipOrder } from '../../testkit/merchant.js';
import { dataOf } from '../../testkit/shop.js';
import type { OrderView } from '../../typings/order.js';

// 评价 on the real review function: the review lands in the database once per line, its photos in cloud storage
// (picked behind the privacy prompt), and the route's refusals are shown on the page.

type Rec = Record<string, any>;

let mp: MiniProgram;

test.before(async () => {
  mp = await startMiniProgram({ only: ['order', 'pay', 'user', 'review', 'admin', 'track'] });
});

test.after.always(async () => {
  await mp?.close();
});

const newShopper = (): string => mp.newShopper('o-review');

/** A two-line order the shopper received (completed). */
async function receivedOrder(openid: string): Promise<OrderView> {
  const order = await mp.shop.placeOrder(openid, [
    { skuId: 'spu-006-01', quantity: 1 },
    { skuId: 'spu-008-01', quantity: 2 },
  ]);
  await mp.shop.payFor(openid, order.orderId);
  await shipOrder(mp.shop, order.orderId, { carrier: '顺丰速运', trackingNo: 'SF3000000001' });
  return dataOf(await mp.shop.call<OrderView>('order', 'confirmReceipt', { orderId: order.orderId }, openid));
}

const openReview = (orderId: string, index: number): Promise<RenderedPage> =>
  mp.renderLoaded('pages/order/review/index', { orderId, index: String(index) });

async function reviewsOf(openid: string): Promise<Rec[]> {
  return (await mp.shop.db.collection('reviews').where({ openid }).get()).data as Rec[];
}

async function storedFiles(): Promise<string[]> {
  return ((await mp.shop.control('GET', '/storage')).files as Rec[]).map((f) => String(f.fileID));
}

test.serial('a review with stars, tags, words, photos behind the privacy prompt and anonymity lands once', async (t) => {
  const openid = newShopper();
  const order = await receivedOrder(openid);
  const page = await openReview(order.orderId, 1);
  t.is(text(page.find('.line >>> .line__title')), order.lines[1]!.title);
  t.is(text(page.find('.rating__word')), '非常满意', 'five stars unless the shopper says otherwise');

  await tap(page.findAll('.star')[3]!);
  t.is(page.data.rating, 4);
  t.is(text(page.find('.rating__word')), '满意');
  await tap(page.findAll('.tag').find((n) => text(n) === '质量很好')!);
  await tap(page.findAll('.tag').find((n) => text(n) === '物流很快')!);
  t.deepEqual(page.findAll('.tag--on').map(text), ['质量很好', '物流很快']);
  page.find('.text').dispatchEvent('input', { detail: { value: '  做工不错，穿着舒服  ' } });

  // WeChat needs the shopper's agreement to the privacy guide before photos: the page's own prompt asks.
  mp.needPrivacyAuthorization(true);
  mp.willChooseImages(2);
  await tap(page.find('.photos >>> .photos__add'));
  await waitFor('the privacy prompt', () => page.has('.privacy-popup >>> .privacy'));
  t.true(text(page.find('.privacy-popup >>> .privacy')).includes('相册'));
  page.find('.privacy-popup >>> .privacy__agree').dispatchEvent('agreeprivacyauthorization');
  await waitFor('the photos', () => page.data.photos.length === 2);
  t.false(page.has('.privacy-popup >>> .privacy'));
  t.false(mp.privacyNeeded);
  t.is(page.findAll('.photos >>> .photos__item').length, 2);

  await tap(page.find('.anonymous'));
  t.true(page.data.anonymous);
  const uploadsBefore = mp.uploads.length;
  await tap(page.find('.bar__submit >>> .t-button'));
  await waitFor('the review', () => page.data.status === 'done' || page.data.refusal);
  t.is(page.data.status, 'done');
  t.is(text(page.find('.state__title')), '评价成功，感谢你的分享');

  const [review, ...more] = await reviewsOf(openid);
  t.is(more.length, 0);
  t.like(review, { orderId: order.orderId, index: 1, rating: 4, text: '做工不错，穿着舒服', anonymous: true });
  t.deepEqual(review!.tags, ['quality', 'fast_delivery']);
  const uploads = mp.uploads.slice(uploadsBefore);
  t.is(uploads.length, 2);
  t.deepEqual(
    review!.photos,
    uploads.map((u) => u.fileID),
  );
  const stored = await storedFiles();
  for (const photo of review!.photos as string[]) t.true(stored.includes(photo), photo);
  t.true(uploads.every((u) => u.cloudPath.startsWith('reviews/')));

  await tap(page.find('.state__back >>> .t-button'));
  t.deepEqual(mp.lastNavigation(), { method: 'navigateBack', url: '' });
  page.detach();

  // The same line again: the route refuses, and the page says why.
  const again = await openReview(order.orderId, 1);
  const refusal = await mp.shop.call('review', 'reviews.create', { orderId: order.orderId, index: 1, rating: 5 }, openid);
  t.false(refusal.ok);
  await tap(again.find('.bar__submit >>> .t-button'));
  await waitFor('the refusal', () => again.data.refusal);
  t.is(text(again.find('.refusal')), refusal.ok ? '' : refusal.message);
  t.is((await reviewsOf(openid)).length, 1);
  again.detach();
});

test.serial('before receipt the route refuses the review; a declined privacy prompt picks no photo', async (t) => {
  const openid = newShopper();
  const order = await mp.shop.orderFor(openid, 'spu-006-01');
  await mp.shop.payFor(openid, order.orderId);
  const page = await openReview(order.orderId, 0);

  mp.needPrivacyAuthorization(true);
  mp.willChooseImages(1);
  await tap(page.find('.photos >>> .photos__add'));
  await waitFor('the privacy prompt', () => page.has('.privacy-popup >>> .privacy'));
  await tap(page.find('.privacy-popup >>> .privacy__disagree'));
  await waitFor('the refusal notice', () => mp.toasts.includes('同意隐私保护指引后才能上传图片'));
  t.deepEqual(page.data.photos, []);
  t.true(mp.privacyNeeded);
  mp.needPrivacyAuthorization(false);

  const refusal = await mp.shop.call('review', 'reviews.create', { orderId: order.orderId, index: 0, rating: 5 }, openid);
  t.false(refusal.ok);
  await tap(page.find('.bar__submit >>> .t-button'));
  await waitFor('the refusal', () => page.data.refusal);
  t.is(text(page.find('.refusal')), refusal.ok ? '' : refusal.message);
  t.is((await reviewsOf(openid)).length, 0);
  page.detach();
});

test.serial('at most five tags; an order line that does not exist shows the route’s message', async (t) => {
  const openid = newShopper();
  const order = await receivedOrder(openid);
  const page = await openReview(order.orderId, 0);
  for (const tag of page.findAll('.tag').slice(0, 6)) await tap(tag);
  t.is(page.data.tags.length, 5);
  t.is(mp.toasts.at(-1), '最多选择 5 个标签');
  await tap(page.findAll('.tag')[0]!);
  t.is(page.data.tags.length, 4, 'a tap takes a tag off again');
  page.detach();

  const missing = await openReview(order.orderId, 5);
  t.is(missing.data.status, 'error');
  t.is(text(missing.find('.state--error')), '订单商品不存在重新加载');
  missing.detach();

  newShopper();
  const other = await openReview(order.orderId, 0);
  const refusal = await mp.shop.call('order', 'detail', { orderId: order.orderId }, mp.openid);
  t.is(text(other.find('.state--error')), `${refusal.ok ? '' : refusal.message}重新加载`);
  other.detach();
});

import type { ReviewDoc } from '../cloudfunctions/shared/model/review.js';
import { ratingBand, reviewId, statsOf } from '../cloudfunctions/shared/rules/review-rules.js';
import type { ReviewTag } from '../typings/review.js';
import type { SeedTarget } from './seed.js';

/**
 * The demo shop's reviews (docs/back-office/reviews.md): a few on several products, some with photos (the
 * products' placeholder images), one with the shop's reply, one featured, one anonymous, and the products' counters
 * (`review_stats`) computed from them with the rule the functions use, so the summary agrees with the list. The demo
 * orders they belong to (`demo-order-*`) are not seeded; the reviewers are demo shoppers.
 */

interface ReviewSeed {
  spuId: string;
  skuId: string;
  specValues: Record<string, string>;
  title: string;
  nickname: string;
  rating: number;
  text: string;
  /** Shows the product's image as the shopper's photo. */
  withPhoto?: boolean;
  tags?: ReviewTag[];
  anonymous?: boolean;
  featured?: boolean;
  reply?: string;
  /** How many days before the seed it was written. */
  daysAgo: number;
}

const REVIEWS: ReviewSeed[] = [
  {
    spuId: 'spu-001',
    skuId: 'spu-001-06',
    specValues: { 颜色: '黑色', 尺码: 'M' },
    title: '纯棉圆领T恤',
    nickname: '阿杰',
    rating: 5,
    text: '面料很软，洗了两次没有变形，黑色很正，尺码标准，已经回购第二件了。',
    withPhoto: true,
    tags: ['quality', 'true_to_size', 'as_described'],
    featured: true,
    daysAgo: 6,
  },
  {
    spuId: 'spu-001',
    skuId: 'spu-001-02',
    specValues: { 颜色: '白色', 尺码: 'M' },
    title: '纯棉圆领T恤',
    nickname: '林小夕',
    rating: 4,
    text: '白色有一点点透，其他都好，物流第二天就到了。',
    tags: ['fast_delivery'],
    reply: '感谢您的反馈！白色款建议搭配浅色内搭，欢迎再次光临～',
    daysAgo: 4,
  },
  {
    spuId: 'spu-001',
    skuId: 'spu-001-11',
    specValues: { 颜色: '雾霾蓝', 尺码: 'L' },
    title: '纯棉圆领T恤',
    nickname: '周末去爬山',
    rating: 3,
    text: '颜色比图片暗一些，穿着还算舒服。',
    anonymous: true,
    daysAgo: 2,
  },
  {
    spuId: 'spu-004',
    skuId: 'spu-004-01',
    specValues: { 颜色: '曜石黑' },
    title: '降噪蓝牙耳机',
    nickname: '通勤党小王',
    rating: 5,
    text: '地铁上降噪效果明显，续航一周充一次，性价比很高。',
    withPhoto: true,
    tags: ['value', 'quality'],
    daysAgo: 5,
  },
  {
    spuId: 'spu-004',
    skuId: 'spu-004-02',
    specValues: { 颜色: '珍珠白' },
    title: '降噪蓝牙耳机',
    nickname: 'Mia',
    rating: 2,
    text: '左耳偶尔断连，联系客服后说可以换货。',
    tags: ['good_service'],
    daysAgo: 1,
  },
  {
    spuId: 'spu-009',
    skuId: 'spu-009-01',
    specValues: { 规格: '50g 罐装' },
    title: '明前龙井茶',
    nickname: '茶客老陈',
    rating: 5,
    text: '豆香明显，汤色清亮，包装也很用心，送人很有面子。',
    withPhoto: true,
    tags: ['good_packaging', 'quality'],
    daysAgo: 3,
  },
];

/**
 * Writes the demo reviews and their products' counters; answers how many reviews. `productImages` are the demo
 * products' placeholder images in product order (`spu-001` first): a review's photo is its product's image, so the
 * demo adds no files to storage.
 */
export async function seedDemoReviews(
  app: Pick<SeedTarget, 'database'>,
  productImages: string[],
  now = Date.now(),
): Promise<number> {
  const db = app.database();
  const docs: ReviewDoc[] = [];
  for (const [i, seed] of REVIEWS.entries()) {
    const image = productImages[Number(seed.spuId.slice(-3)) - 1];
    const photos = seed.withPhoto && image ? [image] : [];
    const orderId = `demo-order-${String(i + 1).padStart(3, '0')}`;
    const at = new Date(now - seed.daysAgo * 86_400_000);
    docs.push({
      _id: reviewId(orderId, 0),
      orderId,
      index: 0,
      openid: `o-demo-reviewer-${i + 1}`,
      spuId: seed.spuId,
      skuId: seed.skuId,
      title: seed.title,
      specValues: seed.specValues,
      nickname: seed.nickname,
      avatarUrl: null,
      anonymous: seed.anonymous ?? false,
      rating: seed.rating,
      band: ratingBand(seed.rating),
      text: seed.text,
      photos,
      hasPhotos: photos.length > 0,
      tags: seed.tags ?? [],
      hidden: false,
      featured: seed.featured ?? false,
      replied: seed.reply !== undefined,
      ...(seed.reply ? { reply: { text: seed.reply, at: new Date(at.getTime() + 3_600_000), by: '店主' } } : {}),
      createdAt: at,
      updatedAt: at,
      version: 1,
    });
  }
  await db.collection('reviews').add(docs as unknown as Array<Record<string, unknown>>);
  const spuIds = [...new Set(docs.map((d) => d.spuId))];
  await db.collection('review_stats').add(
    spuIds.map(
      (spuId) =>
        statsOf(
          spuId,
          docs.filter((d) => d.spuId === spuId),
          new Date(now),
        ) as unknown as Record<string, unknown>,
    ),
  );
  return docs.length;
}

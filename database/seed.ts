import { stockAfterHolding } from '../cloudfunctions/shared/rules/promotion-units.js';
import { DEFAULT_MEMBER_SETTINGS, MEMBER_SETTINGS_ID } from '../typings/member.js';
import { seedDemoReviews } from './seed-reviews.js';

/**
 * The demo shop: a category tree, products with spec dimensions (颜色 × 尺码 …) and a SKU per combination,
 * placeholder images in cloud storage. It talks to CloudBase through @cloudbase/node-sdk, so the same seed fills the
 * local emulator (npm start does it on first start) or a real test environment. Money is integer fen.
 */
export interface SeedTarget {
  database(): {
    collection(name: string): {
      add(data: Record<string, unknown> | Array<Record<string, unknown>>): Promise<unknown>;
      count(): Promise<{ total?: number }>;
    };
  };
  uploadFile(params: { cloudPath: string; fileContent: Buffer }): Promise<{ fileID?: string }>;
}

interface ProductSeed {
  title: string;
  subtitle: string;
  category: string;
  color: string;
  specs: Array<{ name: string; values: string[] }>;
  /** Price of the first SKU in fen; later combinations cost a little more. */
  price: number;
  attributes: Array<{ name: string; value: string }>;
}

const CATEGORIES: Array<{ id: string; name: string; children: Array<{ id: string; name: string }> }> = [
  {
    id: 'c-apparel',
    name: '服饰',
    children: [
      { id: 'c-tshirt', name: 'T恤' },
      { id: 'c-hoodie', name: '卫衣' },
    ],
  },
  {
    id: 'c-digital',
    name: '数码',
    children: [
      { id: 'c-earphone', name: '耳机' },
      { id: 'c-charger', name: '充电配件' },
    ],
  },
  {
    id: 'c-food',
    name: '食品',
    children: [
      { id: 'c-snack', name: '零食' },
      { id: 'c-tea', name: '茶饮' },
    ],
  },
  {
    id: 'c-home',
    name: '家居',
    children: [
      { id: 'c-cup', name: '杯具' },
      { id: 'c-storage', name: '收纳' },
    ],
  },
];

const SIZES = ['S', 'M', 'L', 'XL'];
const PRODUCTS: ProductSeed[] = [
  {
    title: '纯棉圆领T恤',
    subtitle: '新疆长绒棉，亲肤透气',
    category: 'c-tshirt',
    color: '#4a90d9',
    specs: [
      { name: '颜色', values: ['白色', '黑色', '雾霾蓝'] },
      { name: '尺码', values: SIZES },
    ],
    price: 5900,
    attributes: [
      { name: '面料', value: '100% 棉' },
      { name: '版型', value: '宽松' },
    ],
  },
  {
    title: '重磅落肩T恤',
    subtitle: '260g 重磅面料，不易变形',
    category: 'c-tshirt',
    color: '#7b8794',
    specs: [
      { name: '颜色', values: ['燕麦色', '炭灰'] },
      { name: '尺码', values: SIZES },
    ],
    price: 7900,
    attributes: [{ name: '面料', value: '精梳棉' }],
  },
  {
    title: '加绒连帽卫衣',
    subtitle: '冬季保暖，内里加绒',
    category: 'c-hoodie',
    color: '#c0392b',
    specs: [
      { name: '颜色', values: ['酒红', '藏青', '黑色'] },
      { name: '尺码', values: SIZES },
    ],
    price: 15900,
    attributes: [
      { name: '面料', value: '棉涤混纺' },
      { name: '厚度', value: '加厚' },
    ],
  },
  {
    title: '降噪蓝牙耳机',
    subtitle: '主动降噪，30 小时续航',
    category: 'c-earphone',
    color: '#2c3e50',
    specs: [{ name: '颜色', values: ['曜石黑', '珍珠白'] }],
    price: 39900,
    attributes: [
      { name: '蓝牙版本', value: '5.3' },
      { name: '续航', value: '30 小时' },
    ],
  },
  {
    title: '运动挂耳耳机',
    subtitle: '防汗防水，跑步不掉',
    category: 'c-earphone',
    color: '#16a085',
    specs: [{ name: '颜色', values: ['活力绿', '暗夜黑'] }],
    price: 19900,
    attributes: [{ name: '防水等级', value: 'IPX5' }],
  },
  {
    title: '65W 氮化镓充电器',
    subtitle: '三口快充，小巧便携',
    category: 'c-charger',
    color: '#8e44ad',
    specs: [
      { name: '颜色', values: ['白色', '黑色'] },
      { name: '套装', values: ['单充电头', '含 1 米数据线'] },
    ],
    price: 12900,
    attributes: [{ name: '功率', value: '65W' }],
  },
  {
    title: '每日坚果礼盒',
    subtitle: '7 种坚果果干，每日一包',
    category: 'c-snack',
    color: '#d35400',
    specs: [{ name: '规格', values: ['15 袋装', '30 袋装'] }],
    price: 6900,
    attributes: [
      { name: '保质期', value: '180 天' },
      { name: '产地', value: '云南' },
    ],
  },
  {
    title: '手工牛轧糖',
    subtitle: '低糖配方，奶香浓郁',
    category: 'c-snack',
    color: '#e67e22',
    specs: [
      { name: '口味', values: ['原味', '抹茶', '蔓越莓'] },
      { name: '规格', values: ['250g', '500g'] },
    ],
    price: 3500,
    attributes: [{ name: '保质期', value: '90 天' }],
  },
  {
    title: '明前龙井茶',
    subtitle: '西湖产区，春茶头采',
    category: 'c-tea',
    color: '#27ae60',
    specs: [{ name: '规格', values: ['50g 罐装', '100g 礼盒'] }],
    price: 16800,
    attributes: [
      { name: '产地', value: '浙江杭州' },
      { name: '等级', value: '特级' },
    ],
  },
  {
    title: '陶瓷马克杯',
    subtitle: '哑光釉面，350ml',
    category: 'c-cup',
    color: '#95a5a6',
    specs: [{ name: '颜色', values: ['米白', '雾绿', '砖红'] }],
    price: 4900,
    attributes: [
      { name: '容量', value: '350ml' },
      { name: '材质', value: '陶瓷' },
    ],
  },
  {
    title: '316 不锈钢保温杯',
    subtitle: '12 小时保温，一键开盖',
    category: 'c-cup',
    color: '#34495e',
    specs: [
      { name: '颜色', values: ['星空蓝', '樱花粉'] },
      { name: '容量', values: ['400ml', '600ml'] },
    ],
    price: 12900,
    attributes: [{ name: '材质', value: '316 不锈钢' }],
  },
  {
    title: '可折叠收纳箱',
    subtitle: '大容量，可叠放',
    category: 'c-storage',
    color: '#bdc3c7',
    specs: [
      { name: '尺寸', values: ['中号', '大号'] },
      { name: '数量', values: ['1 个装', '3 个装'] },
    ],
    price: 3900,
    attributes: [{ name: '材质', value: 'PP' }],
  },
];

function placeholderImage(title: string, color: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="750" height="750" viewBox="0 0 750 750">
<rect width="750" height="750" fill="${color}"/>
<text x="375" y="390" font-size="56" fill="#ffffff" text-anchor="middle" font-family="PingFang SC, Microsoft YaHei, sans-serif">${title}</text>
</svg>`;
  return Buffer.from(svg, 'utf8');
}

/** Every combination of the spec values, in order: [['白色','S'], ['白色','M'], …]. */
function combinations(specs: ProductSeed['specs']): string[][] {
  return specs.reduce<string[][]>((acc, spec) => acc.flatMap((prefix) => spec.values.map((v) => [...prefix, v])), [[]]);
}

export async function seedDemoShop(
  app: SeedTarget,
  now = Date.now(),
): Promise<{ categories: number; spus: number; skus: number }> {
  const db = app.database();
  const categories = CATEGORIES.flatMap((top, i) => [
    { _id: top.id, name: top.name, parentId: null, sort: i },
    ...top.children.map((child, j) => ({ _id: child.id, name: child.name, parentId: top.id, sort: j })),
  ]);
  await db.collection('categories').add(categories);

  let skuCount = 0;
  const images: string[] = [];
  const flashSales = demoFlashSales(now);
  for (const [i, p] of PRODUCTS.entries()) {
    const spuId = `spu-${String(i + 1).padStart(3, '0')}`;
    const { fileID } = await app.uploadFile({
      cloudPath: `products/${spuId}.svg`,
      fileContent: placeholderImage(p.title, p.color),
    });
    images.push(fileID ?? '');
    const skus = combinations(p.specs).map((values, k) => ({
      _id: `${spuId}-${String(k + 1).padStart(2, '0')}`,
      spuId,
      specValues: Object.fromEntries(p.specs.map((s, d) => [s.name, values[d]!])),
      price: p.price + k * 100,
      originalPrice: Math.round((p.price + k * 100) * 1.3),
      stock: 20 + ((i * 7 + k * 13) % 80),
      sales: (i * 31 + k * 17) % 300,
      image: fileID,
    }));
    // The stock rule: a flash sale's units come out of its SKU's stock (refused if the SKU has too few).
    for (const sale of flashSales) {
      const sku = skus.find((s) => s._id === sale.skuId);
      if (sku) sku.stock = stockAfterHolding(sku.stock, sale.stock);
    }
    skuCount += skus.length;
    await db.collection('spus').add({
      _id: spuId,
      title: p.title,
      subtitle: p.subtitle,
      categoryId: p.category,
      status: 'on_shelf',
      images: [fileID],
      specs: p.specs,
      attributes: p.attributes,
      minPrice: Math.min(...skus.map((s) => s.price)),
      maxPrice: Math.max(...skus.map((s) => s.price)),
      sales: skus.reduce((n, s) => n + s.sales, 0),
      createdAt: new Date(now - i * 86_400_000),
    });
    await db.collection('skus').add(skus);
  }
  const featured = [0, 3, 8];
  await db.collection('banners').add(
    featured.map((index, sort) => ({
      _id: `banner-${sort + 1}`,
      title: PRODUCTS[index]!.title,
      image: images[index],
      link: `/pages/product/detail/index?spuId=spu-${String(index + 1).padStart(3, '0')}`,
      sort,
      active: true,
    })),
  );
  await db.collection('coupon_templates').add(demoCouponTemplates(now));
  await db.collection('flash_sales').add(flashSales);
  await db.collection('group_buy_activities').add(demoGroupBuys(now));
  // The member settings the admin page edits; the code's defaults apply as well when the document is missing.
  await db.collection('settings').add({ _id: MEMBER_SETTINGS_ID, ...DEFAULT_MEMBER_SETTINGS });
  await seedDemoReviews(app, images, now);
  return { categories: categories.length, spus: PRODUCTS.length, skus: skuCount };
}

/**
 * Claimable demo coupons (cloudfunctions/shared/model/coupon.ts `CouponTemplateDoc`): claim windows open now and run for a
 * month; amounts in fen.
 */
function demoCouponTemplates(now: number): Array<Record<string, unknown>> {
  const day = 86_400_000;
  const base = {
    claimStartAt: new Date(now - day),
    claimEndAt: new Date(now + 30 * day),
    issued: 0,
    status: 'active',
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
  return [
    {
      _id: 'ct-all-99-10',
      name: '全场满99减10',
      description: '全场商品满 99 元可用，领取后 7 天内有效',
      rule: { kind: 'threshold', threshold: 9900, off: 1000 },
      scope: { type: 'all' },
      validity: { type: 'relative', days: 7 },
      total: 1000,
      perUser: 1,
      ...base,
    },
    {
      _id: 'ct-food-90',
      name: '食品9折券',
      description: '食品类商品享 9 折，最高减 20 元',
      rule: { kind: 'percent', percent: 90, cap: 2000 },
      scope: { type: 'categories', ids: ['c-food'] },
      validity: { type: 'fixed', startAt: new Date(now - day), endAt: new Date(now + 45 * day) },
      total: 500,
      perUser: 1,
      ...base,
    },
    {
      _id: 'ct-free-5',
      name: '5元无门槛券',
      description: '无门槛立减 5 元，每人限领 2 张，领取后 3 天内有效',
      rule: { kind: 'no_threshold', off: 500 },
      scope: { type: 'all' },
      validity: { type: 'relative', days: 3 },
      total: 2000,
      perUser: 2,
      ...base,
    },
  ];
}

/**
 * An upcoming flash sale (cloudfunctions/shared/model/promotion.ts `FlashSaleDoc`): the black noise-cancelling earphones at
 * ¥199 instead of ¥399, 20 of the SKU's 41 units held for it (taken out of the SKU's stock above, as
 * `scheduleFlashSale` does), 1 per shopper, starting in an hour for an hour; the jobs timer gives back what it did
 * not sell when it ends.
 */
function demoFlashSales(now: number): Array<{ _id: string; skuId: string; stock: number } & Record<string, unknown>> {
  const hour = 3_600_000;
  return [
    {
      _id: 'fs-earphone-199',
      skuId: 'spu-004-01',
      spuId: 'spu-004',
      title: '降噪蓝牙耳机 限时秒杀',
      price: 19900,
      stock: 20,
      remaining: 20,
      perUser: 1,
      startAt: new Date(now + hour),
      endAt: new Date(now + 2 * hour),
      status: 'active',
      createdAt: new Date(now),
      updatedAt: new Date(now),
    },
  ];
}

/**
 * A running group-buy (cloudfunctions/shared/model/promotion.ts `GroupBuyActivityDoc`) on the daily-nuts gift box: ¥59 for 2,
 * ¥49 for 3 (the target), 24 hours to fill a group, for a month.
 */
function demoGroupBuys(now: number): Array<Record<string, unknown>> {
  const day = 86_400_000;
  return [
    {
      _id: 'gb-nuts',
      spuId: 'spu-007',
      skuIds: ['spu-007-01', 'spu-007-02'],
      title: '每日坚果礼盒 3人拼团',
      tiers: [
        { minMembers: 2, price: 5900 },
        { minMembers: 3, price: 4900 },
      ],
      targetSize: 3,
      timeLimitMinutes: 24 * 60,
      maxQuantity: 2,
      startAt: new Date(now - day),
      endAt: new Date(now + 30 * day),
      status: 'active',
      createdAt: new Date(now),
      updatedAt: new Date(now),
    },
  ];
}

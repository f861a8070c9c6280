import type { Amounts, PricedLine, Preview } from '../../typings/order.js';
import type { SkuDoc, SpuDoc } from './catalog.js';
import { USER_COUPONS, type UserCouponDoc, couponLinesFor, ruleSummary, scopeText, toCouponView, usableCoupons } from './coupons.js';
import { _, db } from './db.js';
import { type MemberSnapshot, memberSnapshot, pointsValue } from './points.js';
import { type CheckoutPricing, priceCheckout } from './pricing.js';

/**
 * Prices a checkout from the database, never from the client: the SKUs and SPUs of all lines are read in two queries
 * (no N+1), off-shelf or unknown items and short stock are reported per line. With a shopper, their member level,
 * coupons and points are read too and priced by `priceCheckout` (pricing.ts), the one place an order's price is made.
 */
export const FREE_SHIPPING_FROM = 9900;
export const FREIGHT = 800;

export interface CatalogLine {
  sku: SkuDoc;
  spu: SpuDoc;
  quantity: number;
  /** The line's promotion discount in fen ((list price − promotion price) × quantity); 0 when absent. */
  promotion?: number;
}

/** The SKUs of a cart in one query, by id. */
export async function readSkus(skuIds: string[]): Promise<Map<string, SkuDoc>> {
  const skus = (await db.collection<SkuDoc>('skus').where({ _id: _.in([...new Set(skuIds)]) }).limit(1000).get()).data;
  return new Map(skus.map((s) => [s._id, s]));
}

/** The SPUs of a cart in one query, by id. */
export async function readSpus(spuIds: string[]): Promise<Map<string, SpuDoc>> {
  const unique = [...new Set(spuIds)];
  const spus = unique.length ? (await db.collection<SpuDoc>('spus').where({ _id: _.in(unique) }).limit(1000).get()).data : [];
  return new Map(spus.map((s) => [s._id, s]));
}

export async function loadCatalog(skuIds: string[]): Promise<{ skus: Map<string, SkuDoc>; spus: Map<string, SpuDoc> }> {
  const skus = await readSkus(skuIds);
  return { skus, spus: await readSpus([...skus.values()].map((s) => s.spuId)) };
}

/** Free shipping from ¥99 of goods at their selling (promotion) prices, before member, coupon and points discounts. */
export function freightFor(goods: number): number {
  return goods >= FREE_SHIPPING_FROM ? 0 : FREIGHT;
}

// ---- the shopper at checkout -----------------------------------------------------------------------------------

/** What pricing needs about the shopper, read from the database (never from the client). */
export interface Shopper {
  now: Date;
  member: MemberSnapshot;
  /** The coupons to choose from (see `loadShopper`). */
  coupons: UserCouponDoc[];
  /** As in the route's input: an id, null (no coupon) or absent (the best). */
  couponId?: string | null;
  usePoints?: number;
  /** Category → parent category, for category-scoped coupons (`categoryParents`). */
  parents?: Map<string, string | null>;
}

export interface ShopperRequest {
  openid: string;
  now: Date;
  couponId?: string | null;
  usePoints?: number;
}

/**
 * The shopper's member snapshot and the coupons pricing may choose from, in parallel: every usable one for the
 * preview's picker (`picker`), else only what the order may use: the chosen coupon (read by id: another shopper's is
 * left out, so it answers NOT_FOUND like one that does not exist; a used or locked one is kept so pricing says why
 * it cannot apply), the usable ones when choosing the best, none for `couponId: null`.
 */
export async function loadShopper(request: ShopperRequest, picker = false): Promise<Shopper> {
  const { openid, now, couponId } = request;
  const chosen = async (): Promise<UserCouponDoc[]> => {
    const doc = (await db.collection<UserCouponDoc>(USER_COUPONS).doc(couponId!).get()).data;
    return doc && doc.openid === openid ? [doc] : [];
  };
  const [member, usable, picked] = await Promise.all([
    memberSnapshot(openid),
    picker || couponId === undefined ? usableCoupons(openid, now) : Promise.resolve([]),
    typeof couponId === 'string' ? chosen() : Promise.resolve([]),
  ]);
  const coupons = [...usable, ...picked.filter((p) => !usable.some((u) => u._id === p._id))];
  return { now, member, coupons, couponId, usePoints: request.usePoints };
}

/** The parents of the lines' categories, read only when a category-scoped coupon is in play. */
export async function categoryParents(spus: Iterable<SpuDoc>, coupons: UserCouponDoc[]): Promise<Map<string, string | null>> {
  if (!coupons.some((c) => c.scope.type === 'categories')) return new Map();
  const lines = await couponLinesFor([...spus].map((s) => ({ spuId: s._id, categoryId: s.categoryId, subtotal: 0 })));
  return new Map(lines.map((l) => [l.categoryId, l.parentCategoryId ?? null]));
}

export interface PricedCheckout {
  lines: PricedLine[];
  amounts: Amounts;
  pricing: CheckoutPricing<UserCouponDoc>;
}

/**
 * Prices lines whose SKUs are known to exist and be on shelf. Without a shopper: list prices, promotions and
 * freight only (no member, coupon or points discount).
 */
export function priceLines(lines: CatalogLine[], shopper?: Shopper): PricedCheckout {
  const goods = lines.reduce((n, l) => n + l.sku.price * l.quantity - (l.promotion ?? 0), 0);
  const pricing = priceCheckout({
    lines: lines.map((l) => ({
      skuId: l.sku._id,
      unitPrice: l.sku.price,
      quantity: l.quantity,
      spuId: l.spu._id,
      categoryId: l.spu.categoryId,
      parentCategoryId: shopper?.parents?.get(l.spu.categoryId) ?? null,
      ...(l.promotion ? { promotion: l.promotion } : {}),
    })),
    freight: freightFor(Math.max(goods, 0)),
    now: shopper?.now ?? new Date(),
    ...(shopper
      ? {
          memberDiscountBp: shopper.member.level.discountBp,
          coupons: shopper.coupons,
          couponId: shopper.couponId,
          points: { requested: shopper.usePoints ?? 0, balance: shopper.member.points, settings: shopper.member.settings },
        }
      : { couponId: null }),
  });
  const applied = pricing.coupon;
  const amounts: Amounts = {
    subtotal: pricing.subtotal,
    discountTotal: pricing.discountTotal,
    freight: pricing.freight,
    payable: pricing.payable,
    discounts: pricing.discounts,
    ...(shopper ? { member: { levelIndex: shopper.member.level.index, levelName: shopper.member.level.name, discountBp: shopper.member.level.discountBp } } : {}),
    coupon: applied
      ? {
          couponId: applied.coupon._id,
          templateId: applied.coupon.templateId,
          name: applied.coupon.name,
          summary: ruleSummary(applied.coupon.rule),
          scopeText: scopeText(applied.coupon.scope),
          discount: pricing.discounts.coupon,
        }
      : null,
    pointsUsed: pricing.points.used,
  };
  return {
    lines: lines.map((l, i) => {
      const p = pricing.lines[i]!;
      return {
        skuId: l.sku._id,
        spuId: l.spu._id,
        title: l.spu.title,
        image: l.sku.image || (l.spu.images[0] ?? ''),
        specValues: l.sku.specValues,
        unitPrice: p.unitPrice,
        quantity: p.quantity,
        subtotal: p.subtotal,
        discounts: p.discounts,
        payable: p.payable,
      };
    }),
    amounts,
    pricing,
  };
}

const EMPTY: Amounts = { subtotal: 0, discountTotal: 0, freight: 0, payable: 0, discounts: { promotion: 0, member: 0, coupon: 0, points: 0 }, coupon: null, pointsUsed: 0 };

/**
 * The checkout page: prices, problems per line and, for a shopper, the breakdown with the coupon picker (every usable
 * coupon with what it takes off this cart) and the points they may use. `couponId`/`usePoints` mean what they mean in
 * `order.create`, so the payable shown is the payable the order gets.
 */
export async function preview(lines: Array<{ skuId: string; quantity: number }>, request?: ShopperRequest): Promise<Preview> {
  const [{ skus, spus }, shopper] = await Promise.all([loadCatalog(lines.map((l) => l.skuId)), request ? loadShopper(request, true) : undefined]);
  const problems: Preview['problems'] = [];
  const buyable: CatalogLine[] = [];
  for (const line of lines) {
    const sku = skus.get(line.skuId);
    const spu = sku && spus.get(sku.spuId);
    if (!sku || !spu || spu.status !== 'on_shelf') problems.push({ skuId: line.skuId, code: 'NOT_FOUND', message: '商品已下架或不存在' });
    else if (sku.stock < line.quantity) problems.push({ skuId: line.skuId, code: 'OUT_OF_STOCK', message: sku.stock ? `库存仅剩 ${sku.stock} 件` : '已售罄', stock: sku.stock });
    else buyable.push({ sku, spu, quantity: line.quantity });
  }
  if (!buyable.length) {
    const points = shopper ? { balance: shopper.member.points, maxUsable: 0, maxValue: 0, pointsPerYuan: shopper.member.settings.redeem.pointsPerYuan } : undefined;
    return { lines: [], amounts: { ...EMPTY }, problems, ...(shopper ? { coupons: [], points } : {}) };
  }
  if (shopper) shopper.parents = await categoryParents(new Set(buyable.map((l) => l.spu)), shopper.coupons);
  const priced = priceLines(buyable, shopper);
  if (!shopper) return { lines: priced.lines, amounts: priced.amounts, problems };
  const { ranked, points } = priced.pricing;
  const best = ranked[0];
  return {
    lines: priced.lines,
    amounts: priced.amounts,
    problems,
    // Only coupons the shopper can use now are offered; a chosen one that cannot was refused by pricing already.
    coupons: ranked
      .filter((r) => r.coupon.status === 'available')
      .map(({ coupon, quote }) => ({ ...toCouponView(coupon, shopper.now), ...quote })),
    ...(best?.quote.applicable ? { bestCouponId: best.coupon._id } : {}),
    points: {
      balance: shopper.member.points,
      maxUsable: points.maxUsable,
      maxValue: pointsValue(points.maxUsable, shopper.member.settings),
      pointsPerYuan: shopper.member.settings.redeem.pointsPerYuan,
    },
  };
}
